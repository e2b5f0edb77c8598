"""Mail to a member about a topic, sent only as they chose, always with a one-click way out.

Every mail that tells a member of something (not a password reset or an invitation) goes
through `send_member_mail`: it is sent only when the member's choice for its topic is "right
away", and it carries `List-Unsubscribe` and `List-Unsubscribe-Post` headers (RFC 8058) and a
link at its foot. The unsubscribe link is signed for one person and one topic: it works without
signing in, and only ever turns off that topic for that person.
"""
from __future__ import annotations

from dataclasses import replace

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..links import external_url, public_base_url
from ..mail import Mail, queue_mail
from .kinds import MailChoice, MailTopic, NotificationKind
from .models import MailPreference

_SALT = "mail-unsubscribe"


def choices_for(user: User) -> dict[MailTopic, MailChoice]:
    """Every topic's choice for the member, defaults filled in (one query)."""
    stored = {row.topic: row.choice for row in db.session.scalars(
        select(MailPreference).where(MailPreference.user_id == user.id))}
    result = {}
    for topic in MailTopic:
        try:
            choice = MailChoice(stored.get(topic.value, topic.default.value))
        except ValueError:
            choice = topic.default
        result[topic] = choice if choice in topic.choices else topic.default
    return result


def choice_for(user: User, topic: MailTopic) -> MailChoice:
    return choices_for(user)[topic]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user: User, topic: MailTopic) -> str:
    return _serializer().dumps([user.id, topic.value])


def read_unsubscribe_token(token: str) -> tuple[int, MailTopic] | None:
    """The (member id, topic) a link was signed for, or None for a forged or broken one."""
    try:
        user_id, topic = _serializer().loads(token)
        return int(user_id), MailTopic(topic)
    except (BadSignature, ValueError, TypeError):
        return None


def unsubscribe_url(user: User, topic: MailTopic) -> str:
    return external_url("notifications.unsubscribe_link", token=unsubscribe_token(user, topic))


def with_unsubscribe(user: User, topic: MailTopic, mail: Mail) -> Mail:
    """`mail` with the one-click headers and a footer naming the topic and both links."""
    stop = unsubscribe_url(user, topic)
    settings = external_url("notifications.mail_settings")
    footer = render_template("notifications/mail/footer.txt", topic=topic, stop=stop,
                             settings=settings)
    html = mail.html
    if html is not None:
        html_footer = render_template("notifications/mail/footer.html", topic=topic, stop=stop,
                                      settings=settings)
        html = (html.replace("</body>", html_footer + "</body>") if "</body>" in html
                else html + html_footer)
    headers = (*mail.headers, ("List-Unsubscribe", f"<{stop}>"),
               ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    return replace(mail, text=mail.text.rstrip("\n") + "\n\n" + footer, html=html,
                   headers=headers)


def send_member_mail(user: User, topic: MailTopic, mail: Mail) -> bool:
    """Queue `mail` (after the commit) if the member wants this topic's mail right away."""
    if not user.active or choice_for(user, topic) is not MailChoice.IMMEDIATELY:
        return False
    queue_mail(with_unsubscribe(user, topic, mail))
    return True


def wanting_it_now(people: list[User], topic: MailTopic) -> list[User]:
    """Those of `people` whose choice for `topic` is "right away" (one query for them all)."""
    stored = dict(db.session.execute(
        select(MailPreference.user_id, MailPreference.choice).where(
            MailPreference.user_id.in_([person.id for person in people]),
            MailPreference.topic == topic.value)).all()) if people else {}
    return [person for person in people
            if stored.get(person.id, topic.default.value) == MailChoice.IMMEDIATELY.value]


def mail_notifications(people: list[User], kind: NotificationKind, text: str, url: str) -> None:
    """For topics without a mail of their own: the notification itself, mailed right away
    to those who chose so (the others read it in the app or in the weekly digest)."""
    topic = kind.topic
    if topic.has_own_mail:
        return
    for user in wanting_it_now(people, topic):
        body = render_template("notifications/mail/notification.txt", name=user.name,
                               text=text, link=public_base_url() + url)
        queue_mail(with_unsubscribe(user, topic, Mail(to=user.email, subject=text[:120],
                                                      text=body)))

"""Changing a member's mail choices, from the settings page, the API or an unsubscribe link."""
from __future__ import annotations

from sqlalchemy import delete

from ..accounts.models import User
from ..errors import Invalid
from ..extensions import db
from ..transaction import atomic, commit
from .kinds import MailChoice, MailTopic
from .models import MailPreference


def _choice(topic: MailTopic, value) -> MailChoice:
    try:
        choice = MailChoice(value)
    except ValueError:
        choice = None
    if choice not in topic.choices:
        allowed = ", ".join(item.value for item in topic.choices)
        raise Invalid(f"Choose one of {allowed} for {topic.label}.",
                      {topic.value: f"One of {allowed}."})
    return choice


@atomic
def set_mail_choices(user: User, raw: dict) -> None:
    """Store the choices named in `raw` ({topic: choice}); the others stay as they are.
    An unknown topic or choice is Invalid and changes nothing."""
    changes = {}
    errors = {}
    for name, value in raw.items():
        try:
            topic = MailTopic(name)
        except ValueError:
            errors[name] = "Not a mail topic."
            continue
        try:
            changes[topic] = _choice(topic, value)
        except Invalid as problem:
            errors.update(problem.fields or {})
    if errors:
        raise Invalid("Some mail choices are not valid.", errors)
    for topic, choice in changes.items():
        _store(user, topic, choice)
    commit()


def _store(user: User, topic: MailTopic, choice: MailChoice) -> None:
    db.session.execute(delete(MailPreference).where(MailPreference.user_id == user.id,
                                                    MailPreference.topic == topic.value))
    if choice is not topic.default:
        db.session.add(MailPreference(user_id=user.id, topic=topic.value, choice=choice.value))


@atomic
def unsubscribe(user_id: int, topic: MailTopic) -> User | None:
    """Turn `topic` off for the member a signed link was made for; None if they are gone."""
    user = db.session.get(User, user_id)
    if user is None:
        return None
    _store(user, topic, MailChoice.NEVER)
    commit()
    return user

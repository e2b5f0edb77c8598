"""Creating, counting, listing and reading notifications.

`notify` only adds rows to the session: the caller's own commit saves them with the event they
tell of, so a notification is never lost (the event committed) nor told of an event that was
rolled back, and one event makes one row per person.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import g, has_request_context
from sqlalchemy import bindparam, delete, func, or_, select, update

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from ..mail import header_value as one_line
from ..transaction import commit
from .kinds import NotificationKind
from .models import Notification

TEXT_LIMIT = 400
PAGE_SIZE = 50
HIDDEN_VIDEO_TEXT = "Something happened on a video you can no longer watch."


def notify(recipients: User | Iterable[User], kind: NotificationKind, text: str, url: str,
           *, actor: User | None = None, video_id: int | None = None) -> list[Notification]:
    """A notification of `kind` for each recipient, except the actor (nobody is told of what
    they did themselves) and deactivated members; added to the session, not committed.

    `url` is a path inside the app; `video_id` names the video the text names, so a reader who
    may no longer watch it reads `HIDDEN_VIDEO_TEXT` instead (`readable`). Its mail, for the topics that have no mail of their own,
    goes out after the commit if the member asked for it right away (member_mail.py).
    """
    from .member_mail import mail_notifications

    people = [recipients] if isinstance(recipients, User) else list(recipients)
    text = one_line(text)[:TEXT_LIMIT]
    made, seen = [], set()
    people_by_id = {person.id: person for person in people if person is not None}
    for person in people:
        if person is None or person.id in seen or not person.active:
            continue
        if actor is not None and person.id == actor.id:
            continue
        seen.add(person.id)
        notification = Notification(user_id=person.id, kind=kind.value, text=text, url=url,
                                    video_id=video_id, created_at=utcnow())
        db.session.add(notification)
        made.append(notification)
    mail_notifications([people_by_id[notification.user_id] for notification in made],
                       kind, text, url)
    return made


def forget_notifications_linking(paths: Iterable[str] = (), anchors: Iterable[str] = ()) -> None:
    """Remove the notifications that link to something being deleted: a path (`/collections/7`,
    with or without a query or anchor) or an anchor (`#comment-4`). Their text quotes what is
    gone, and the address could later name something else (SQLite reuses a deleted row's id).
    Not committed: part of the deletion's transaction."""
    matches = []
    for path in paths:
        matches += [Notification.url == path, Notification.url.startswith(f"{path}?"),
                    Notification.url.startswith(f"{path}#")]
    matches += [Notification.url.endswith(anchor) for anchor in anchors]
    if matches:
        db.session.execute(delete(Notification).where(or_(*matches))
                           .execution_options(synchronize_session=False))


# Built once: it runs on every page (the bell).
_UNREAD = select(func.count()).select_from(Notification).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def unread_count(user: User) -> int:
    """The bell's number: one indexed count, computed at most once per request."""
    if has_request_context():
        cached = g.get("_unread_notifications")
        if cached is not None and cached[0] == user.id:
            return cached[1]
    count = db.session.scalar(_UNREAD, {"user_id": user.id}) or 0
    if has_request_context():
        g._unread_notifications = (user.id, count)
    return count


@dataclass(frozen=True)
class Day:
    on: date
    items: list[Notification]


def latest(user: User, *, unread_only: bool = False, limit: int = PAGE_SIZE,
           before_id: int | None = None) -> list[Notification]:
    """The member's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return readable(user, list(db.session.scalars(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))))


def readable(user: User, items: list[Notification]) -> list[Notification]:
    """`items` as `user` may read them now: one naming a video they may no longer watch (made
    private since) keeps its place and time but loses its words and link (one query). The
    rows themselves are not changed."""
    from ..videos.models import Video
    from ..videos.visibility import visible_to

    named = {item.video_id for item in items if item.video_id is not None}
    if not named:
        return items
    watchable = set(db.session.scalars(select(Video.id).where(Video.id.in_(named),
                                                              visible_to(user))))
    for item in items:
        if item.video_id is not None and item.video_id not in watchable:
            db.session.expunge(item)  # shown redacted, never written back
            item.text, item.url = HIDDEN_VIDEO_TEXT, "/notifications"
    return items


def by_day(items: list[Notification], local_date) -> list[Day]:
    """`items` (newest first) grouped by the member's local day, `local_date(datetime)`."""
    days: list[Day] = []
    for item in items:
        on = local_date(item.created_at)
        if not days or days[-1].on != on:
            days.append(Day(on, []))
        days[-1].items.append(item)
    return days


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the member's notifications read: those of `ids` (others' ids are ignored), or all
    when `ids` is None. Returns how many changed."""
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if ids is not None:
        wanted = list(ids)
        if not wanted:
            return 0
        query = query.where(Notification.id.in_(wanted))
    changed = db.session.execute(
        query.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    commit()
    if has_request_context():
        g.pop("_unread_notifications", None)
    return changed


def open_notification(user: User, notification_id: int) -> Notification | None:
    """The member's own notification, marked read; None for anyone else's."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        commit()
    return readable(user, [notification])[0]


def older_than(user: User, created_before: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.created_at < created_before)) or 0

"""Shared fixtures of the notification tests: the visits' hosts, visitors and open classrooms."""
from __future__ import annotations

from sqlalchemy import select

from mastery_share.extensions import db
from mastery_share.notifications.models import Notification
from tests.visits.conftest import (  # noqa: F401  (fixtures)
    approving_school,
    host,
    open_slot,
    visitor,
    visitors_principal,
)


def notifications_of(user) -> list[Notification]:
    """The member's notifications, newest first, as the database holds them."""
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc())))


def kinds_of(user) -> list[str]:
    return [item.kind for item in notifications_of(user)]

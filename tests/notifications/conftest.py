"""Shared fixtures of the notification tests: the visits' hosts, visitors and open classrooms."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mastery_share.extensions import db
from mastery_share.notifications.models import Notification
from tests.visits.conftest import host, open_slot, set_school, visitor  # noqa: F401


def notifications_of(user) -> list[Notification]:
    """The member's notifications, newest first, as the database holds them."""
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc())))


def kinds_of(user) -> list[str]:
    return [item.kind for item in notifications_of(user)]


@pytest.fixture
def approving_school(other_school):
    set_school(other_school, requires_visit_approval=True)
    return other_school


@pytest.fixture
def visitors_principal(make_user, approving_school):
    return make_user("principal", school_=approving_school, name="Pat Principal")

"""Factories for open classrooms: hosts, visitors and slots at round local times."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.visits.slots import create_slots


def local_start(school, days_ahead: int = 3, hour: int = 9, minute: int = 0) -> datetime:
    """An aware datetime `days_ahead` days from now at hour:minute in the school's zone."""
    zone = ZoneInfo(school.time_zone)
    day = utcnow().astimezone(zone).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


@pytest.fixture
def host(make_user, school):
    return make_user("teacher", name="Maria Lopez")


@pytest.fixture
def visitor(make_user, other_school):
    return make_user("teacher", school_=other_school, name="Visiting Teacher")


@pytest.fixture
def open_slot():
    """open_slot(host, days_ahead=3, hour=9, capacity=3, **fields) -> VisitSlot."""

    def factory(host, *, days_ahead: int = 3, hour: int = 9, minute: int = 0,
                duration_min: int = 45, capacity: int = 3, room: str = "12",
                focus: str = "Station rotation in 4th grade math", repeat_weekly: int = 0,
                **fields):
        slots = create_slots(host, {
            "starts_at": local_start(host.school, days_ahead, hour, minute),
            "duration_min": duration_min, "capacity": capacity, "room": room, "focus": focus,
            "repeat_weekly": repeat_weekly, **fields})
        return slots if repeat_weekly else slots[0]

    return factory


def set_school(school, **rules):
    for name, value in rules.items():
        setattr(school, name, value)
    db.session.commit()


@pytest.fixture
def approving_school(other_school):
    """The visitor's school, where visits to other schools need the principal's approval."""
    set_school(other_school, requires_visit_approval=True)
    return other_school


@pytest.fixture
def visitors_principal(make_user, approving_school):
    return make_user("principal", school_=approving_school, name="Pat Principal")

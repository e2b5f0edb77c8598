"""Open classrooms in the weeks ahead for the demo district, so the loop "watch it, then go
and see it live" can be walked on the day `make run` is first started: four teachers open
their doors weekly, a colleague has signed up for Maria's, and a Maple Grove teacher's request
waits for the principal (Maple Grove asks its principal to approve visits elsewhere)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .accounts.models import User
from .db_types import utcnow
from .extensions import db
from .videos.models import Video
from .visits.booking import book_slot
from .visits.models import VisitSlot
from .visits.slots import create_slots

WEEKS = 3
# (host's local part, weekday 0=Monday, hour, focus, practices)
HOSTS = (
    ("maria.lopez", 1, 9, "Math stations: how the must-do board keeps four groups moving",
     ["flexible-grouping", "center-time-accountability"]),
    ("aisha.khan", 2, 10, "Reading groups that change every week from exit tickets",
     ["differentiation", "flexible-grouping"]),
    ("elena.petrova", 3, 13, "Goal charts and Plan-Learn-Check-Adjust conferences",
     ["goal-setting"]),
    ("sofia.rossi", 4, 11, "Science stations with a self-check at each table",
     ["center-time-accountability"]),
)
BOOKINGS = (("tom.nguyen", "maria.lopez"), ("maria.lopez", "elena.petrova"))
PENDING = (("james.carter", "sofia.rossi"),)


def seed_open_classrooms(domain: str) -> int:
    """Open the demo hosts' classrooms weekly from next week on (once); returns slots made."""
    people = {user.email.split("@")[0]: user for user in db.session.scalars(
        select(User).where(User.email.like(f"%@{domain}")))}
    made = 0
    first = {}
    for local, weekday, hour, focus, practices in HOSTS:
        host = people.get(local)
        if host is None or _has_upcoming(host):
            continue
        slots = create_slots(host, {
            "starts_at": _next(weekday, hour, host.school.time_zone), "duration_min": 45,
            "capacity": 3, "room": "", "focus": focus, "repeat_weekly": WEEKS - 1,
            "practices": practices, "video_ids": _video_ids(host)})
        first[local] = slots[0]
        made += len(slots)
    if not first:
        return 0
    maple_grove = people["maria.lopez"].school
    maple_grove.requires_visit_approval = True
    db.session.commit()
    for visitor, host in (*BOOKINGS, *PENDING):
        if visitor in people and host in first:
            book_slot(people[visitor], first[host].id)
    return made


def _has_upcoming(host: User) -> bool:
    return db.session.scalar(select(VisitSlot.id).where(
        VisitSlot.host_id == host.id, VisitSlot.starts_at > utcnow()).limit(1)) is not None


def _next(weekday: int, hour: int, zone_name: str) -> datetime:
    """That weekday of next week at `hour`, in the school's zone."""
    zone = ZoneInfo(zone_name)
    today = utcnow().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    return datetime.combine(monday + timedelta(days=weekday), time(hour), tzinfo=zone)


def _video_ids(host: User) -> list[int]:
    return list(db.session.scalars(select(Video.id).where(Video.owner_id == host.id)
                                   .order_by(Video.id).limit(1)))


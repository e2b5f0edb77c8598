"""Reflections: after a visit, what the visitor saw and will try."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Practice, User
from ..db_types import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..text_fields import clean_text
from ..transaction import atomic, commit
from .models import (
    Booking,
    BookingStatus,
    Reflection,
    SlotStatus,
    VisitSlot,
    reflection_practices,
    visit_slot_practices,
)
from .permissions import can_manage_slot
from .slots import get_slot, practices_from_slugs

MAX_TEXT = 2000


def _answer(raw: dict, name: str, label: str) -> str:
    value = clean_text(raw.get(name), field=name, limit=MAX_TEXT, multiline=True)
    if not value:
        raise Invalid(f"Write a line about {label}.", {name: "Write a sentence or two."})
    return value


def can_reflect(visitor: User, booking: Booking) -> bool:
    return (booking.visitor_id == visitor.id and booking.status == BookingStatus.CONFIRMED.value
            and booking.slot.is_open and booking.slot.has_started)


@atomic
def write_reflection(visitor: User, booking_id: int, raw: dict) -> tuple[Reflection, bool]:
    """Save the visitor's reflection on a visit that took place; returns (it, created)."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.visitor_id != visitor.id:
        raise NotFound("No such visit of yours.")
    if not can_reflect(visitor, booking):
        raise Invalid("You can reflect on a visit you had a seat for, once it has begun.")
    saw = _answer(raw, "saw", "what you saw")
    will_try = _answer(raw, "will_try", "what you will try")
    practices = practices_from_slugs(raw.get("practices") or [])
    reflection = booking.reflection
    created = reflection is None
    if created:
        reflection = Reflection(booking=booking, saw=saw, will_try=will_try)
        db.session.add(reflection)
    reflection.saw, reflection.will_try, reflection.practices = saw, will_try, practices
    commit()
    return reflection, created


def reflections_for_slot(actor: User, slot_id: int) -> list[Reflection]:
    """What visitors wrote about a slot: for its host (and district admins)."""
    slot = get_slot(actor, slot_id)
    if not can_manage_slot(actor, slot):
        raise NotFound("Only the host sees the reflections on an open classroom.")
    return list(db.session.scalars(
        select(Reflection).join(Booking).where(Booking.slot_id == slot.id)
        .options(selectinload(Reflection.practices),
                 selectinload(Reflection.booking).selectinload(Booking.visitor))
        .order_by(Reflection.created_at)))


def practice_visit_stats(practice: Practice, district_id: int) -> dict[str, int]:
    """Visits that took place showing the practice, and reflections on it, in a district."""
    slot_has_practice = VisitSlot.id.in_(select(visit_slot_practices.c.slot_id)
                                         .where(visit_slot_practices.c.practice_id == practice.id))
    visits = db.session.scalar(
        select(func.count()).select_from(Booking).join(VisitSlot)
        .where(VisitSlot.district_id == district_id, slot_has_practice,
               VisitSlot.status == SlotStatus.OPEN.value, VisitSlot.starts_at <= utcnow(),
               Booking.status == BookingStatus.CONFIRMED.value)) or 0
    tagged = Reflection.id.in_(select(reflection_practices.c.reflection_id)
                               .where(reflection_practices.c.practice_id == practice.id))
    reflections = db.session.scalar(
        select(func.count()).select_from(Reflection).join(Booking).join(VisitSlot)
        .where(VisitSlot.district_id == district_id, or_(slot_has_practice, tagged))) or 0
    return {"visits": visits, "reflections": reflections}

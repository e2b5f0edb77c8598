"""Who may do what with visit slots and bookings: predicates shared by services and pages."""
from __future__ import annotations

from ..accounts.models import Role, User
from .models import Booking, VisitSlot


def is_member(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_see_slot(user: User | None, slot: VisitSlot) -> bool:
    """Open classrooms are shared with the whole district."""
    return is_member(user) and user.district_id == slot.district_id


def can_manage_slot(user: User | None, slot: VisitSlot) -> bool:
    """Edit or cancel a slot (and any booking on it): the host, or an admin of the district."""
    return is_member(user) and (slot.host_id == user.id
                                or (user.is_admin and user.district_id == slot.district_id))


def can_host(user: User | None) -> bool:
    """Members of a school open their classrooms; a district admin has none."""
    return is_member(user) and user.school_id is not None


def can_decide_approval(user: User | None, booking: Booking) -> bool:
    """The visitor's own principal approves or declines the visit."""
    return (is_member(user) and user.role == Role.PRINCIPAL.value
            and booking.visitor.school_id == user.school_id)


def can_see_reflection(user: User | None, booking: Booking) -> bool:
    """The visitor who wrote it, the host of the visited classroom, and district admins."""
    return is_member(user) and (booking.visitor_id == user.id
                                or can_manage_slot(user, booking.slot))

"""A member deactivated by their principal leaves their visits: the classrooms they opened
that are still ahead close, and their seats go to the next on the waitlist; everyone
concerned is told. A visit under way is left as it is."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mastery_share.accounts.staff import update_staff
from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.notifications.models import Notification
from mastery_share.visits.booking import book_slot
from mastery_share.visits.calendar import SlotFilters, upcoming_slots


def _notices(user) -> list[str]:
    return list(db.session.scalars(select(Notification.text)
                                   .where(Notification.user_id == user.id)))


def test_deactivating_a_member_closes_their_classrooms_and_frees_their_seats(
        host, make_user, school, other_school, open_slot):
    principal = make_user("principal", school_=school, name="Grace Okafor")
    guest = make_user("teacher", school_=other_school, name="Guest Visitor")
    hosted = open_slot(host, hour=9)
    guests_booking = book_slot(guest, hosted.id)
    under_way = open_slot(host, hour=14)
    under_way.starts_at = utcnow() - timedelta(minutes=10)
    under_way.ends_at = utcnow() + timedelta(minutes=35)
    db.session.commit()

    elsewhere = open_slot(make_user("teacher", school_=other_school, name="Sam Reed"),
                          hour=13, capacity=1)
    leavers_seat = book_slot(host, elsewhere.id)
    next_in_line = book_slot(make_user("teacher", school_=school, name="Next In Line"),
                             elsewhere.id)
    assert (leavers_seat.status, next_in_line.status) == ("confirmed", "waitlisted")

    update_staff(principal, host.id, {"active": False})

    for row in (hosted, guests_booking, under_way, leavers_seat, next_in_line):
        db.session.refresh(row)
    assert (hosted.status, guests_booking.status) == ("cancelled", "cancelled")
    assert under_way.status == "open"
    assert (leavers_seat.status, next_in_line.status) == ("cancelled", "confirmed")
    assert any("Grace Okafor cancelled Maria Lopez's open classroom" in text
               for text in _notices(guest))
    assert any("A seat opened" in text for text in _notices(next_in_line.visitor))
    # Nobody is offered the closed classroom any more.
    offered = [view.slot.id for view in upcoming_slots(guest, SlotFilters())]
    assert hosted.id not in offered and elsewhere.id in offered

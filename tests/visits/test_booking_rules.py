"""The booking rules, one test each, through the services."""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from mastery_share.accounts.models import District, School, User
from mastery_share.db_types import utcnow
from mastery_share.errors import Conflict, Forbidden, Invalid, NotFound
from mastery_share.extensions import db
from mastery_share.visits.booking import book_slot, can_cancel_booking, cancel_booking
from mastery_share.visits.local_time import format_day
from mastery_share.visits.slots import cancel_slot, create_slots, update_slot
from tests.conftest import outbox_messages
from tests.visits.conftest import local_start, set_school


def _move_to_past(slot):
    slot.starts_at = utcnow() - timedelta(hours=2)
    slot.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()


def test_booking_confirms_while_seats_last_then_waitlists(host, make_user, other_school,
                                                          open_slot):
    slot = open_slot(host, capacity=2)
    statuses = [book_slot(make_user("teacher", school_=other_school), slot.id).status
                for _ in range(4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_a_visitor_cannot_book_their_own_slot(host, open_slot):
    slot = open_slot(host)
    with pytest.raises(Invalid, match="your own"):
        book_slot(host, slot.id)


def test_a_visitor_cannot_book_a_past_slot(host, visitor, open_slot):
    slot = open_slot(host)
    _move_to_past(slot)
    with pytest.raises(Invalid, match="already started"):
        book_slot(visitor, slot.id)


def test_sign_up_closes_twelve_hours_before_by_default(host, visitor, open_slot):
    slot = open_slot(host)
    slot.starts_at = utcnow() + timedelta(hours=6)
    slot.ends_at = slot.starts_at + timedelta(minutes=45)
    db.session.commit()
    with pytest.raises(Invalid, match="Sign-up closed 12 hours"):
        book_slot(visitor, slot.id)


def test_a_school_can_shorten_its_sign_up_cutoff(host, visitor, open_slot, school):
    set_school(school, visit_signup_cutoff_hours=2)
    slot = open_slot(host)
    slot.starts_at = utcnow() + timedelta(hours=6)
    slot.ends_at = slot.starts_at + timedelta(minutes=45)
    db.session.commit()
    assert book_slot(visitor, slot.id).status == "confirmed"


def test_a_cancelled_slot_cannot_be_booked(host, visitor, open_slot):
    slot = open_slot(host)
    cancel_slot(host, slot.id)
    with pytest.raises(Invalid, match="cancelled"):
        book_slot(visitor, slot.id)


def test_booking_the_same_slot_twice_is_a_conflict(host, visitor, open_slot):
    slot = open_slot(host)
    book_slot(visitor, slot.id)
    with pytest.raises(Conflict, match="already signed up"):
        book_slot(visitor, slot.id)


def test_overlapping_visits_are_refused_naming_the_other_visit(host, visitor, make_user,
                                                               school, open_slot):
    other_host = make_user("teacher", school_=school, name="Sam Reed")
    first = open_slot(host, hour=9, room="12")
    overlapping = open_slot(other_host, hour=9, minute=30, room="4")
    book_slot(visitor, first.id)
    with pytest.raises(Conflict) as error:
        book_slot(visitor, overlapping.id)
    message = error.value.message
    assert "You are already visiting Maria Lopez's classroom (Room 12) at 9:00–9:45 AM" in message
    assert message.endswith(f" on {format_day(first.starts_at, 'America/Chicago')}.")


def test_a_visit_while_hosting_is_refused_and_a_visit_is_named_before_hosting(
        host, visitor, make_user, school, open_slot):
    other_host = make_user("teacher", school_=school, name="Sam Reed")
    # The visitor opens their own classroom at 9:00 by the host school's clock.
    open_slot(visitor, room="8", starts_at=local_start(school, 3, 9))
    wanted = open_slot(host, hour=9, minute=30, room="12")
    with pytest.raises(Conflict, match=r"You are hosting visitors then \("):
        book_slot(visitor, wanted.id)

    # Visiting Sam at 10 (he moved his classroom there after they booked) and hosting at
    # 10:15: the visit they would miss is named first.
    sams = open_slot(other_host, hour=7, room="4")
    book_slot(visitor, sams.id)
    open_slot(visitor, room="8", starts_at=local_start(school, 3, 10, 15))
    update_slot(other_host, sams.id, {"starts_at": local_start(school, 3, 10)})
    with pytest.raises(Conflict, match="You are already visiting Sam Reed's classroom"):
        book_slot(visitor, open_slot(host, hour=10, minute=20, room="12").id)


def test_back_to_back_visits_do_not_overlap(host, visitor, make_user, school, open_slot):
    other_host = make_user("teacher", school_=school)
    book_slot(visitor, open_slot(host, hour=9, duration_min=45).id)
    assert book_slot(visitor, open_slot(other_host, hour=9, minute=45).id).status == "confirmed"


def test_a_waitlisted_visit_still_blocks_an_overlapping_one(host, visitor, make_user, school,
                                                            other_school, open_slot):
    full = open_slot(host, capacity=1)
    book_slot(make_user("teacher", school_=other_school), full.id)
    assert book_slot(visitor, full.id).status == "waitlisted"
    with pytest.raises(Conflict):
        book_slot(visitor, open_slot(make_user("teacher", school_=school), hour=9).id)


def test_members_of_another_district_cannot_see_or_book_a_slot(host, open_slot):
    slot = open_slot(host)
    district = District(name="Elsewhere", slug="elsewhere")
    school = School(name="Far School", time_zone="America/Denver", district=district)
    stranger = User(email="far@example.org", name="Far Away", role="teacher",
                    district=district, school=school)
    db.session.add_all([district, school, stranger])
    db.session.commit()
    with pytest.raises(NotFound):
        book_slot(stranger, slot.id)


def test_cancelling_a_confirmed_booking_promotes_the_first_waitlisted(host, make_user,
                                                                      other_school, open_slot,
                                                                      app):
    slot = open_slot(host, capacity=1)
    seated, first, second = (make_user("teacher", school_=other_school) for _ in range(3))
    seat = book_slot(seated, slot.id)
    first_wait = book_slot(first, slot.id)
    second_wait = book_slot(second, slot.id)
    before = len(outbox_messages(app))
    cancel_booking(seated, seat.id)
    db.session.expire_all()
    assert first_wait.status == "confirmed" and second_wait.status == "waitlisted"
    new_mail = outbox_messages(app)[before:]
    assert any(m["To"] == first.email and "A seat opened" in m["Subject"] for m in new_mail)


def test_cancelling_a_waitlisted_booking_promotes_no_one(host, make_user, other_school,
                                                         open_slot):
    slot = open_slot(host, capacity=1)
    book_slot(make_user("teacher", school_=other_school), slot.id)
    waiting = book_slot(make_user("teacher", school_=other_school), slot.id)
    last = book_slot(make_user("teacher", school_=other_school), slot.id)
    cancel_booking(waiting.visitor, waiting.id)
    db.session.expire_all()
    assert last.status == "waitlisted"


def test_visitor_cannot_cancel_inside_the_cancel_cutoff_but_the_host_can(host, visitor, school,
                                                                         open_slot):
    set_school(school, visit_cancel_cutoff_hours=72)
    slot = open_slot(host, days_ahead=2)
    booking = book_slot(visitor, slot.id)
    with pytest.raises(Forbidden, match="Ask Maria Lopez"):
        cancel_booking(visitor, booking.id)
    assert cancel_booking(host, booking.id).status == "cancelled"


def test_inside_the_cancel_cutoff_a_visitor_without_a_seat_can_still_withdraw(
        host, visitor, make_user, other_school, school, open_slot):
    set_school(school, visit_cancel_cutoff_hours=72)
    slot = open_slot(host, days_ahead=2, capacity=1)
    seated = book_slot(make_user("teacher", school_=other_school), slot.id)
    waiting = book_slot(visitor, slot.id)
    assert (seated.status, waiting.status) == ("confirmed", "waitlisted")
    assert can_cancel_booking(visitor, waiting) and not can_cancel_booking(seated.visitor, seated)
    assert cancel_booking(visitor, waiting.id).status == "cancelled"
    # When the host later frees the seat, nobody who gave up their place is moved into it.
    cancel_booking(host, seated.id)
    db.session.refresh(waiting)
    assert waiting.status == "cancelled"


def test_visitor_can_cancel_before_the_cancel_cutoff(host, visitor, school, open_slot):
    set_school(school, visit_cancel_cutoff_hours=24)
    booking = book_slot(visitor, open_slot(host, days_ahead=3).id)
    assert cancel_booking(visitor, booking.id).status == "cancelled"


def test_other_members_cannot_cancel_someone_elses_booking(host, visitor, make_user, open_slot):
    booking = book_slot(visitor, open_slot(host).id)
    with pytest.raises(NotFound):
        cancel_booking(make_user("teacher"), booking.id)


def _days_until(school, month_offset: int, day: int) -> int:
    """Days from today to `day` of the month `month_offset` months ahead, in the school's zone."""
    today = utcnow().astimezone(ZoneInfo(school.time_zone)).date()
    year, month = divmod(today.month - 1 + month_offset, 12)
    return (date(today.year + year, month + 1, day) - today).days


def test_monthly_limit_counts_visits_per_teacher_per_calendar_month(host, visitor, make_user,
                                                                    school, other_school,
                                                                    open_slot):
    set_school(other_school, monthly_visit_limit=1)
    book_slot(visitor, open_slot(host, days_ahead=_days_until(school, 1, 5)).id)
    same_month = open_slot(make_user("teacher", school_=school),
                           days_ahead=_days_until(school, 1, 20))
    with pytest.raises(Invalid, match="1 visit per teacher a month"):
        book_slot(visitor, same_month.id)
    next_month = open_slot(make_user("teacher", school_=school),
                           days_ahead=_days_until(school, 2, 5))
    assert book_slot(visitor, next_month.id).status == "confirmed"


def test_a_cancelled_visit_does_not_count_toward_the_monthly_limit(host, visitor, make_user,
                                                                   school, other_school,
                                                                   open_slot):
    set_school(other_school, monthly_visit_limit=1)
    booking = book_slot(visitor, open_slot(host, days_ahead=3).id)
    cancel_booking(visitor, booking.id)
    again = open_slot(make_user("teacher", school_=school), days_ahead=3, hour=13)
    assert book_slot(visitor, again.id).status == "confirmed"


def test_booking_again_after_cancelling_reuses_the_booking(host, visitor, open_slot):
    slot = open_slot(host)
    booking = book_slot(visitor, slot.id)
    cancel_booking(visitor, booking.id)
    again = book_slot(visitor, slot.id)
    assert again.id == booking.id and again.status == "confirmed"
    assert again.ical_sequence == 2


def test_only_the_host_or_a_district_admin_edits_or_cancels_a_slot(host, make_user, admin,
                                                                   open_slot):
    slot = open_slot(host)
    colleague = make_user("principal")
    with pytest.raises(Forbidden):
        update_slot(colleague, slot.id, {"room": "99"})
    with pytest.raises(Forbidden):
        cancel_slot(colleague, slot.id)
    assert update_slot(admin, slot.id, {"room": "14"}).room == "14"
    cancel_slot(admin, slot.id)


def test_more_seats_serve_the_waitlist_in_order(host, make_user, other_school, open_slot):
    slot = open_slot(host, capacity=1)
    bookings = [book_slot(make_user("teacher", school_=other_school), slot.id) for _ in range(3)]
    update_slot(host, slot.id, {"capacity": 2})
    db.session.expire_all()
    assert [b.status for b in bookings] == ["confirmed", "confirmed", "waitlisted"]


def test_seats_cannot_drop_below_the_confirmed_visitors(host, make_user, other_school,
                                                        open_slot):
    slot = open_slot(host, capacity=3)
    for _ in range(2):
        book_slot(make_user("teacher", school_=other_school), slot.id)
    with pytest.raises(Invalid) as error:
        update_slot(host, slot.id, {"capacity": 1})
    assert "capacity" in error.value.fields


def test_weekly_series_keeps_its_own_seats_per_occurrence(host, make_user, other_school,
                                                          open_slot):
    series = open_slot(host, capacity=2, repeat_weekly=3)
    assert len(series) == 4 and len({slot.series_id for slot in series}) == 1
    third = series[2]
    for _ in range(2):
        assert book_slot(make_user("teacher", school_=other_school), third.id).status == "confirmed"
    assert book_slot(make_user("teacher", school_=other_school), third.id).status == "waitlisted"
    assert book_slot(make_user("teacher", school_=other_school), series[1].id).status == "confirmed"


def test_a_host_cannot_open_two_overlapping_slots(host, open_slot):
    open_slot(host, hour=9)
    with pytest.raises(Conflict, match="already have an open classroom"):
        open_slot(host, hour=9, minute=30)


def test_a_host_cannot_open_a_classroom_while_visiting_another(host, visitor, make_user,
                                                              school, open_slot):
    other_host = make_user("teacher", school_=school, name="Sam Stone")
    book_slot(visitor, open_slot(other_host, hour=10).id)
    sams_ten = local_start(school, 3, 10)  # the visitor's school keeps another time zone
    with pytest.raises(Conflict, match="You are visiting Sam Stone's classroom then"):
        create_slots(visitor, {"starts_at": sams_ten + timedelta(minutes=30),
                               "duration_min": 45, "capacity": 3, "focus": "Exit tickets"})
    later = open_slot(visitor, hour=13)
    with pytest.raises(Conflict, match="You are visiting Sam Stone's classroom then"):
        update_slot(visitor, later.id, {"starts_at": sams_ten + timedelta(minutes=15)})
    update_slot(visitor, later.id, {"starts_at": sams_ten + timedelta(minutes=45)})


def test_a_slot_must_start_in_the_future_and_repeat_at_most_twelve_weeks(host, open_slot):
    with pytest.raises(Invalid):
        open_slot(host, days_ahead=-1)
    with pytest.raises(Invalid):
        open_slot(host, repeat_weekly=13)

"""Mail about visits carries an iCalendar invitation: REQUEST or CANCEL, stable UID per
booking, increasing SEQUENCE; through the outbox by default and SMTP when configured."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from mastery_share.visits.booking import book_slot, cancel_booking
from mastery_share.visits.reminders import request_reflections, send_visit_reminders
from mastery_share.visits.slots import cancel_slot, update_slot
from tests.conftest import message_text, outbox_messages
from tests.waiting import wait_until


def invitations(message) -> list[Calendar]:
    return [Calendar.from_ical(part.get_payload(decode=True)) for part in message.walk()
            if part.get_content_type() == "text/calendar"]


def mail_to(app, user):
    return [m for m in outbox_messages(app) if m["To"] == user.email]


def only_event(cal: Calendar):
    [event] = cal.walk("VEVENT")
    return event


def test_booking_mails_visitor_and_host_an_invitation_in_the_schools_zone(app, host, visitor,
                                                                         open_slot):
    slot = open_slot(host, hour=9)
    booking = book_slot(visitor, slot.id)
    [to_visitor] = mail_to(app, visitor)
    [to_host] = mail_to(app, host)
    [cal] = invitations(to_visitor)
    assert cal["METHOD"] == "REQUEST"
    event = only_event(cal)
    assert str(event["UID"]) == f"booking-{booking.id}@mastery-share"
    start = event.decoded("DTSTART")
    assert start.tzinfo.key == "America/Chicago" and start.hour == 9
    assert start == slot.starts_at
    assert event.decoded("DTEND") == slot.ends_at
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Chicago"]
    assert "North Elementary, Room 12" == str(event["LOCATION"])
    assert "Station rotation" in str(event["DESCRIPTION"])
    assert f"/visits/{slot.id}" in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == f"mailto:{host.email}"
    assert str(event["ATTENDEE"]) == f"mailto:{visitor.email}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "CST" in message_text(to_visitor) or "CDT" in message_text(to_visitor)
    host_event = only_event(invitations(to_host)[0])
    assert str(host_event["UID"]) == f"slot-{slot.id}@mastery-share"


def test_cancelling_sends_method_cancel_with_the_same_uid_and_a_higher_sequence(app, host,
                                                                               visitor,
                                                                               open_slot):
    booking = book_slot(visitor, open_slot(host).id)
    cancel_booking(visitor, booking.id)
    booked, cancelled = mail_to(app, visitor)
    request_event = only_event(invitations(booked)[0])
    [cancel_cal] = invitations(cancelled)
    cancel_event = only_event(cancel_cal)
    assert cancel_cal["METHOD"] == "CANCEL"
    assert cancel_event["UID"] == request_event["UID"]
    assert cancel_event["SEQUENCE"] > request_event["SEQUENCE"]
    assert str(cancel_event["STATUS"]) == "CANCELLED"


def test_cancelling_a_slot_tells_every_visitor_with_a_cancellation(app, host, make_user,
                                                                   other_school, open_slot):
    slot = open_slot(host, capacity=1)
    visitors = [make_user("teacher", school_=other_school) for _ in range(2)]
    for visitor in visitors:
        book_slot(visitor, slot.id)
    cancel_slot(host, slot.id)
    for visitor in visitors:
        last = mail_to(app, visitor)[-1]
        assert last["Subject"].startswith("Cancelled:")
        assert invitations(last)[0]["METHOD"] == "CANCEL"
    assert invitations(mail_to(app, host)[-1])[0]["METHOD"] == "CANCEL"


def test_promotion_and_approval_mail_carry_requests(app, host, make_user, other_school,
                                                   open_slot):
    slot = open_slot(host, capacity=1)
    seated, waiting = (make_user("teacher", school_=other_school) for _ in range(2))
    seat = book_slot(seated, slot.id)
    waitlisted = book_slot(waiting, slot.id)
    waitlisted_event = only_event(invitations(mail_to(app, waiting)[-1])[0])
    assert str(waitlisted_event["STATUS"]) == "TENTATIVE"
    cancel_booking(seated, seat.id)
    promoted_mail = mail_to(app, waiting)[-1]
    cal = invitations(promoted_mail)[0]
    assert cal["METHOD"] == "REQUEST"
    event = only_event(cal)
    assert str(event["UID"]) == f"booking-{waitlisted.id}@mastery-share"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] > waitlisted_event["SEQUENCE"]


def test_changing_the_time_sends_visitors_an_update(app, host, visitor, open_slot):
    slot = open_slot(host, hour=9)
    book_slot(visitor, slot.id)
    update_slot(host, slot.id, {"starts_at": slot.starts_at + timedelta(hours=1)})
    changed = mail_to(app, visitor)[-1]
    event = only_event(invitations(changed)[0])
    assert event.decoded("DTSTART").astimezone(ZoneInfo("America/Chicago")).hour == 10
    assert event["SEQUENCE"] == 1


def test_reminders_go_out_once_the_day_before(app, host, visitor, open_slot):
    slot = open_slot(host, days_ahead=3)
    book_slot(visitor, slot.id)
    assert send_visit_reminders() == 0
    later = slot.starts_at - timedelta(hours=20)
    assert send_visit_reminders(now=later) == 2  # the visitor and the host
    assert send_visit_reminders(now=later + timedelta(hours=1)) == 0
    assert mail_to(app, visitor)[-1]["Subject"].startswith("Tomorrow:")
    assert invitations(mail_to(app, visitor)[-1])[0]["METHOD"] == "REQUEST"


def test_visitors_are_asked_for_a_reflection_after_the_visit(app, host, visitor, open_slot):
    slot = open_slot(host)
    booking = book_slot(visitor, slot.id)
    assert request_reflections(now=slot.ends_at + timedelta(hours=1)) == 1
    assert request_reflections(now=slot.ends_at + timedelta(hours=2)) == 0
    assert f"/visits/bookings/{booking.id}/reflection" in message_text(mail_to(app, visitor)[-1])








def test_booking_mail_with_its_invitation_is_delivered_over_smtp(app, smtp_server, host,
                                                                 visitor, open_slot):
    _, inbox = smtp_server
    booking = book_slot(visitor, open_slot(host).id)
    wait_until(lambda: len(inbox.messages) >= 2)  # the visitor's and the host's
    to_visitor = next(m for m in inbox.messages if m["To"] == visitor.email)
    event = only_event(invitations(to_visitor)[0])
    assert str(event["UID"]) == f"booking-{booking.id}@mastery-share"
    assert outbox_messages(app) == []


def test_a_booking_changed_before_the_worker_mails_it_sends_only_the_change(
        app, host, visitor, open_slot):
    """The booking mail is rendered by the worker; if the visitor cancelled first, the
    cancellation is all they hear, never a stale "you have a seat"."""
    from mastery_share.visits.notifications import send_booking_made

    slot = open_slot(host)
    booking = book_slot(visitor, slot.id)
    cancel_booking(visitor, booking.id)
    before = len(outbox_messages(app))
    send_booking_made(booking.id, "confirmed")  # a worker running late, with the old status
    assert len(outbox_messages(app)) == before
    subjects = [m["Subject"] for m in mail_to(app, visitor)]
    assert subjects[0].endswith("Confirmed") and subjects[-1].startswith("Visit cancelled")


@pytest.mark.parametrize("typed, shown", [("Room 12", "Room 12"), ("room B", "room B"),
                                          ("Library", "Library"), ("12", "Room 12"),
                                          ("4B", "Room 4B")])
def test_a_room_is_named_once_in_mail_and_calendars(app, host, visitor, open_slot, typed, shown):
    book_slot(visitor, open_slot(host, room=typed).id)
    [to_visitor] = mail_to(app, visitor)
    event = only_event(invitations(to_visitor)[0])
    assert str(event["LOCATION"]) == f"North Elementary, {shown}"
    assert f"North Elementary, {shown}" in message_text(to_visitor)
    assert "room room" not in message_text(to_visitor).lower()

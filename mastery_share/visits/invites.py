"""iCalendar (RFC 5545/5546) events for visits: the invitations attached to mail and the
personal subscription feed share them, so a calendar sees one event per visit.

UIDs are stable: `booking-<id>@mastery-share` for a visitor's visit, `slot-<id>@mastery-share`
for the host's open classroom; SEQUENCE grows with every change so calendars apply updates.
Times carry the school's TZID and a VTIMEZONE built from the IANA database.
"""
from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from ..db_types import utcnow
from ..links import external_url
from .local_time import to_local
from .models import Booking, BookingStatus, VisitSlot

PRODID = "-//Mastery Share//Open classrooms//EN"
UID_DOMAIN = "mastery-share"


def booking_uid(booking: Booking) -> str:
    return f"booking-{booking.id}@{UID_DOMAIN}"


def slot_uid(slot: VisitSlot) -> str:
    return f"slot-{slot.id}@{UID_DOMAIN}"


def _address(user, role: str | None = None, status: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = vText(user.name)
    if role:
        address.params["ROLE"] = vText(role)
    if status:
        address.params["PARTSTAT"] = vText(status)
    return address


def room_label(room: str | None) -> str:
    """"12" reads as "Room 12"; what a teacher already named ("Room 12", "Library", "room B")
    stays as typed, so mail and calendars never say "room Room 12"."""
    room = (room or "").strip()
    if not room:
        return ""
    if room[0].isdigit() or (len(room) <= 3 and room.isalnum()):
        return f"Room {room}"
    return room


def location(slot: VisitSlot) -> str:
    return f"{slot.school.name}, {room_label(slot.room)}" if slot.room else slot.school.name


def _base_event(slot: VisitSlot, uid: str, sequence: int, summary: str) -> Event:
    zone_name = slot.school.time_zone
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", to_local(slot.starts_at, zone_name))
    event.add("dtend", to_local(slot.ends_at, zone_name))
    event.add("summary", summary)
    event.add("location", location(slot))
    link = external_url("visits.slot_detail", slot_id=slot.id)
    focus = slot.focus.strip()
    event.add("description", f"{focus}\n\n{link}" if focus else link)
    event.add("url", link)
    event.add("organizer", _address(slot.host))
    return event


_PARTSTAT = {
    BookingStatus.CONFIRMED.value: "ACCEPTED",
    BookingStatus.WAITLISTED.value: "TENTATIVE",
    BookingStatus.PENDING_APPROVAL.value: "NEEDS-ACTION",
    BookingStatus.CANCELLED.value: "DECLINED",
}


def booking_event(booking: Booking, *, cancelled: bool = False) -> Event:
    """The visitor's event: tentative while waitlisted or awaiting approval."""
    slot = booking.slot
    prefix = {BookingStatus.WAITLISTED.value: "Waitlisted: ",
              BookingStatus.PENDING_APPROVAL.value: "Awaiting approval: "}.get(booking.status, "")
    event = _base_event(slot, booking_uid(booking), booking.ical_sequence,
                        f"{prefix}Visit {slot.host.name}'s classroom ({slot.school.name})")
    event.add("attendee", _address(booking.visitor, "REQ-PARTICIPANT",
                                   _PARTSTAT[booking.status]))
    if cancelled or booking.status == BookingStatus.CANCELLED.value or not slot.is_open:
        event.add("status", "CANCELLED")
    elif booking.status == BookingStatus.CONFIRMED.value:
        event.add("status", "CONFIRMED")
    else:
        event.add("status", "TENTATIVE")
    return event


def slot_event(slot: VisitSlot, visitors: list | None = None) -> Event:
    """The host's event for an open classroom, listing the confirmed visitors."""
    event = _base_event(slot, slot_uid(slot), slot.ical_sequence,
                        f"Open classroom: {slot.focus.strip()[:60] or 'visitors'}")
    for visitor in visitors or []:
        event.add("attendee", _address(visitor, "REQ-PARTICIPANT", "ACCEPTED"))
    event.add("status", "CONFIRMED" if slot.is_open else "CANCELLED")
    return event


def calendar(events: list[Event], *, method: str | None = None, name: str | None = None) -> bytes:
    """A VCALENDAR holding `events` and the VTIMEZONEs their TZIDs need."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    if events:
        starts = [event.decoded("dtstart") for event in events]
        first = min(start.date() for start in starts) - timedelta(days=366)
        last = max(start.date() for start in starts) + timedelta(days=366)
        # The VTIMEZONE covers the events' years: its DST rules are what calendars apply.
        cal.add_missing_timezones(first_date=max(first, date(1970, 1, 1)), last_date=last)
    return cal.to_ical()


def invitation(event: Event, method: str) -> bytes:
    """One event as an iTIP message: METHOD:REQUEST adds or updates it, CANCEL removes it."""
    return calendar([event], method=method)

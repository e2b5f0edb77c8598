"""Telling people about visits: a notification in the app (in the event's transaction) and a
mail with an iCalendar invitation, queued to send after the commit as each person chose.

Visitors get their booking's event (METHOD:REQUEST while the visit stands, METHOD:CANCEL when
it is off); hosts get their open classroom's event listing the confirmed visitors.
"""
from __future__ import annotations

import re

from flask import render_template
from sqlalchemy import select

from ..accounts.models import Role, User
from ..extensions import db
from ..jobs import enqueue
from ..links import app_path, external_url
from ..mail import Attachment, Mail
from ..notifications.kinds import MailTopic, NotificationKind
from ..notifications.member_mail import send_member_mail
from ..notifications.services import notify
from ..transaction import after_commit, commit
from .invites import booking_event, invitation, location, slot_event
from .local_time import format_when, zone_label
from .models import Booking, BookingStatus, VisitSlot

BOOKING_MADE_MAIL = "visits.booking_made_mail"


def when(slot: VisitSlot) -> str:
    zone_name = slot.school.time_zone
    return f"{format_when(slot.starts_at, slot.ends_at, zone_name)} ({zone_label(zone_name)})"


def _ics(content: bytes) -> tuple[Attachment, ...]:
    method = re.search(rb"^METHOD:(\w+)", content, re.MULTILINE)
    params = (("method", method.group(1).decode()),) if method else ()
    return (Attachment("invite.ics", content, "text/calendar", params=params),)


def _confirmed_visitors(slot: VisitSlot) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Booking, Booking.visitor_id == User.id)
        .where(Booking.slot_id == slot.id, Booking.status == BookingStatus.CONFIRMED.value)
        .order_by(Booking.position)
    ))


def _send(to: User, subject: str, headline: str, slot: VisitSlot, ics: bytes | None,
          extra: str = "", link: str | None = None,
          topic: MailTopic = MailTopic.VISITS) -> None:
    text = render_template("visits/mail/visit.txt", name=to.name, headline=headline,
                           when=when(slot), where=location(slot), focus=slot.focus,
                           host=slot.host.name, extra=extra,
                           link=link or external_url("visits.slot_detail", slot_id=slot.id))
    send_member_mail(to, topic, Mail(to=to.email, subject=subject, text=text,
                                     attachments=_ics(ics) if ics is not None else ()))


def _short_when(slot: VisitSlot) -> str:
    return format_when(slot.starts_at, slot.ends_at, slot.school.time_zone)


def _tell(person: User, kind: NotificationKind, text: str, slot: VisitSlot,
          actor: User | None = None) -> None:
    notify(person, kind, text, app_path("visits.slot_detail", slot_id=slot.id), actor=actor)


def _to_visitor(booking: Booking, subject: str, headline: str, extra: str = "") -> None:
    method = "CANCEL" if booking.status == BookingStatus.CANCELLED.value else "REQUEST"
    ics = invitation(booking_event(booking, cancelled=method == "CANCEL"), method)
    _send(booking.visitor, subject, headline, booking.slot, ics, extra)


def _to_host(slot: VisitSlot, subject: str, headline: str, extra: str = "") -> None:
    method = "REQUEST" if slot.is_open else "CANCEL"
    ics = invitation(slot_event(slot, _confirmed_visitors(slot)), method)
    _send(slot.host, subject, headline, slot, ics, extra)


_BOOKED_HEADLINES = {
    BookingStatus.CONFIRMED.value: "Your visit is booked: you have a seat.",
    BookingStatus.WAITLISTED.value: "The visit is full, so you are on the waitlist. If a seat "
                                    "frees up you get it in the order people signed up, and "
                                    "we will tell you.",
    BookingStatus.PENDING_APPROVAL.value: "Your school asks your principal to approve visits "
                                          "to other schools (release time and coverage). "
                                          "Your request is waiting for approval and holds no "
                                          "seat yet.",
}


def booking_made(booking: Booking) -> None:
    """Told by the worker: the two mails and their invitations cost more to render than the
    booking itself, and the visitor's answer need not wait for them."""
    slot, visitor = booking.slot, booking.visitor
    school = visitor.school.name if visitor.school else "the district office"
    _tell(slot.host, NotificationKind.BOOKING_MADE,
          f"{visitor.name} ({school}) signed up to visit your classroom on {_short_when(slot)}: "
          f"{booking.status_enum.label.lower()}.", slot, actor=visitor)
    if booking.status == BookingStatus.PENDING_APPROVAL.value:
        notify(_principals_of(visitor), NotificationKind.APPROVAL_WAITING,
               f"{visitor.name} asks to visit {slot.host.name}'s classroom at "
               f"{slot.school.name} on {_short_when(slot)}. Approve or decline it.",
               app_path("visits.approvals"), actor=visitor)
    after_commit(enqueue, BOOKING_MADE_MAIL, booking.id, booking.status)


def send_booking_made(booking_id: int, status: str) -> None:
    """The worker's half of booking_made, for the booking as it was made (`status`)."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.status != status:
        return  # cancelled, promoted or approved since: that change sends its own mail
    _booking_made(booking)
    commit()


def _booking_made(booking: Booking) -> None:
    slot = booking.slot
    _to_visitor(booking, f"Visit to {slot.host.name}'s classroom: {booking.status_enum.label}",
                _BOOKED_HEADLINES[booking.status])
    _to_host(slot, f"{booking.visitor.name} signed up to visit ({booking.status_enum.label})",
             f"{booking.visitor.name} ({booking.visitor.school.name if booking.visitor.school else 'district'}) "
             f"signed up to visit your classroom: {booking.status_enum.label.lower()}.")
    if booking.status == BookingStatus.PENDING_APPROVAL.value:
        _to_principals(booking)


def _principals_of(visitor: User) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.school_id == visitor.school_id, User.role == Role.PRINCIPAL.value,
        User.active.is_(True))))


def _to_principals(booking: Booking) -> None:
    for principal in _principals_of(booking.visitor):
        _send(principal, f"Approve a visit: {booking.visitor.name}",
              f"{booking.visitor.name} would like to visit {booking.slot.host.name}'s classroom "
              f"at {booking.slot.school.name}. Please approve or decline it.",
              booking.slot, None, link=external_url("visits.approvals"),
              topic=MailTopic.APPROVALS)


def booking_approved(booking: Booking) -> None:
    seat = ("You have a seat." if booking.status == BookingStatus.CONFIRMED.value
            else "The visit is full now, so you are on the waitlist.")
    _tell(booking.visitor, NotificationKind.BOOKING_APPROVED,
          f"Your visit to {booking.slot.host.name}'s classroom on "
          f"{_short_when(booking.slot)} is approved. {seat}", booking.slot)
    _to_visitor(booking, f"Visit approved: {booking.slot.host.name}'s classroom",
                f"Your principal approved your visit. {seat}")
    _to_host(booking.slot, f"{booking.visitor.name}'s visit was approved",
             f"{booking.visitor.name}'s principal approved the visit "
             f"({booking.status_enum.label.lower()}).")


def booking_declined(booking: Booking) -> None:
    reason = f" Their reason: {booking.decline_reason}" if booking.decline_reason else ""
    _tell(booking.visitor, NotificationKind.BOOKING_DECLINED,
          f"Your principal did not approve your visit to {booking.slot.host.name}'s classroom "
          f"on {_short_when(booking.slot)}.{reason}", booking.slot)
    _to_visitor(booking, f"Visit not approved: {booking.slot.host.name}'s classroom",
                f"Your principal could not approve this visit, so it is cancelled.{reason}")
    _to_host(booking.slot, f"{booking.visitor.name} will not visit",
             f"{booking.visitor.name}'s principal did not approve the visit.")


def booking_cancelled(booking: Booking, by: User) -> None:
    slot = booking.slot
    by_host = by.id != booking.visitor_id
    _tell(booking.visitor, NotificationKind.BOOKING_CANCELLED,
          f"{by.name} cancelled your visit to {slot.host.name}'s classroom on "
          f"{_short_when(slot)}.", slot, actor=by)
    _tell(slot.host, NotificationKind.BOOKING_CANCELLED,
          f"{booking.visitor.name}'s visit to your classroom on {_short_when(slot)} is "
          f"cancelled{'' if by.id == booking.visitor_id else f' by {by.name}'}.", slot, actor=by)
    _to_visitor(booking, f"Visit cancelled: {slot.host.name}'s classroom",
                f"{by.name} cancelled your visit." if by_host else "You cancelled your visit.")
    _to_host(slot, f"{booking.visitor.name}'s visit is cancelled",
             "You cancelled this visit." if by.id == slot.host_id
             else f"{booking.visitor.name}'s visit was cancelled by {by.name}.")


def booking_promoted(booking: Booking) -> None:
    _tell(booking.visitor, NotificationKind.WAITLIST_PROMOTED,
          f"A seat opened: you are visiting {booking.slot.host.name}'s classroom on "
          f"{_short_when(booking.slot)}.", booking.slot)
    _to_visitor(booking, f"A seat opened: you are visiting {booking.slot.host.name}'s classroom",
                "A seat freed up and it is yours: you were next on the waitlist.")
    _to_host(booking.slot, f"{booking.visitor.name} moved up from the waitlist",
             f"{booking.visitor.name} moved up from the waitlist and has a seat.")


def slot_cancelled(slot: VisitSlot, bookings: list[Booking], by: User) -> None:
    notify([booking.visitor for booking in bookings], NotificationKind.BOOKING_CANCELLED,
           f"{_who_cancelled(slot, by)} on {_short_when(slot)}, so your visit is off.",
           app_path("visits.slot_detail", slot_id=slot.id), actor=by)
    for booking in bookings:
        _to_visitor(booking, f"Cancelled: your visit to {slot.host.name}'s classroom",
                    f"{_who_cancelled(slot, by)}, so your visit is off. "
                    "Sorry for the change of plans.")
    _to_host(slot, "Your open classroom is cancelled",
             f"The open classroom is cancelled; {len(bookings)} visitor"
             f"{'s were' if len(bookings) != 1 else ' was'} told.")


def _who_cancelled(slot: VisitSlot, by: User) -> str:
    if by.id == slot.host_id:
        return f"{by.name} cancelled their open classroom"
    return f"{by.name} cancelled {slot.host.name}'s open classroom"


def slot_changed(slot: VisitSlot, bookings: list[Booking]) -> None:
    for booking in bookings:
        _to_visitor(booking, f"Changed: your visit to {slot.host.name}'s classroom",
                    f"{slot.host.name} changed the time or place of this visit. Here are the "
                    "new details.")
    _to_host(slot, "Your open classroom is updated", "The open classroom's details changed.")


def visit_reminder(booking: Booking) -> None:
    _to_visitor(booking, f"Tomorrow: your visit to {booking.slot.host.name}'s classroom",
                "A reminder: your classroom visit is coming up.")


def host_reminder(slot: VisitSlot) -> None:
    visitors = _confirmed_visitors(slot)
    names = ", ".join(visitor.name for visitor in visitors)
    _to_host(slot, "Tomorrow: visitors in your classroom",
             f"A reminder: {len(visitors)} visitor{'s' if len(visitors) != 1 else ''} "
             f"coming ({names}).")


def reflection_request(booking: Booking) -> None:
    _send(booking.visitor, f"How was your visit to {booking.slot.host.name}'s classroom?",
          "Take two minutes to note what you saw and what you will try: it helps you, and "
          "your host sees it too.", booking.slot, None,
          link=external_url("visits.reflect", booking_id=booking.id))

"""A member's secret, revocable iCalendar subscription (Google Calendar, Outlook, Apple).

The URL's token is an HMAC of the member's feed nonce under the app's secret key, so the same
URL can be shown again without storing it; the database keeps only its SHA-256, used to find
the member. A new nonce revokes the old URL.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..accounts.token_models import hash_secret
from ..db_types import utcnow
from ..errors import NotFound
from ..extensions import db
from ..links import external_url
from ..transaction import commit
from .invites import booking_event, calendar, slot_event
from .models import Booking, BookingStatus, CalendarFeed, VisitSlot

HISTORY = timedelta(days=90)  # past visits kept in the feed


def _token(user_id: int, nonce: str) -> str:
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(),
                      f"calendar-feed:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _feed_url(token: str) -> str:
    return external_url("visits.calendar_feed", token=token)


def _set_nonce(feed: CalendarFeed, user_id: int) -> str:
    feed.nonce = secrets.token_hex(16)
    token = _token(user_id, feed.nonce)
    feed.token_hash = hash_secret(token)
    return token


def calendar_feed_url(user: User) -> str:
    """The member's subscription URL, created on first use."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        token = _set_nonce(feed, user.id)
        db.session.add(feed)
        commit()
        return _feed_url(token)
    token = _token(user.id, feed.nonce)
    if hash_secret(token) != feed.token_hash:  # the secret key changed: issue a new URL
        token = _set_nonce(feed, user.id)
        commit()
    return _feed_url(token)


def reset_calendar_feed(user: User) -> str:
    """Revoke the member's subscription URL and return a new one."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    token = _set_nonce(feed, user.id)
    commit()
    return _feed_url(token)


def member_for_feed_token(token: str) -> User:
    """The active member a feed token belongs to; NotFound for a wrong or revoked token."""
    if not token or len(token) > 100:
        raise NotFound("No such calendar.")
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == hash_secret(token)))
    if feed is None or not feed.user.is_active:
        raise NotFound("No such calendar.")
    return feed.user


def feed_ics(user: User) -> bytes:
    """The visits the member hosts and attends, from 90 days ago on, with their time zones."""
    since = utcnow() - HISTORY
    hosted = list(db.session.scalars(
        select(VisitSlot).where(VisitSlot.host_id == user.id, VisitSlot.starts_at >= since)
        .options(selectinload(VisitSlot.school), selectinload(VisitSlot.host),
                 selectinload(VisitSlot.bookings).selectinload(Booking.visitor))
        .order_by(VisitSlot.starts_at)))
    attended = list(db.session.scalars(
        select(Booking).join(VisitSlot)
        .where(Booking.visitor_id == user.id, VisitSlot.starts_at >= since)
        .options(selectinload(Booking.visitor),
                 selectinload(Booking.slot).selectinload(VisitSlot.school),
                 selectinload(Booking.slot).selectinload(VisitSlot.host))
        .order_by(VisitSlot.starts_at)))
    events = [slot_event(slot, [b.visitor for b in slot.bookings
                                if b.status == BookingStatus.CONFIRMED.value])
              for slot in hosted]
    # Cancelled visits stay in the feed as STATUS:CANCELLED so subscribed calendars drop them.
    events += [booking_event(booking) for booking in attended]
    return calendar(events, name="Mastery Share visits")

"""The personal calendar feed: secret, revocable, parseable, with the right time zones."""
from __future__ import annotations

from urllib.parse import urlsplit

from icalendar import Calendar

from mastery_share.visits.booking import book_slot, cancel_booking
from mastery_share.visits.calendar_feed import calendar_feed_url, reset_calendar_feed


def _path(url: str) -> str:
    return urlsplit(url).path


def test_the_feed_lists_hosted_and_attended_visits_with_their_zones(client, host, visitor,
                                                                    make_user, other_school,
                                                                    open_slot):
    visited = open_slot(host, hour=9)
    booking = book_slot(visitor, visited.id)
    own = open_slot(visitor, hour=14)  # the visitor hosts too, at their New York school
    book_slot(make_user("teacher"), own.id)
    response = client.get(_path(calendar_feed_url(visitor)))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    events = {str(event["UID"]): event for event in cal.walk("VEVENT")}
    attended = events[f"booking-{booking.id}@mastery-share"]
    hosted = events[f"slot-{own.id}@mastery-share"]
    assert attended.decoded("DTSTART") == visited.starts_at
    assert attended["DTSTART"].params["TZID"] == "America/Chicago"
    assert attended.decoded("DTSTART").hour == 9
    assert hosted["DTSTART"].params["TZID"] == "America/New_York"
    assert hosted.decoded("DTSTART").hour == 14 and hosted.decoded("DTSTART") == own.starts_at
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == {"America/Chicago", "America/New_York"}
    assert "METHOD" not in cal


def test_a_cancelled_visit_stays_in_the_feed_marked_cancelled(client, host, visitor, open_slot):
    booking = book_slot(visitor, open_slot(host).id)
    cancel_booking(visitor, booking.id)
    cal = Calendar.from_ical(client.get(_path(calendar_feed_url(visitor))).data)
    [event] = cal.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_feed_url_is_stable_until_reset(app, visitor):
    assert calendar_feed_url(visitor) == calendar_feed_url(visitor)


def test_a_revoked_or_wrong_token_gets_404(client, visitor):
    old = _path(calendar_feed_url(visitor))
    new = _path(reset_calendar_feed(visitor))
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_only_a_hash_of_the_token_is_stored(app, visitor):
    from mastery_share.extensions import db
    from mastery_share.visits.models import CalendarFeed

    token = _path(calendar_feed_url(visitor)).rsplit("/", 1)[1].removesuffix(".ics")
    feed = db.session.query(CalendarFeed).one()
    assert token not in (feed.token_hash, feed.nonce)

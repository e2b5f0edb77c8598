"""A host who stops offering a weekly open classroom cancels this date and every later one in
one step: each date's visitors are told with a calendar cancellation, dates already cancelled
or under way are left alone, and other hosts' series are untouched."""
from __future__ import annotations

import pytest

from mastery_share.errors import Forbidden, Invalid
from mastery_share.extensions import db
from mastery_share.visits.booking import book_slot
from mastery_share.visits.models import VisitSlot
from mastery_share.visits.slots import cancel_series_from, cancel_slot
from tests.conftest import (
    bearer_headers,
    csrf_token,
    outbox_messages,
    sign_in,
)


def _statuses(series) -> list[str]:
    db.session.expire_all()
    return [db.session.get(VisitSlot, slot.id).status for slot in series]


def test_cancelling_from_the_second_date_cancels_it_and_every_later_one(
        app, host, visitor, make_user, other_school, open_slot):
    series = open_slot(host, repeat_weekly=3)
    book_slot(visitor, series[0].id)
    book_slot(visitor, series[1].id)
    other = make_user("teacher", school_=other_school, name="Second Visitor")
    book_slot(other, series[3].id)
    cancel_slot(host, series[2].id)  # one date was called off earlier
    before = len(outbox_messages(app))

    assert cancel_series_from(host, series[1].id) == (2, 2)
    assert _statuses(series) == ["open", "cancelled", "cancelled", "cancelled"]
    sent = outbox_messages(app)[before:]
    to_visitors = [m for m in sent if m["To"] in (visitor.email, other.email)]
    assert sorted(m["To"] for m in to_visitors) == sorted([visitor.email, other.email])
    for mail in to_visitors:
        assert mail["Subject"].startswith("Cancelled:")
        [invite] = [part for part in mail.walk() if part.get_content_type() == "text/calendar"]
        assert b"METHOD:CANCEL" in invite.get_payload(decode=True)


def test_only_the_host_may_cancel_a_series_and_not_once_it_has_started(
        app, host, visitor, open_slot):
    series = open_slot(host, repeat_weekly=2)
    with pytest.raises(Forbidden):
        cancel_series_from(visitor, series[0].id)
    cancel_slot(host, series[0].id)
    with pytest.raises(Invalid, match="already cancelled"):
        cancel_series_from(host, series[0].id)
    assert _statuses(series) == ["cancelled", "open", "open"]


def test_a_single_date_cancels_just_itself(app, host, open_slot):
    slot = open_slot(host)
    assert cancel_series_from(host, slot.id) == (1, 0)
    assert _statuses([slot]) == ["cancelled"]


def test_the_slot_page_offers_the_series_and_the_api_takes_series_following(
        app, client, host, open_slot):
    series = open_slot(host, repeat_weekly=2)
    sign_in(client, host)
    page = client.get(f"/visits/{series[0].id}").get_data(as_text=True)
    assert "Cancel this and the 2 later dates of the weekly series" in page
    last_page = client.get(f"/visits/{series[2].id}").get_data(as_text=True)
    assert "later date" not in last_page

    token = csrf_token(client, f"/visits/{series[1].id}")
    response = client.post(f"/visits/{series[1].id}/cancel-series", data={"csrf_token": token})
    assert response.status_code == 302
    assert "2 dates are cancelled" in client.get(response.location).get_data(as_text=True)
    assert _statuses(series) == ["open", "cancelled", "cancelled"]

    headers = bearer_headers(client, host)
    bad = client.delete(f"/api/v1/visit-slots/{series[0].id}?series=all", headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["message"]
    done = client.delete(f"/api/v1/visit-slots/{series[0].id}?series=following", headers=headers)
    assert done.status_code == 204
    assert _statuses(series) == ["cancelled", "cancelled", "cancelled"]


# ---- a series cancelled while visitors book it ------------------------------------------------

RACERS = 12


def _book_while_the_series_is_cancelled(app, host_id: int, visitor_ids: list[int],
                                        first_id: int, last_id: int) -> list:
    import threading

    from mastery_share.accounts.models import User

    results: list = [None] * (len(visitor_ids) + 1)
    barrier = threading.Barrier(len(visitor_ids) + 1)

    def run(index: int, user_id: int, action) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                db.session.rollback()
                barrier.wait(timeout=30)
                results[index] = action(user)
            except Exception as error:  # noqa: BLE001 - the test reports what each got
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, visitor_id,
                                                  lambda user: book_slot(user, last_id).id))
               for i, visitor_id in enumerate(visitor_ids)]
    threads.append(threading.Thread(target=run, args=(
        len(visitor_ids), host_id, lambda user: cancel_series_from(user, first_id))))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _race(app) -> None:
    from sqlalchemy import select

    from mastery_share.visits.models import Booking
    from mastery_share.visits.slots import create_slots
    from tests.visits.conftest import local_start
    from tests.visits.test_concurrency import _people

    host, visitor_ids = _people("Series District")
    series = create_slots(host, {"starts_at": local_start(host.school, 4), "duration_min": 45,
                                 "capacity": 30, "room": "12", "focus": "Math centers",
                                 "repeat_weekly": 2})
    host_id, first_id, last_id = host.id, series[0].id, series[-1].id
    results = _book_while_the_series_is_cancelled(app, host_id, visitor_ids[:RACERS],
                                                  first_id, last_id)
    *bookings, cancelled = results
    assert not isinstance(cancelled, BaseException), cancelled
    refused = [r for r in bookings if isinstance(r, BaseException)]
    assert all(isinstance(r, Invalid) for r in refused), refused
    db.session.expire_all()
    stored = db.session.scalars(select(Booking).where(Booking.slot_id == last_id)).all()
    # Whoever booked before the cancellation holds a cancelled booking; nobody holds a seat.
    assert len(stored) + len(refused) == RACERS
    assert {booking.status for booking in stored} <= {"cancelled"}
    assert cancelled == (3, len(stored))
    assert _statuses(series) == ["cancelled"] * 3


def test_visitors_booking_while_the_series_is_cancelled_end_with_no_seat_on_sqlite(app):
    _race(app)


@pytest.mark.postgres
def test_visitors_booking_while_the_series_is_cancelled_end_with_no_seat_on_postgresql(
        tmp_path):
    from tests.postgres import migrated_postgres_app

    with migrated_postgres_app(tmp_path, pool_size=20, max_overflow=20) as app:
        _race(app)


@pytest.fixture
def app_overrides() -> dict:
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 20}}

"""Capacity is never exceeded: 50 teachers booking a 5-seat slot at the same moment, from
real threads each with its own app context and connection, on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from mastery_share.accounts.models import District, School, User
from mastery_share.extensions import db
from mastery_share.visits.booking import book_slot, cancel_booking
from mastery_share.visits.models import Booking
from tests.postgres import migrated_postgres_app
from tests.visits.conftest import local_start

BOOKERS = 50
SEATS = 5


def _book_all_at_once(app, slot_id: int, visitor_ids: list[int]) -> list:
    """Every visitor books from their own thread; a barrier releases them together."""
    results: list = [None] * len(visitor_ids)
    barrier = threading.Barrier(len(visitor_ids))

    def run(index: int, visitor_id: int) -> None:
        with app.app_context():
            try:
                visitor = db.session.get(User, visitor_id)
                # Give the connection back to the pool: threads may outnumber connections,
                # and none may hold one while waiting at the barrier.
                db.session.rollback()
                barrier.wait(timeout=30)
                booking = book_slot(visitor, slot_id)
                results[index] = (booking.id, booking.status, booking.position)
            except Exception as error:  # noqa: BLE001 - the test reports what each got
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, visitor_id))
               for i, visitor_id in enumerate(visitor_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _people(district_name: str):
    """A host school and a visiting school with BOOKERS teachers, committed for real."""
    from mastery_share.accounts.services import hash_password

    district = District(name=district_name, slug=district_name.lower().replace(" ", "-"))
    host_school = School(name="North Elementary", time_zone="America/Chicago", district=district)
    visiting_school = School(name="South Middle", time_zone="America/New_York", district=district)
    password = hash_password("not-used-here-123")
    host = User(email="host@example.org", name="Maria Lopez", role="teacher", district=district,
                school=host_school, password_hash=password)
    visitors = [User(email=f"visitor{n}@example.org", name=f"Visitor {n}", role="teacher",
                     district=district, school=visiting_school, password_hash=password)
                for n in range(BOOKERS)]
    db.session.add_all([district, host_school, visiting_school, host, *visitors])
    db.session.commit()
    return host, [visitor.id for visitor in visitors]


def _check_exactly_five_confirmed_and_the_rest_waitlisted_in_order(app, results, slot_id):
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    confirmed = sorted(position for _, status, position in results if status == "confirmed")
    waitlisted = sorted(position for _, status, position in results if status == "waitlisted")
    assert len(confirmed) == SEATS
    assert len(waitlisted) == BOOKERS - SEATS
    # Arrival numbers are unique, and the seats went to the first five to arrive.
    assert len(set(confirmed + waitlisted)) == BOOKERS
    assert max(confirmed) < min(waitlisted)
    db.session.expire_all()
    stored = db.session.scalars(select(Booking).where(Booking.slot_id == slot_id)).all()
    assert sum(b.status == "confirmed" for b in stored) == SEATS

    # A freed seat goes to the first on the waitlist by arrival.
    first_confirmed = next(b for b in stored if b.status == "confirmed")
    cancel_booking(first_confirmed.visitor, first_confirmed.id)
    db.session.expire_all()
    promoted = db.session.scalars(select(Booking).where(
        Booking.slot_id == slot_id, Booking.position == min(waitlisted))).one()
    assert promoted.status == "confirmed"
    assert db.session.scalar(select(db.func.count()).select_from(Booking).where(
        Booking.slot_id == slot_id, Booking.status == "confirmed")) == SEATS


def _open_five_seats(host) -> int:
    from mastery_share.visits.slots import create_slots

    [slot] = create_slots(host, {"starts_at": local_start(host.school, 5), "duration_min": 45,
                                 "capacity": SEATS, "room": "12", "focus": "Math centers"})
    return slot.id


@pytest.fixture
def app_overrides() -> dict:
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 40}}


def test_fifty_concurrent_bookings_of_five_seats_confirm_exactly_five_on_sqlite(app):
    host, visitor_ids = _people("Race District")
    slot_id = _open_five_seats(host)
    results = _book_all_at_once(app, slot_id, visitor_ids)
    _check_exactly_five_confirmed_and_the_rest_waitlisted_in_order(app, results, slot_id)


@pytest.mark.postgres
def test_fifty_concurrent_bookings_of_five_seats_confirm_exactly_five_on_postgresql(tmp_path: Path):
    # At most 25 connections: 50 would take half of PostgreSQL's default max_connections (100)
    # while the other test worker's servers need theirs ("too many clients" failed both once).
    # The other 25 threads wait (up to 30 s) for a connection, then race for the same lock.
    with migrated_postgres_app(tmp_path, pool_size=25, max_overflow=0) as app:
        host, visitor_ids = _people("Race District")
        slot_id = _open_five_seats(host)
        results = _book_all_at_once(app, slot_id, visitor_ids)
        _check_exactly_five_confirmed_and_the_rest_waitlisted_in_order(app, results, slot_id)


OPENERS = 5


def _open_all_at_once(app, host_id: int) -> list:
    """The same classroom opened from OPENERS threads at once (two tabs, a retry, a client
    that sends twice): each gets a slot or the overlap refusal."""
    from mastery_share.visits.slots import create_slots

    results: list = [None] * OPENERS
    barrier = threading.Barrier(OPENERS)

    def run(index: int) -> None:
        with app.app_context():
            try:
                host = db.session.get(User, host_id)
                starts_at = local_start(host.school, 6)
                db.session.rollback()
                barrier.wait(timeout=30)
                [slot] = create_slots(host, {"starts_at": starts_at, "duration_min": 45,
                                             "capacity": 3, "focus": "Math centers"})
                results[index] = slot.id
            except Exception as error:  # noqa: BLE001 - the test reports what each got
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(OPENERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _check_one_slot_opened_and_the_rest_refused(results) -> None:
    from mastery_share.errors import Conflict

    opened = [result for result in results if isinstance(result, int)]
    refused = [result for result in results if isinstance(result, Conflict)]
    assert len(opened) == 1 and len(refused) == OPENERS - 1, results
    assert all("already have an open classroom" in str(error) for error in refused)


def test_the_same_classroom_opened_five_times_at_once_opens_once_on_sqlite(app):
    host, _ = _people("Double Click District")
    _check_one_slot_opened_and_the_rest_refused(_open_all_at_once(app, host.id))


@pytest.mark.postgres
def test_the_same_classroom_opened_five_times_at_once_opens_once_on_postgresql(tmp_path: Path):
    with migrated_postgres_app(tmp_path, pool_size=10, max_overflow=0) as app:
        host, _ = _people("Double Click District")
        _check_one_slot_opened_and_the_rest_refused(_open_all_at_once(app, host.id))

"""Reflections after a visit: the visitor writes, the host reads, the practice page counts."""
from __future__ import annotations

from datetime import timedelta

import pytest

from mastery_share.db_types import utcnow
from mastery_share.errors import Invalid, NotFound
from mastery_share.extensions import db
from mastery_share.visits.booking import book_slot
from mastery_share.visits.reflections import reflections_for_slot, write_reflection
from tests.conftest import csrf_token, sign_in

ANSWERS = {"saw": "Students chose their center from the must-do board.",
           "will_try": "A must-do / may-do board in my 3rd grade math block.",
           "practices": ["center-time-accountability"]}


def _visit_happened(slot):
    slot.starts_at = utcnow() - timedelta(hours=3)
    slot.ends_at = utcnow() - timedelta(hours=2)
    db.session.commit()


def test_a_reflection_waits_until_the_visit_took_place(host, visitor, open_slot):
    booking = book_slot(visitor, open_slot(host).id)
    with pytest.raises(Invalid):
        write_reflection(visitor, booking.id, ANSWERS)


def test_the_visitor_reflects_and_the_host_reads_it(host, visitor, open_slot):
    slot = open_slot(host, practices=["center-time-accountability"])
    booking = book_slot(visitor, slot.id)
    _visit_happened(slot)
    reflection, created = write_reflection(visitor, booking.id, ANSWERS)
    assert created and [p.slug for p in reflection.practices] == ["center-time-accountability"]
    _, created_again = write_reflection(visitor, booking.id, {**ANSWERS, "saw": "More."})
    assert not created_again
    [seen] = reflections_for_slot(host, slot.id)
    assert seen.saw == "More."


def test_only_the_visitor_writes_and_only_the_host_reads(host, visitor, make_user, open_slot):
    slot = open_slot(host)
    booking = book_slot(visitor, slot.id)
    _visit_happened(slot)
    with pytest.raises(NotFound):
        write_reflection(host, booking.id, ANSWERS)
    with pytest.raises(NotFound):
        reflections_for_slot(visitor, slot.id)


def test_both_answers_are_required(host, visitor, open_slot):
    slot = open_slot(host)
    booking = book_slot(visitor, slot.id)
    _visit_happened(slot)
    with pytest.raises(Invalid) as error:
        write_reflection(visitor, booking.id, {"saw": "Something", "will_try": "  "})
    assert "will_try" in error.value.fields


def test_the_practice_page_counts_visits_and_reflections_and_lists_upcoming_slots(
        client, host, visitor, make_user, open_slot):
    past = open_slot(host, practices=["flexible-grouping"])
    booking = book_slot(visitor, past.id)
    _visit_happened(past)
    write_reflection(visitor, booking.id, {**ANSWERS, "practices": ["flexible-grouping"]})
    upcoming = open_slot(host, days_ahead=4, practices=["flexible-grouping"],
                         focus="Groups that change every week")
    sign_in(client, make_user("teacher"))
    page = client.get("/practices/flexible-grouping").get_data(as_text=True)
    assert "<strong>1</strong> classroom visit and <strong>1</strong> reflection" in page
    assert "Groups that change every week" in page
    assert f"/visits/{upcoming.id}" in page
    assert "/videos?practice=flexible-grouping" in page
    assert client.get("/practices/no-such-practice").status_code == 404


def test_the_reflection_form_saves_and_a_wrong_field_rerenders(client, host, visitor, open_slot):
    slot = open_slot(host)
    booking = book_slot(visitor, slot.id)
    _visit_happened(slot)
    sign_in(client, visitor)
    path = f"/visits/bookings/{booking.id}/reflection"
    token = csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token, "saw": "", "will_try": "x"})
    assert response.status_code == 422
    assert "Write a sentence or two." in response.get_data(as_text=True)
    response = client.post(path, data={"csrf_token": token, "saw": "A", "will_try": "B"})
    assert response.status_code == 302
    db.session.expire_all()
    assert booking.reflection.saw == "A"


def test_the_reflection_form_of_a_visit_still_ahead_says_when_instead(client, host, visitor,
                                                                       open_slot):
    booking = book_slot(visitor, open_slot(host, days_ahead=40).id)
    sign_in(client, visitor)
    answer = client.get(f"/visits/bookings/{booking.id}/reflection", follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "once it has begun" in page and 'name="saw"' not in page

"""The visits API of DESIGN.md section 5: status codes and the JSON error shape."""
from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from tests.conftest import bearer_headers
from tests.visits.conftest import local_start, set_school

token_for = bearer_headers


@pytest.fixture
def as_host(client, host):
    return token_for(client, host)


@pytest.fixture
def as_visitor(client, visitor):
    return token_for(client, visitor)


def _create(client, headers, host, **overrides):
    body = {"starts_at": local_start(host.school, 3).isoformat(), "duration_min": 45,
            "capacity": 2, "room": "12", "focus": "Station rotation",
            "practices": ["blended-learning"], **overrides}
    return client.post("/api/v1/visit-slots", json=body, headers=headers)


def assert_error(response, status: int, code: str | None = None):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


def test_create_list_read_a_slot(client, host, as_host, as_visitor):
    response = _create(client, as_host, host, repeat_weekly=2)
    assert response.status_code == 201
    items = response.get_json()["items"]
    assert len(items) == 3
    first = items[0]
    assert first["starts_at"].endswith("-06:00") or first["starts_at"].endswith("-05:00")
    assert first["starts_at"][11:16] == "09:00" and first["time_zone"] == "America/Chicago"
    assert first["confirmed_count"] == 0 and first["waitlist_count"] == 0
    assert first["practices"] == ["blended-learning"] and first["seats_left"] == 2
    listed = client.get("/api/v1/visit-slots", headers=as_visitor,
                        query_string={"practice": "blended-learning"}).get_json()["items"]
    assert [slot["id"] for slot in listed] == [item["id"] for item in items]
    read = client.get(f"/api/v1/visit-slots/{first['id']}", headers=as_visitor)
    assert read.status_code == 200 and read.get_json()["host"]["name"] == "Maria Lopez"


def test_a_fraction_of_a_minute_or_seat_is_refused_not_rounded(client, host, as_host):
    for field, value in (("duration_min", 45.5), ("capacity", 2.5), ("repeat_weekly", 1.5)):
        error = assert_error(_create(client, as_host, host, **{field: value}), 422)
        assert field in error["fields"]
    assert _create(client, as_host, host, duration_min=45).status_code == 201


def test_list_filters_by_range_and_school(client, host, as_host, as_visitor, other_school):
    slot_id = _create(client, as_host, host).get_json()["items"][0]["id"]
    later = (utcnow() + timedelta(days=10)).isoformat()
    assert client.get("/api/v1/visit-slots", headers=as_visitor,
                      query_string={"from": later}).get_json()["items"] == []
    assert client.get("/api/v1/visit-slots", headers=as_visitor,
                      query_string={"school": other_school.id}).get_json()["items"] == []
    assert [s["id"] for s in client.get("/api/v1/visit-slots", headers=as_visitor,
                                        query_string={"school": host.school_id}
                                        ).get_json()["items"]] == [slot_id]
    assert_error(client.get("/api/v1/visit-slots", headers=as_visitor,
                            query_string={"from": later, "to": utcnow().isoformat()}), 422)


def test_booking_returns_201_with_status_then_409_and_422(client, host, visitor, make_user,
                                                          other_school, as_host, as_visitor):
    slot_id = _create(client, as_host, host, capacity=1).get_json()["items"][0]["id"]
    response = client.post(f"/api/v1/visit-slots/{slot_id}/bookings", headers=as_visitor)
    assert response.status_code == 201
    assert response.get_json()["status"] == "confirmed" and response.get_json()["id"]
    assert_error(client.post(f"/api/v1/visit-slots/{slot_id}/bookings", headers=as_visitor),
                 409, "conflict")
    assert_error(client.post(f"/api/v1/visit-slots/{slot_id}/bookings", headers=as_host),
                 422, "invalid")
    other = token_for(client, make_user("teacher", school_=other_school))
    waitlisted = client.post(f"/api/v1/visit-slots/{slot_id}/bookings", headers=other)
    assert waitlisted.status_code == 201 and waitlisted.get_json()["status"] == "waitlisted"
    counts = client.get(f"/api/v1/visit-slots/{slot_id}", headers=as_visitor).get_json()
    assert (counts["confirmed_count"], counts["waitlist_count"]) == (1, 1)
    assert counts["my_booking"]["status"] == "confirmed"


def test_overlapping_visit_is_409_naming_it(client, host, make_user, school, as_visitor):
    first = _create(client, token_for(client, host), host).get_json()["items"][0]["id"]
    other_host = make_user("teacher", school_=school, name="Sam Reed")
    second = _create(client, token_for(client, other_host), other_host,
                     starts_at=local_start(school, 3, 9, 15).isoformat()).get_json()["items"][0]["id"]
    client.post(f"/api/v1/visit-slots/{first}/bookings", headers=as_visitor)
    error = assert_error(client.post(f"/api/v1/visit-slots/{second}/bookings",
                                     headers=as_visitor), 409)
    assert "You are already visiting Maria Lopez's classroom (Room 12)" in error["message"]


def test_pending_approval_status(client, host, other_school, as_host, as_visitor):
    set_school(other_school, requires_visit_approval=True)
    slot_id = _create(client, as_host, host).get_json()["items"][0]["id"]
    response = client.post(f"/api/v1/visit-slots/{slot_id}/bookings", headers=as_visitor)
    assert response.get_json()["status"] == "pending_approval"


def test_past_and_closed_slots_are_422(client, host, as_host, as_visitor):
    slot_id = _create(client, as_host, host).get_json()["items"][0]["id"]
    from mastery_share.visits.models import VisitSlot

    slot = db.session.get(VisitSlot, slot_id)
    slot.starts_at = utcnow() + timedelta(hours=2)
    slot.ends_at = slot.starts_at + timedelta(minutes=30)
    db.session.commit()
    assert_error(client.post(f"/api/v1/visit-slots/{slot_id}/bookings", headers=as_visitor), 422)
    slot.starts_at = utcnow() - timedelta(hours=2)
    slot.ends_at = slot.starts_at + timedelta(minutes=30)
    db.session.commit()
    assert_error(client.post(f"/api/v1/visit-slots/{slot_id}/bookings", headers=as_visitor), 422)


def test_edit_and_cancel_are_for_the_host(client, host, as_host, as_visitor):
    slot_id = _create(client, as_host, host).get_json()["items"][0]["id"]
    assert_error(client.patch(f"/api/v1/visit-slots/{slot_id}", json={"room": "9"},
                              headers=as_visitor), 403, "forbidden")
    edited = client.patch(f"/api/v1/visit-slots/{slot_id}", json={"room": "9", "capacity": 4},
                          headers=as_host)
    assert edited.status_code == 200 and edited.get_json()["room"] == "9"
    assert_error(client.delete(f"/api/v1/visit-slots/{slot_id}", headers=as_visitor), 403)
    assert client.delete(f"/api/v1/visit-slots/{slot_id}", headers=as_host).status_code == 204
    assert client.get(f"/api/v1/visit-slots/{slot_id}",
                      headers=as_host).get_json()["status"] == "cancelled"


def test_cancel_booking_and_reflect(client, host, as_host, as_visitor):
    slot_id = _create(client, as_host, host).get_json()["items"][0]["id"]
    booking_id = client.post(f"/api/v1/visit-slots/{slot_id}/bookings",
                             headers=as_visitor).get_json()["id"]
    assert_error(client.post(f"/api/v1/bookings/{booking_id}/reflection",
                             json={"saw": "a", "will_try": "b"}, headers=as_visitor), 422)
    cancelled = client.delete(f"/api/v1/bookings/{booking_id}", headers=as_visitor)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert_error(client.delete(f"/api/v1/bookings/{booking_id}", headers=as_visitor), 422)
    assert_error(client.delete("/api/v1/bookings/999999", headers=as_visitor), 404, "not_found")


def test_reflection_after_the_visit_is_201(client, host, as_host, as_visitor):
    slot_id = _create(client, as_host, host).get_json()["items"][0]["id"]
    booking_id = client.post(f"/api/v1/visit-slots/{slot_id}/bookings",
                             headers=as_visitor).get_json()["id"]
    from mastery_share.visits.models import VisitSlot

    slot = db.session.get(VisitSlot, slot_id)
    slot.starts_at, slot.ends_at = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
    db.session.commit()
    response = client.post(f"/api/v1/bookings/{booking_id}/reflection",
                           json={"saw": "Groups", "will_try": "Rotations",
                                 "practices": ["blended-learning"]}, headers=as_visitor)
    assert response.status_code == 201
    assert response.get_json()["practices"] == ["blended-learning"]
    assert_error(client.post(f"/api/v1/bookings/{booking_id}/reflection",
                             json={"saw": "x"}, headers=as_visitor), 422)


def test_invalid_slot_fields_are_422_with_fields(client, host, as_host):
    error = assert_error(_create(client, as_host, host, capacity=0, repeat_weekly=13), 422)
    assert {"capacity", "repeat_weekly"} <= set(error["fields"])
    error = assert_error(_create(client, as_host, host, starts_at="2026-11-24T09:00:00"), 422)
    assert "starts_at" in error["fields"]
    past = (utcnow() - timedelta(days=1)).isoformat()
    assert "starts_at" in assert_error(_create(client, as_host, host, starts_at=past), 422)["fields"]
    assert_error(_create(client, as_host, host, practices=["nope"]), 422)


def test_unknown_slot_is_404_and_no_token_is_401(client, as_visitor):
    assert_error(client.get("/api/v1/visit-slots/424242", headers=as_visitor), 404)
    assert_error(client.get("/api/v1/visit-slots"), 401, "unauthorized")


def test_calendar_feed_url_works_and_can_be_renewed(client, host, visitor, as_visitor, as_host):
    slot_id = _create(client, as_host, host).get_json()["items"][0]["id"]
    client.post(f"/api/v1/visit-slots/{slot_id}/bookings", headers=as_visitor)
    url = client.get("/api/v1/me/calendar-feed", headers=as_visitor).get_json()["url"]
    assert url.endswith(".ics") and "/calendar/" in url
    path = url[url.index("/calendar/"):]
    cal = Calendar.from_ical(client.get(path).data)
    assert len(cal.walk("VEVENT")) == 1
    renewed = client.post("/api/v1/me/calendar-feed", headers=as_visitor)
    assert renewed.status_code == 201
    assert client.get(path).status_code == 404

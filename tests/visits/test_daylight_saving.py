"""The nights the clocks change, with real zones (zoneinfo), on SQLite and PostgreSQL.

The API keeps the exact instant a client gave; a weekly series keeps its wall-clock time in
the school's zone; the form asks which 1:30 AM is meant on the fall-back night and explains a
time skipped on the spring-forward night. The stored UTC must be exact on both databases.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.visits.local_time import AmbiguousLocalTime, local_to_utc
from mastery_share.visits.models import VisitSlot
from mastery_share.visits.slots import create_slots
from tests.conftest import bearer_headers, build_app, csrf_token, sign_in

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request, tmp_path, migrated_template):
    """Every test here runs on both databases: the stored UTC instant must not differ."""
    if request.param == "sqlite":
        app = build_app(tmp_path / "data", migrated_template)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
        return
    from tests.postgres import migrated_postgres_app

    with migrated_postgres_app(tmp_path / "data") as app:
        yield app


def next_change(offset_after: timedelta, after: date) -> date:
    """The first day after `after` on which Chicago's offset becomes `offset_after` (-5 h:
    spring forward, -6 h: fall back), both changes happening at 2:00 AM local time."""
    day = after
    while True:
        following = day + timedelta(days=1)
        before = datetime.combine(day, time(12), CHICAGO).utcoffset()
        if before != offset_after == datetime.combine(following, time(12), CHICAGO).utcoffset():
            return following
        day = following


def fall_back_night(days_ahead: int = 8) -> date:
    """The next fall-back Sunday at least `days_ahead` days from now (2027-11-07 in 2026)."""
    return next_change(timedelta(hours=-6), utcnow().astimezone(CHICAGO).date()
                       + timedelta(days=days_ahead))


def spring_forward_night(days_ahead: int = 8) -> date:
    return next_change(timedelta(hours=-5), utcnow().astimezone(CHICAGO).date()
                       + timedelta(days=days_ahead))


def stored_starts(slot_ids: list[int]) -> list[datetime]:
    """The starts as the database gives them back, read afresh (not from the session)."""
    db.session.expire_all()
    return list(db.session.scalars(select(VisitSlot.starts_at).where(VisitSlot.id.in_(slot_ids))
                                   .order_by(VisitSlot.starts_at)))


def raw_utc(slot_id: int) -> datetime:
    """The column's raw value, as UTC: SQLite keeps naive UTC text, PostgreSQL timestamptz."""
    value = db.session.execute(text("SELECT starts_at FROM visit_slots WHERE id = :id"),
                               {"id": slot_id}).scalar_one()
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


bearer = bearer_headers


def api_create(client, host, starts_at: str, **fields):
    body = {"starts_at": starts_at, "duration_min": 45, "capacity": 2, "focus": "Goal setting",
            **fields}
    return client.post("/api/v1/visit-slots", json=body, headers=bearer(client, host))


def wall(moment: datetime) -> tuple[time, str]:
    local = moment.astimezone(CHICAGO)
    return local.time(), local.tzname()


# ---- the API: the instant is what the client said ---------------------------------------

@pytest.mark.parametrize(("offset", "utc_hour"), [("-06:00", 7), ("-05:00", 6)])
def test_an_api_start_in_the_repeated_hour_is_stored_at_the_instant_the_client_gave(
        client, host, offset, utc_hour):
    night = fall_back_night(days_ahead=2)
    response = api_create(client, host, f"{night.isoformat()}T01:30:00{offset}")
    assert response.status_code == 201, response.get_data(as_text=True)
    [item] = response.get_json()["items"]
    expected = datetime.combine(night, time(utc_hour, 30), UTC)
    assert stored_starts([item["id"]]) == [expected]
    assert raw_utc(item["id"]) == expected
    # Read back in the school's zone with the offset the client used.
    assert item["starts_at"] == f"{night.isoformat()}T01:30:00{offset}"
    read = client.get(f"/api/v1/visit-slots/{item['id']}", headers=bearer(client, host))
    assert read.get_json()["starts_at"] == item["starts_at"]


def test_an_api_edit_into_the_repeated_hour_keeps_the_instant_the_client_gave(client, host):
    night = fall_back_night(days_ahead=2)
    created = api_create(client, host, f"{night.isoformat()}T09:00:00-06:00")
    slot_id = created.get_json()["items"][0]["id"]
    for offset, utc_hour in (("-06:00", 7), ("-05:00", 6)):
        moved = client.patch(f"/api/v1/visit-slots/{slot_id}", headers=bearer(client, host),
                             json={"starts_at": f"{night.isoformat()}T01:30:00{offset}"})
        assert moved.status_code == 200, moved.get_data(as_text=True)
        assert raw_utc(slot_id) == datetime.combine(night, time(utc_hour, 30), UTC)
        assert moved.get_json()["starts_at"] == f"{night.isoformat()}T01:30:00{offset}"


def test_a_weekly_series_from_the_second_1_30_keeps_1_30_standard_time(client, host):
    night = fall_back_night(days_ahead=2)
    response = api_create(client, host, f"{night.isoformat()}T01:30:00-06:00", repeat_weekly=2)
    assert response.status_code == 201, response.get_data(as_text=True)
    items = response.get_json()["items"]
    starts = stored_starts([item["id"] for item in items])
    assert starts == [datetime.combine(night + timedelta(weeks=week), time(7, 30), UTC)
                      for week in range(3)]
    assert [item["starts_at"][11:] for item in items] == ["01:30:00-06:00"] * 3


# ---- weekly series across both changes ---------------------------------------------------

def test_a_weekly_series_keeps_its_wall_clock_time_across_the_fall_back_night(host):
    night = fall_back_night()
    first = datetime.combine(night - timedelta(weeks=1), time(1, 30), CHICAGO)  # CDT
    slots = create_slots(host, {"starts_at": first, "duration_min": 45, "capacity": 2,
                                "focus": "Goal setting", "repeat_weekly": 2})
    starts = stored_starts([slot.id for slot in slots])
    # On the fall-back night itself 1:30 happens twice: the series takes the first, one
    # week after the last one to the second.
    assert [wall(start) for start in starts] == [(time(1, 30), "CDT"), (time(1, 30), "CDT"),
                                                 (time(1, 30), "CST")]
    assert starts[1] - starts[0] == timedelta(weeks=1)
    assert raw_utc(slots[1].id) == datetime.combine(night, time(6, 30), UTC)


def test_a_weekly_series_moves_a_time_skipped_by_spring_forward_an_hour_later(host):
    night = spring_forward_night()
    first = datetime.combine(night - timedelta(weeks=1), time(2, 30), CHICAGO)  # CST
    slots = create_slots(host, {"starts_at": first, "duration_min": 30, "capacity": 2,
                                "focus": "Goal setting", "repeat_weekly": 2})
    starts = stored_starts([slot.id for slot in slots])
    assert [wall(start) for start in starts] == [(time(2, 30), "CST"), (time(3, 30), "CDT"),
                                                 (time(2, 30), "CDT")]
    assert raw_utc(slots[1].id) == datetime.combine(night, time(8, 30), UTC)


def test_a_9_am_series_stays_at_9_across_both_changes(host):
    for night in (spring_forward_night(), fall_back_night()):
        first = datetime.combine(night - timedelta(days=6), time(9), CHICAGO)  # the Monday
        slots = create_slots(host, {"starts_at": first, "duration_min": 45, "capacity": 2,
                                    "focus": "Goal setting", "repeat_weekly": 1})
        starts = stored_starts([slot.id for slot in slots])
        assert [wall(start)[0] for start in starts] == [time(9), time(9)]
        assert starts[1] - starts[0] != timedelta(weeks=1)  # UTC moved by the hour


# ---- services: asked, not guessed ----------------------------------------------------------

def test_the_repeated_hour_is_asked_not_guessed():
    night = fall_back_night(days_ahead=0)
    with pytest.raises(AmbiguousLocalTime) as asked:
        local_to_utc(night, time(1, 30), "America/Chicago")
    assert asked.value.choices == [("first", "1:30 AM CDT (first)"),
                                   ("second", "1:30 AM CST (second)")]
    assert "occurrence" in asked.value.fields
    assert local_to_utc(night, time(1, 30), "America/Chicago", occurrence="first") == \
        datetime.combine(night, time(6, 30), UTC)
    assert local_to_utc(night, time(1, 30), "America/Chicago", occurrence="second") == \
        datetime.combine(night, time(7, 30), UTC)
    # Outside the repeated hour there is nothing to ask.
    assert local_to_utc(night, time(2, 30), "America/Chicago") == \
        datetime.combine(night, time(8, 30), UTC)


# ---- the form --------------------------------------------------------------------------------

def form_data(client, day: date, at: str, **extra) -> dict:
    return {"csrf_token": csrf_token(client, "/visits/new"), "date": day.isoformat(),
            "start_time": at, "duration_min": "45", "capacity": "3", "room": "12",
            "focus": "Goal setting with the must-do board", "repeat_weekly": "0",
            "grade_band": "", "subject": "", **extra}


def own_slot_ids(host) -> list[int]:
    return list(db.session.scalars(select(VisitSlot.id).where(VisitSlot.host_id == host.id)))


def test_the_form_asks_which_1_30_on_the_fall_back_night_and_stores_the_one_picked(
        client, host):
    night = fall_back_night(days_ahead=2)
    sign_in(client, host)
    asked = client.post("/visits/new", data=form_data(client, night, "01:30"))
    assert asked.status_code == 422
    page = asked.get_data(as_text=True)
    assert "1:30 AM happens twice that night" in page
    assert re.search(r'type="radio" value="first"', page) and "1:30 AM CDT (first)" in page
    assert re.search(r'type="radio" value="second"', page) and "1:30 AM CST (second)" in page
    assert "Choose the first or the second 1:30 AM." in page
    assert own_slot_ids(host) == []  # nothing guessed, nothing stored

    picked = client.post("/visits/new",
                         data=form_data(client, night, "01:30", occurrence="second"))
    assert picked.status_code == 302, picked.get_data(as_text=True)
    [slot_id] = own_slot_ids(host)
    assert raw_utc(slot_id) == datetime.combine(night, time(7, 30), UTC)
    assert "1:30–2:15 AM CST" in client.get(picked.location).get_data(as_text=True)


def test_the_edit_form_keeps_a_second_1_30_when_saved_unchanged(client, host):
    night = fall_back_night(days_ahead=2)
    [slot] = create_slots(host, {"starts_at": datetime.combine(night, time(7, 30), UTC),
                                 "duration_min": 45, "capacity": 2, "focus": "Goal setting"})
    sign_in(client, host)
    page = client.get(f"/visits/{slot.id}/edit").get_data(as_text=True)
    assert re.search(r'checked[^>]*value="second"|value="second"[^>]*checked', page), page
    token = csrf_token(client, f"/visits/{slot.id}/edit")
    saved = client.post(f"/visits/{slot.id}/edit", data={
        "csrf_token": token, "date": night.isoformat(), "start_time": "01:30",
        "occurrence": "second", "duration_min": "45", "capacity": "2", "room": "",
        "focus": "Goal setting", "grade_band": "", "subject": ""})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert raw_utc(slot.id) == datetime.combine(night, time(7, 30), UTC)


def test_the_form_explains_a_time_skipped_by_spring_forward(client, host):
    night = spring_forward_night(days_ahead=2)
    sign_in(client, host)
    refused = client.post("/visits/new", data=form_data(client, night, "02:30"))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "That time is skipped by the daylight-saving change." in page
    assert own_slot_ids(host) == []


def test_the_form_says_what_a_weekly_series_does_on_the_nights_the_clocks_change(
        client, host):
    sign_in(client, host)
    page = client.get("/visits/new").get_data(as_text=True)
    assert "a time they skip moves an hour later that week" in page
    assert "(2:30 AM becomes 3:30 AM)" in page


def test_a_day_at_the_edge_of_the_calendar_is_a_clear_message_not_a_server_error(client, host):
    sign_in(client, host)
    refused = client.post("/visits/new", data=form_data(client, date(9999, 12, 31), "23:30"))
    assert refused.status_code == 422
    assert "Choose a day within the next year." in refused.get_data(as_text=True)


def test_a_visit_across_the_clock_change_shows_both_zone_states():
    from mastery_share.visits.local_time import format_time_range

    chicago = "America/Chicago"
    first_half_past_one = local_to_utc(date(2027, 11, 7), time(1, 30), chicago,
                                        occurrence="first")
    assert format_time_range(first_half_past_one, first_half_past_one + timedelta(hours=1),
                             chicago) == "1:30 AM CDT–1:30 AM CST"
    spring = local_to_utc(date(2027, 3, 14), time(1, 30), chicago)
    assert format_time_range(spring, spring + timedelta(hours=2), chicago) == (
        "1:30 AM CST–4:30 AM CDT")
    morning = local_to_utc(date(2027, 11, 8), time(9), chicago)
    assert format_time_range(morning, morning + timedelta(minutes=45), chicago) == (
        "9:00–9:45 AM CST")

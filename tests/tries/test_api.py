"""The tries API: start, read, edit, check in, list mine; who reads what; what is refused."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from mastery_share.extensions import db
from mastery_share.tries.models import Try
from tests.collections.conftest import video_row
from tests.tries.api_fixtures import bearer, collection_of, error_of
from tests.tries.conftest import past_visit

PLAN = {"practice": "flexible-grouping", "plan": "Regroup after the exit ticket every Friday.",
        "students": "4th grade math, block 2", "success_looks_like": "Every group finishes",
        "visibility": "school"}


def try_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Try))


def test_a_teacher_starts_reads_edits_checks_in_and_lists_a_try(client, teacher, make_user,
                                                                 coach):
    video = video_row(make_user("teacher", name="Vera Video"), title="Friday regrouping")
    booking = past_visit(make_user("teacher", name="Hal Host"), teacher)
    collection = collection_of(coach, [video_row(coach, title="Coach's clip")])
    headers = bearer(teacher)

    created = client.post("/api/v1/tries", headers=headers, json={
        **PLAN, "target_date": None, "sparks": [
            {"video_id": video.id}, {"booking_id": booking.id},
            {"collection_item_id": collection.items[0].id}]})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["practice"] == {"slug": "flexible-grouping", "name": "Flexible grouping"}
    assert body["owner"] == {"id": teacher.id, "name": teacher.name}
    assert body["school"]["id"] == teacher.school_id
    assert (body["status"], body["visibility"], body["can_edit"]) == ("planning", "school", True)
    assert body["share_back_video"] is None and body["check_ins"] == []
    sparks = {spark["kind"]: spark for spark in body["sparks"]}
    assert sparks["video"]["video"] == {"id": video.id, "title": "Friday regrouping"}
    assert sparks["booking"]["visit"]["id"] == booking.slot_id
    assert sparks["collection_item"]["video"]["title"] == "Coach's clip"
    assert all(spark["available"] for spark in body["sparks"])
    base = f"/api/v1/tries/{body['id']}"

    assert client.get(base, headers=headers).json == body

    target = (date.today() + timedelta(days=30)).isoformat()
    edited = client.patch(base, headers=headers, json={
        "plan": "Regroup on Tuesdays too.", "target_date": target, "status": "trying",
        "learn_notes": "Read the chapter", "adjust": "Smaller groups", "visibility": "leaders",
        "sparks": [{"video_id": video.id}]})
    assert edited.status_code == 200, edited.json
    assert edited.json["target_date"] == target
    assert (edited.json["plan"], edited.json["status"], edited.json["visibility"]) == (
        "Regroup on Tuesdays too.", "trying", "leaders")
    assert len(edited.json["sparks"]) == 3  # the same video is not credited twice

    checked = client.post(f"{base}/check-ins", headers=headers, json={
        "what_happened": "Groups moved fast", "evidence": "Exit tickets", "adjust": "Timer"})
    assert checked.status_code == 201, checked.json
    assert checked.json["what_happened"] == "Groups moved fast"
    assert checked.json["has_media"] is False and checked.json["on"]

    set_aside = client.patch(base, headers=headers, json={
        "status": "set_aside", "set_aside_reason": "The schedule changed."})
    assert set_aside.status_code == 200, set_aside.json
    assert set_aside.json["set_aside_reason"] == "The schedule changed."
    assert [c["id"] for c in set_aside.json["check_ins"]] == [checked.json["id"]]

    mine = client.get("/api/v1/me/tries", headers=headers)
    assert mine.status_code == 200
    assert [item["id"] for item in mine.json["items"]] == [body["id"]]
    assert client.get("/api/v1/me/tries", headers=bearer(coach)).json == {"items": []}


def test_a_try_on_an_unknown_practice_is_422_and_nothing_is_saved(client, teacher):
    error = error_of(client.post("/api/v1/tries", headers=bearer(teacher),
                                 json={**PLAN, "practice": "no-such-practice"}), 422, "invalid")
    assert "practice" in error["fields"]
    assert try_count() == 0


def test_a_set_aside_needs_its_reason_and_shared_back_is_not_set_by_hand(client, teacher,
                                                                         make_try):
    try_ = make_try(teacher)
    base, headers = f"/api/v1/tries/{try_.id}", bearer(teacher)
    assert "set_aside_reason" in error_of(client.patch(base, headers=headers, json={
        "status": "set_aside"}), 422)["fields"]
    assert "status" in error_of(client.patch(base, headers=headers, json={
        "status": "shared_back"}), 422)["fields"]


def test_sparks_the_teacher_may_not_see_are_422_naming_nothing_hidden(
        client, teacher, make_user, far_teacher, coach):
    hidden = video_row(far_teacher, title="Secret regrouping lesson", visibility="private")
    someone = make_user("teacher", name="Other Visitor")
    others_booking = past_visit(make_user("teacher", name="Host"), someone)
    private = collection_of(coach, [video_row(coach, title="Watchable clip")],
                            visibility="private", title="Coach's private PLC notes")
    headers = bearer(teacher)
    for spark in ({"video_id": hidden.id}, {"booking_id": others_booking.id},
                  {"collection_item_id": private.items[0].id}, {"video_id": 2**31 - 1}):
        response = client.post("/api/v1/tries", headers=headers, json={**PLAN,
                                                                       "sparks": [spark]})
        error = error_of(response, 422, "invalid")
        assert "sparks" in error["fields"]
        text = response.get_data(as_text=True)
        for secret in ("Secret regrouping", "Other Visitor", "private PLC", "Watchable clip",
                       far_teacher.name):
            assert secret not in text
    assert try_count() == 0


def test_a_check_in_on_someone_elses_readable_try_is_403_on_a_hidden_try_404(
        client, teacher, make_user, make_try):
    colleague = make_user("teacher", name="Cal Colleague")
    shared = make_try(colleague, visibility="school")
    private = make_try(colleague, visibility="only_me")
    headers = bearer(teacher)
    body = {"what_happened": "I tried it for them"}
    error_of(client.post(f"/api/v1/tries/{shared.id}/check-ins", headers=headers, json=body),
             403, "forbidden")
    error_of(client.post(f"/api/v1/tries/{private.id}/check-ins", headers=headers, json=body),
             404, "not_found")
    error_of(client.patch(f"/api/v1/tries/{shared.id}", headers=headers, json={"plan": "x"}),
             403)
    response = client.get(f"/api/v1/tries/{private.id}", headers=headers)
    error_of(response, 404)
    assert "Try groups" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path,body,field", [
    ("/api/v1/tries", {**PLAN, "target_date": "2099-01-01"}, "target_date"),
    ("/api/v1/tries", {**PLAN, "target_date": "1999-01-01"}, "target_date"),
    ("/api/v1/tries", {**PLAN, "target_date": "10000-01-01"}, "target_date"),
    ("/api/v1/tries", {**PLAN, "target_date": "2026-02-30"}, "target_date"),
    ("/api/v1/tries", {**PLAN, "target_date": 20260101}, "target_date"),
    ("CHECK_IN", {"what_happened": "Later", "on": "2099-01-01"}, "on"),
    ("CHECK_IN", {"what_happened": "Long ago", "on": "0001-01-01"}, "on"),
])
def test_dates_out_of_range_are_422(client, teacher, make_try, path, body, field):
    if path == "CHECK_IN":
        path = f"/api/v1/tries/{make_try(teacher).id}/check-ins"
    error = error_of(client.post(path, headers=bearer(teacher), json=body), 422, "invalid")
    assert field in error["fields"]


@pytest.mark.parametrize("body,field", [
    ({**PLAN, "practice": 5}, "practice"),
    ({**PLAN, "plan": ["a list"]}, "plan"),
    ({**PLAN, "visibility": "everyone"}, "visibility"),
    ({**PLAN, "sparks": "video 12"}, "sparks"),
    ({**PLAN, "sparks": [{"video_id": 2**31}]}, "sparks"),
    ({**PLAN, "sparks": [{"video_id": 10**40}]}, "sparks"),
    ({**PLAN, "sparks": [{"video_id": 1.5}]}, "sparks"),
    ({**PLAN, "sparks": [{"video_id": True}]}, "sparks"),
    ({**PLAN, "sparks": [{"video_id": 1, "booking_id": 2}]}, "sparks"),
    ({**PLAN, "sparks": [{}]}, "sparks"),
    ({**PLAN, "sparks": [{"video_id": 1, "url": "x"}]}, "sparks"),
    ({**PLAN, "sparks": [{"video_id": 1}] * 11}, "sparks"),
    ({**PLAN, "owner_id": 1}, "owner_id"),
    ({"plan": "No practice"}, "practice"),
])
def test_malformed_try_bodies_are_422_in_the_error_shape(client, teacher, body, field):
    error = error_of(client.post("/api/v1/tries", headers=bearer(teacher), json=body), 422,
                     "invalid")
    assert field in error["fields"] and isinstance(error["fields"][field], str)
    assert try_count() == 0


def test_nul_characters_are_refused_before_any_query(client, teacher):
    headers = bearer(teacher)
    for body in ({**PLAN, "plan": "Nul\u0000byte"}, {**PLAN, "practice": "flexible\u0000"}):
        error_of(client.post("/api/v1/tries", headers=headers, json=body), 400)
    assert try_count() == 0


def test_malformed_edits_check_ins_and_ids_are_4xx(client, teacher, make_try):
    try_ = make_try(teacher)
    headers, base = bearer(teacher), f"/api/v1/tries/{try_.id}"
    for body in ({"status": "done"}, {"plan": ""}, {"adjust": "\u001b[31m"}, {"id": 3},
                 {"target_date": "tomorrow"}, {"sparks": [{"booking_id": -1}]}):
        error_of(client.patch(base, headers=headers, json=body), 422, "invalid")
    for body in ({}, {"what_happened": "ok", "on": "yesterday"}, {"what_happened": 3},
                 {"what_happened": "ok", "media": "x"}):
        error_of(client.post(f"{base}/check-ins", headers=headers, json=body), 422)
    error_of(client.post("/api/v1/tries", headers=headers, data="{not json",
                         content_type="application/json"), 400)
    error_of(client.post("/api/v1/tries", headers=headers, json=[PLAN]), 422)
    for path in (f"/api/v1/tries/{2**31}", "/api/v1/tries/0", f"/api/v1/tries/{10**30}",
                 f"/api/v1/videos/{2**31}/lineage"):
        assert client.get(path, headers=headers).status_code == 404
    error_of(client.get(base), 401, "unauthorized")


def test_a_district_admin_has_no_classroom_to_try_in(client, admin):
    error_of(client.post("/api/v1/tries", headers=bearer(admin), json=PLAN), 403, "forbidden")
    assert try_count() == 0


# Who reads a try of each visibility: the owner, a teacher of the same school, the school's
# principal and coach, a teacher of another school of the district, the district admin.
READERS = ("owner", "colleague", "principal", "coach", "far_teacher", "admin")
SEES = {
    "only_me": {"owner"},
    "leaders": {"owner", "principal", "coach", "admin"},
    "school": {"owner", "colleague", "principal", "coach", "admin"},
    "district": set(READERS),
}


@pytest.fixture
def readers(teacher, make_user, principal, coach, far_teacher, admin) -> dict:
    return {"owner": teacher, "colleague": make_user("teacher", name="Cal Colleague"),
            "principal": principal, "coach": coach, "far_teacher": far_teacher,
            "admin": admin}


@pytest.mark.parametrize("visibility", list(SEES))
@pytest.mark.parametrize("reader", READERS)
def test_who_reads_a_try_of_each_visibility(client, readers, make_try, visibility, reader):
    try_ = make_try(readers["owner"], visibility=visibility, plan="Tuesday regrouping plan")
    response = client.get(f"/api/v1/tries/{try_.id}", headers=bearer(readers[reader]))
    if reader in SEES[visibility]:
        assert response.status_code == 200, response.json
        assert response.json["plan"] == "Tuesday regrouping plan"
        assert response.json["can_edit"] is (reader == "owner")
    else:
        error_of(response, 404, "not_found")
        assert "Tuesday regrouping" not in response.get_data(as_text=True)


def test_a_readers_view_hides_a_spark_video_they_may_not_watch(client, teacher, make_user,
                                                               far_teacher, make_try):
    school_only = video_row(make_user("teacher"), title="Our school's rotation",
                            visibility="school")
    try_ = make_try(teacher, school_only, visibility="district")
    spark = client.get(f"/api/v1/tries/{try_.id}", headers=bearer(far_teacher)).json["sparks"][0]
    assert (spark["available"], spark["video"], spark["kind"]) == (False, None, "video")
    owner_view = client.get(f"/api/v1/tries/{try_.id}", headers=bearer(teacher)).json
    assert owner_view["sparks"][0]["video"]["title"] == "Our school's rotation"


def _queries(client, path: str, headers: dict) -> int:
    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(path, headers=headers).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_my_tries_run_the_same_queries_for_one_try_or_many(client, teacher, make_user,
                                                            make_try):
    headers = bearer(teacher)

    def try_with_two_sparks(number: int):
        host = make_user("teacher", name=f"Host {number}")
        booking = past_visit(host, teacher)
        video = video_row(host, title=f"Spark {number}")
        make_try(teacher, sparks=[{"video_id": video.id}, {"booking_id": booking.id}])

    try_with_two_sparks(0)
    one = _queries(client, "/api/v1/me/tries", headers)
    for number in range(1, 4):
        try_with_two_sparks(number)
    assert _queries(client, "/api/v1/me/tries", headers) == one

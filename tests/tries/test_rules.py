"""The rules of a try: what may spark it, who reads it, check-ins and its states."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from mastery_share.errors import Forbidden, Invalid, NotFound
from mastery_share.extensions import db
from mastery_share.tries.models import CheckIn, Try
from mastery_share.tries.services import (
    add_check_in,
    get_try,
    my_tries,
    pick_up_try,
    start_try,
    today_for,
    update_try,
)
from mastery_share.tries.visibility import can_see_try, tries_visible_to
from tests.tries.conftest import past_visit, video_row


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_try_is_credited_to_the_video_that_sparked_it_with_the_video_school(
        teacher, far_teacher, make_try):
    video = video_row(far_teacher, title="Groups that move")
    try_ = make_try(teacher, video, plan="Three groups on Tuesdays",
                    success_looks_like="Every group finishes",
                    target_date=today_for(teacher).isoformat())
    assert try_.status == "planning" and try_.visibility == "leaders"
    assert try_.school_id == teacher.school_id
    [spark] = try_.sparks
    assert (spark.kind, spark.video_id, spark.source_school_id) == (
        "video", video.id, far_teacher.school_id)


def test_the_default_visibility_is_my_coach_and_principal(teacher):
    try_ = start_try(teacher, {"practice": "flexible-grouping", "plan": "Try it"})
    assert try_.visibility == "leaders"


@pytest.mark.parametrize("raw, field", [
    ({"practice": "no-such-practice", "plan": "x"}, "practice"),
    ({"practice": "", "plan": "x"}, "practice"),
    ({"practice": "flexible-grouping", "plan": "  "}, "plan"),
    ({"practice": "flexible-grouping", "plan": "x", "visibility": "everyone"}, "visibility"),
    ({"practice": "flexible-grouping", "plan": "x", "target_date": "2090-01-01"}, "target_date"),
    ({"practice": "flexible-grouping", "plan": "x", "target_date": "soon"}, "target_date"),
    ({"practice": "flexible-grouping", "plan": "x\x00"}, "plan"),
    ({"practice": "flexible-grouping", "plan": "x", "sparks": [{"video_id": 0}]}, "sparks"),
    ({"practice": "flexible-grouping", "plan": "x", "sparks": [{"video_id": 1, "booking_id": 1}]},
     "sparks"),
    ({"practice": "flexible-grouping", "plan": "x", "sparks": "video 1"}, "sparks"),
])
def test_bad_input_names_the_field_and_saves_nothing(teacher, raw, field):
    with pytest.raises(Invalid) as caught:
        start_try(teacher, raw)
    assert field in caught.value.fields
    assert _count(Try) == 0


def test_a_spark_the_teacher_may_not_see_is_refused_without_naming_it(teacher, far_teacher):
    hidden = video_row(far_teacher, title="Secret lesson", visibility="school")
    with pytest.raises(Invalid) as caught:
        start_try(teacher, {"practice": "flexible-grouping", "plan": "x",
                            "sparks": [{"video_id": hidden.id}]})
    assert "Secret" not in str(caught.value.fields) + caught.value.message
    assert _count(Try) == 0


def test_a_visit_sparks_a_try_only_for_the_teacher_who_attended_it(teacher, far_teacher,
                                                                    make_user):
    someone_elses = past_visit(far_teacher, make_user("teacher"))
    with pytest.raises(Invalid):
        start_try(teacher, {"practice": "flexible-grouping", "plan": "x",
                            "sparks": [{"booking_id": someone_elses.id}]})
    waitlisted = past_visit(far_teacher, teacher, status="waitlisted")
    with pytest.raises(Invalid):
        start_try(teacher, {"practice": "flexible-grouping", "plan": "x",
                            "sparks": [{"booking_id": waitlisted.id}]})
    attended = past_visit(far_teacher, teacher)
    try_ = start_try(teacher, {"practice": "flexible-grouping", "plan": "x",
                               "sparks": [{"booking_id": attended.id}]})
    assert [(s.kind, s.source_school_id) for s in try_.sparks] == [
        ("booking", far_teacher.school_id)]


def test_an_admin_without_a_school_cannot_start_a_try(admin):
    with pytest.raises(Forbidden):
        start_try(admin, {"practice": "flexible-grouping", "plan": "x"})


READERS = ["owner", "same_school_teacher", "principal", "coach", "far_teacher", "far_principal",
           "admin"]
EXPECTED = {
    "only_me": {"owner"},
    "leaders": {"owner", "principal", "coach", "admin"},
    "school": {"owner", "same_school_teacher", "principal", "coach", "admin"},
    "district": set(READERS),
}


@pytest.fixture
def readers(teacher, make_user, other_school, far_teacher, admin, coach, principal):
    return {"owner": teacher, "same_school_teacher": make_user("teacher"),
            "principal": principal, "coach": coach, "far_teacher": far_teacher,
            "far_principal": make_user("principal", school_=other_school), "admin": admin}


@pytest.mark.parametrize("visibility", sorted(EXPECTED))
def test_who_reads_a_try_at_each_visibility(readers, make_try, visibility):
    try_ = make_try(readers["owner"], visibility=visibility)
    for name, reader in readers.items():
        expected = name in EXPECTED[visibility]
        assert can_see_try(reader, try_) is expected, (visibility, name)
        listed = db.session.scalar(select(func.count()).select_from(Try)
                                   .where(Try.id == try_.id, tries_visible_to(reader)))
        assert bool(listed) is expected, (visibility, name)
        if not expected:
            with pytest.raises(NotFound):
                get_try(reader, try_.id)


def test_a_teacher_of_another_district_never_reads_a_district_try(make_try, teacher, app):
    from mastery_share.accounts.models import District, School, User

    district = District(name="Elsewhere", slug="elsewhere")
    school = School(name="Far away", time_zone="UTC", district=district)
    stranger = User(email="stranger@example.org", name="Stranger", role="teacher",
                    district=district, school=school)
    db.session.add_all([district, school, stranger])
    db.session.commit()
    assert not can_see_try(stranger, make_try(teacher, visibility="district"))


def test_the_first_check_in_moves_a_plan_to_trying(teacher, make_try):
    try_ = make_try(teacher)
    add_check_in(teacher, try_.id, {"on": today_for(teacher).isoformat(),
                                    "what_happened": "Groups worked", "evidence": "8 of 10 done"})
    assert db.session.get(Try, try_.id).status == "trying"


def test_a_check_in_on_someone_elses_try_changes_nothing(teacher, principal, far_teacher,
                                                        make_try):
    readable = make_try(teacher, visibility="leaders")
    with pytest.raises(Forbidden):
        add_check_in(principal, readable.id, {"what_happened": "I was there"})
    with pytest.raises(NotFound):
        add_check_in(far_teacher, readable.id, {"what_happened": "I was there"})
    assert _count(CheckIn) == 0


@pytest.mark.parametrize("on", [(date.today() + timedelta(days=5)).isoformat(), "1999-01-01",
                                "31/12/2026"])
def test_a_check_in_dated_out_of_range_is_refused(teacher, make_try, on):
    try_ = make_try(teacher)
    with pytest.raises(Invalid) as caught:
        add_check_in(teacher, try_.id, {"on": on, "what_happened": "It went well"})
    assert "on" in caught.value.fields
    assert _count(CheckIn) == 0


def test_setting_aside_needs_a_reason_and_can_be_picked_up_again(teacher, make_try):
    try_ = make_try(teacher)
    with pytest.raises(Invalid) as caught:
        update_try(teacher, try_.id, {"status": "set_aside"})
    assert "set_aside_reason" in caught.value.fields
    update_try(teacher, try_.id, {"status": "set_aside",
                                  "set_aside_reason": "Adapted it to pairs instead"})
    assert db.session.get(Try, try_.id).status == "set_aside"
    update_try(teacher, try_.id, {"status": "trying"})
    picked_up = db.session.get(Try, try_.id)
    assert (picked_up.status, picked_up.set_aside_reason) == ("trying", "")


def test_shared_back_is_reached_by_sharing_a_video_not_by_hand(teacher, make_try):
    try_ = make_try(teacher)
    with pytest.raises(Invalid):
        update_try(teacher, try_.id, {"status": "shared_back"})
    assert db.session.get(Try, try_.id).status == "planning"


def test_only_the_teacher_edits_their_try(teacher, principal, make_try):
    try_ = make_try(teacher)
    with pytest.raises(Forbidden):
        update_try(principal, try_.id, {"plan": "Mine now"})
    assert db.session.get(Try, try_.id).plan == "Try groups"


def test_my_tries_lists_open_tries_first(teacher, make_try):
    aside = make_try(teacher, plan="First")
    update_try(teacher, aside.id, {"status": "set_aside", "set_aside_reason": "Not now"})
    open_one = make_try(teacher, plan="Second")
    assert [t.id for t in my_tries(teacher)] == [open_one.id, aside.id]


def test_a_picked_up_try_resumes_trying_only_if_it_was_checked_in_on(teacher, make_try):
    untried, tried = make_try(teacher), make_try(teacher)
    add_check_in(teacher, tried.id, {"what_happened": "Went fine"})
    for try_ in (untried, tried):
        update_try(teacher, try_.id, {"status": "set_aside", "set_aside_reason": "Later"})
    assert pick_up_try(teacher, untried.id).status == "planning"
    assert pick_up_try(teacher, tried.id).status == "trying"

"""The try pages through the browser's eyes: I'll try this, the Plan-Learn-Check-Adjust page,
check-ins with private evidence, set aside, and my tries."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest

from mastery_share.extensions import db
from mastery_share.tries.models import CheckIn, Try
from mastery_share.tries.services import today_for
from mastery_share.videos.storage_access import media_storage
from tests.collections.conftest import video_row
from tests.conftest import sign_in
from tests.tries.conftest import past_visit
from tests.tries.page_fixtures import PNG, check_page, post, try_count

PLAN = {"practice": "flexible-grouping", "plan": "Groups by exit ticket on Mondays.",
        "students": "3rd period", "target_date": "", "success_looks_like": "Everyone talks",
        "learn_notes": "", "visibility": "leaders"}


@pytest.fixture
def signed_in(app, client):
    """signed_in(user) -> a test client with `user` signed in (its own cookies)."""

    def factory(user):
        other = app.test_client()
        sign_in(other, user)
        return other

    return factory


@pytest.fixture
def spark(far_teacher):
    return video_row(far_teacher, title="Flexible groups from exit tickets")


def _page(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def test_wrong_input_rerenders_the_form_with_its_messages_and_saves_nothing(
        client, teacher, spark):
    sign_in(client, teacher)
    path = f"/tries/new?video={spark.id}"
    page = _page(client.get(path))
    check_page(page)
    assert "Sparked by:" in page and "Flexible groups from exit tickets" in page
    assert "Farah Far" in page and "South Middle School" in page
    assert '<option selected value="flexible-grouping">' in page
    assert re.search(r'<input checked [^>]*name="visibility" type="radio" value="leaders">', page)
    far_future = (date.today() + timedelta(days=3 * 366)).isoformat()
    response = post(client, "/tries/new", {**PLAN, "plan": " ", "target_date": far_future,
                                           "video": str(spark.id)}, form_page=path)
    page = _page(response, 422)
    check_page(page)
    assert "Say in a sentence what you will do." in page
    assert "Choose a date within two years of today." in page
    assert f'name="video" type="hidden" value="{spark.id}"' in page
    assert "Flexible groups from exit tickets" in page  # the spark is still shown
    assert try_count() == 0


def test_ill_try_this_from_a_video_creates_a_try_credited_to_it(client, teacher, spark,
                                                                 signed_in, far_teacher):
    sign_in(client, teacher)
    watch = _page(client.get(f"/videos/{spark.id}"))
    assert f'href="/tries/new?video={spark.id}"' in watch and "I'll try this" in watch
    own = _page(signed_in(far_teacher).get(f"/videos/{spark.id}"))
    assert "I'll try this" not in own  # not on one's own video
    response = post(client, "/tries/new", {**PLAN, "video": str(spark.id)},
                    form_page=f"/tries/new?video={spark.id}")
    assert response.status_code == 302
    [try_] = db.session.scalars(db.select(Try)).all()
    assert response.location.endswith(f"/tries/{try_.id}")
    assert [s.video_id for s in try_.sparks] == [spark.id]
    page = _page(client.get(response.location))
    check_page(page)
    for heading in ("Plan", "Learn", "Check", "Adjust"):
        assert f">{heading}</h2>" in page
    assert f'href="/videos/{spark.id}"' in page and "Groups by exit ticket" in page
    assert f'href="/videos/new?try={try_.id}"' in page  # Share what I learned


def test_a_reflection_becomes_a_try_in_one_step_and_a_second_click_opens_it(
        client, teacher, far_teacher):
    booking = past_visit(far_teacher, teacher)
    sign_in(client, teacher)
    reflected = post(client, f"/visits/bookings/{booking.id}/reflection", {
        "saw": "Groups re-formed every Monday.", "will_try": "Monday regrouping in math.",
        "practices": "flexible-grouping"}, follow_redirects=True)
    page = _page(reflected)
    assert "Turn “what I will try” into a try" in page
    assert f'action="/tries/from-visit/{booking.id}"' in page
    response = post(client, f"/tries/from-visit/{booking.id}", {}, form_page="/visits/mine")
    [try_] = db.session.scalars(db.select(Try)).all()
    assert response.location.endswith(f"/tries/{try_.id}")
    assert try_.plan == "Monday regrouping in math."
    assert [s.booking_id for s in try_.sparks] == [booking.id]
    page = _page(client.get(response.location))
    assert "Farah Far's classroom" in page
    again = post(client, f"/tries/from-visit/{booking.id}", {}, form_page="/visits/mine")
    assert again.location.endswith(f"/tries/{try_.id}") and try_count() == 1


def test_a_spark_the_teacher_may_not_see_is_a_404_page_not_a_form(
        client, teacher, far_teacher, make_user):
    hidden = video_row(far_teacher, title="Private rehearsal", visibility="private")
    someone_elses = past_visit(far_teacher, make_user("teacher"))
    sign_in(client, teacher)
    for path in (f"/tries/new?video={hidden.id}", f"/tries/new?booking={someone_elses.id}",
                 "/tries/new?item=999", "/tries/new?video=x1"):
        page = _page(client.get(path), 404)
        assert "Private rehearsal" not in page and 'name="plan"' not in page
    response = post(client, "/tries/new", {**PLAN, "video": str(hidden.id)},
                    form_page="/tries/new")
    assert response.status_code == 404 and try_count() == 0


def test_another_teachers_only_me_try_is_404_even_for_the_principal(
        client, teacher, make_user, make_try, signed_in, principal):
    try_ = make_try(teacher, visibility="only_me", plan="My secret plan")
    for reader in (make_user("teacher"), principal):
        page = _page(signed_in(reader).get(f"/tries/{try_.id}"), 404)
        assert "My secret plan" not in page


def test_a_leaders_try_is_read_only_for_the_principal_and_hidden_from_a_colleague(
        client, teacher, make_user, make_try, signed_in, principal, spark):
    try_ = make_try(teacher, spark, visibility="leaders", plan="Regroup on Mondays")
    boss = signed_in(principal)
    page = _page(boss.get(f"/tries/{try_.id}"))
    check_page(page)
    assert "Regroup on Mondays" in page and "Flexible groups from exit tickets" in page
    assert 'name="what_happened"' not in page and "Edit plan" not in page
    assert boss.get(f"/tries/{try_.id}/edit").status_code == 403
    token = _csrf_of(page)
    assert boss.post(f"/tries/{try_.id}/check-ins",
                     data={"csrf_token": token, "what_happened": "x"}).status_code == 403
    assert signed_in(make_user("teacher")).get(f"/tries/{try_.id}").status_code == 404


def _csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_the_owner_checks_in_and_the_try_becomes_trying(client, teacher, make_try):
    try_ = make_try(teacher)
    sign_in(client, teacher)
    path = f"/tries/{try_.id}"
    check_page(_page(client.get(path)))
    yesterday = (today_for(teacher) - timedelta(days=1)).isoformat()
    for on, text in ((None, "Second: the quiet group talked."), (yesterday, "First go.")):
        response = post(client, f"{path}/check-ins", {
            "on": on or "", "what_happened": text, "evidence": "6 of 8 explained",
            "adjust": "Smaller groups"}, form_page=path)
        assert response.status_code == 302
    page = _page(client.get(path))
    assert "Trying" in page
    assert page.index("First go.") < page.index("Second: the quiet group talked.")  # newest last
    db.session.expire_all()
    assert db.session.get(Try, try_.id).status == "trying"


def test_a_check_in_without_what_happened_is_refused_with_its_message(client, teacher,
                                                                       make_try):
    try_ = make_try(teacher)
    sign_in(client, teacher)
    page = _page(post(client, f"/tries/{try_.id}/check-ins", {"what_happened": ""},
                      form_page=f"/tries/{try_.id}"), 422)
    check_page(page)
    assert "Say what happened" in page
    assert db.session.query(CheckIn).count() == 0


def test_setting_aside_needs_a_reason_and_counts_and_it_can_be_picked_up_again(
        client, teacher, make_try):
    try_ = make_try(teacher)
    sign_in(client, teacher)
    path = f"/tries/{try_.id}"
    page = _page(post(client, f"{path}/set-aside", {"set_aside_reason": "  "},
                      form_page=path), 422)
    assert "Say why you set it aside" in page
    db.session.expire_all()
    assert db.session.get(Try, try_.id).status == "planning"
    response = post(client, f"{path}/set-aside", {"set_aside_reason": "Testing week."},
                    form_page=path, follow_redirects=True)
    page = _page(response)
    assert "Set-aside tries count" in page and "Testing week." in page
    assert "Pick it up again" in page
    post(client, f"{path}/pick-up", {}, form_page=path)
    db.session.expire_all()
    assert db.session.get(Try, try_.id).status == "planning"


def test_the_evidence_photo_is_served_to_the_owner_only(client, teacher, make_try, signed_in,
                                                       principal):
    try_ = make_try(teacher, visibility="leaders")
    sign_in(client, teacher)
    path = f"/tries/{try_.id}"
    response = post(client, f"{path}/check-ins", {
        "what_happened": "Photo of the board", "media": (io.BytesIO(PNG), "board.png")},
        form_page=path, content_type="multipart/form-data")
    assert response.status_code == 302
    check_in = db.session.query(CheckIn).one()
    assert check_in.media_type == "image/png" and check_in.media_key.startswith("tries/")
    evidence = f"/tries/check-ins/{check_in.id}/evidence"
    assert evidence in _page(client.get(path))
    served = client.get(evidence)
    assert served.status_code == 200 and served.data == PNG
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.mimetype == "image/png"
    boss = signed_in(principal)
    assert evidence not in _page(boss.get(path))
    assert boss.get(evidence).status_code == 404


@pytest.mark.embedded("looks for leftover files on the local disk")
def test_evidence_that_is_not_a_photo_or_clip_or_too_large_is_refused_and_not_kept(
        client, teacher, make_try, monkeypatch):
    from mastery_share.tries import evidence

    try_ = make_try(teacher)
    sign_in(client, teacher)
    path = f"/tries/{try_.id}"

    def check_in_with(data: bytes, name: str):
        return post(client, f"{path}/check-ins", {
            "what_happened": "Tried it", "media": (io.BytesIO(data), name)},
            form_page=path, content_type="multipart/form-data")

    page = _page(check_in_with(b"<script>alert(1)</script>", "board.jpg"), 422)
    assert "Choose a JPEG or PNG photo" in page
    monkeypatch.setattr(evidence, "MAX_EVIDENCE_BYTES", 100)
    page = _page(check_in_with(PNG * 3, "big.png"), 422)
    assert "at most" in page
    assert db.session.query(CheckIn).count() == 0
    assert not any(media_storage().root.glob("tries/**/*.*"))


def test_the_owner_edits_the_plan_and_what_to_change_next(client, teacher, make_try):
    try_ = make_try(teacher)
    sign_in(client, teacher)
    edit = f"/tries/{try_.id}/edit"
    check_page(_page(client.get(edit)))
    response = post(client, edit, {**PLAN, "plan": "Regroup twice a week.",
                                   "visibility": "school", "adjust": ""})
    assert response.status_code == 302
    post(client, f"/tries/{try_.id}/adjust", {"adjust": "Mix the talkers."},
         form_page=f"/tries/{try_.id}")
    db.session.expire_all()
    saved = db.session.get(Try, try_.id)
    assert (saved.plan, saved.visibility, saved.adjust) == (
        "Regroup twice a week.", "school", "Mix the talkers.")


def test_my_tries_lists_open_ones_first_with_a_check_in_badge_when_the_date_came(
        client, teacher, make_try, make_user, signed_in, admin):
    due = make_try(teacher, plan="Due plan", target_date=today_for(teacher).isoformat())
    later = make_try(teacher, plan="Set aside plan")
    later.status, later.set_aside_reason = "set_aside", "Not now"
    db.session.commit()
    sign_in(client, teacher)
    page = _page(client.get("/tries/mine"))
    check_page(page)
    assert 'href="/tries/mine"' in page  # in the header
    assert page.index("Due plan") < page.index("Set aside plan")
    assert "Check in now" in page and "1 check-in" not in page
    assert f'href="/tries/{due.id}"' in page
    empty = _page(signed_in(make_user("teacher")).get("/tries/mine"))
    assert "You have no tries yet" in empty
    assert 'href="/tries/mine"' not in _page(signed_in(admin).get("/videos"))

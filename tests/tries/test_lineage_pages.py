"""Sharing back through the upload form, the watch page's "Sparked by" and "Sparked" panel,
and the "I'll try this" buttons on collection items and attended visits."""
from __future__ import annotations

import io
import re

import pytest

from mastery_share.collections.curation import create_collection
from mastery_share.collections.items import add_item
from mastery_share.extensions import db
from mastery_share.tries.models import Try
from mastery_share.videos.models import Video
from tests.collections.conftest import video_row
from tests.conftest import make_school, sign_in
from tests.tries.conftest import past_visit
from tests.tries.page_fixtures import check_page, count_queries, post
from tests.videos.conftest import DETAILS, clips  # noqa: F401  (the session's ffmpeg clips)


@pytest.fixture
def original(teacher):
    """A North Elementary video that sparks tries elsewhere."""
    return video_row(teacher, title="Friday regrouping at North", visibility="district")


@pytest.fixture
def signed_in(app, client):
    def factory(user):
        other = app.test_client()
        sign_in(other, user)
        return other

    return factory


def _share_back(app, signed_in, make_try, original, teacher, clip, *, try_visibility="leaders",
                video_visibility="district", title="South's version"):
    """`teacher` tries the original and shares a video back through the upload form."""
    try_ = make_try(teacher, original, visibility=try_visibility,
                    plan="Regroup on Fridays by exit ticket.\nSecond line.",
                    practice="goal-setting")
    browser = signed_in(teacher)
    form = browser.get(f"/videos/new?try={try_.id}").get_data(as_text=True)
    fields = {**DETAILS, "title": title, "visibility": video_visibility, "release_tier": "network",
              "try_id": str(try_.id),
              "file": (io.BytesIO(clip.read_bytes()), "back.mp4")}
    response = post(browser, f"/videos/new?try={try_.id}", fields,
                    content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    return try_, browser, form, response.get_data(as_text=True)


def test_sharing_back_through_the_upload_form_links_both_ways(
        app, client, signed_in, make_try, original, far_teacher, teacher, clips):  # noqa: F811
    try_, browser, form, watch = _share_back(app, signed_in, make_try, original, far_teacher,
                                             clips.short)
    check_page(form)
    assert "Sharing back:" in form and "Regroup on Fridays by exit ticket." in form
    assert "Second line." not in form
    assert f'name="try_id" value="{try_.id}"' in form
    assert re.search(r'<input checked[^>]*value="goal-setting"', form)  # the try's practice

    db.session.expire_all()
    shared = db.session.get(Try, try_.id)
    video = db.session.scalars(db.select(Video).where(Video.title == "South's version")).one()
    assert (shared.status, shared.share_back_video_id) == ("shared_back", video.id)
    assert "Sparked by" in watch and "Friday regrouping at North" in watch
    assert f'href="/videos/{original.id}"' in watch

    sign_in(client, teacher)
    page = client.get(f"/videos/{original.id}").get_data(as_text=True)
    assert ">Sparked</h3>" in page and "South&#39;s version" in page
    assert "Farah Far" in page and "South Middle School" in page

    again = browser.get(f"/videos/new?try={try_.id}").get_data(as_text=True)
    assert "already shared back" in again and f'href="/videos/{video.id}"' in again
    assert 'name="try_id"' not in again
    assert client.get(f"/videos/new?try={try_.id}").status_code == 404  # not the owner's


def test_a_hidden_share_back_is_counted_never_named(client, make_user, make_try, original,
                                                   far_teacher):
    try_ = make_try(far_teacher, original, visibility="only_me")
    secret = video_row(far_teacher, title="South's private take", visibility="private")
    try_.share_back_video_id, try_.status = secret.id, "shared_back"
    db.session.commit()
    sign_in(client, make_user("teacher"))
    page = client.get(f"/videos/{original.id}").get_data(as_text=True)
    assert "1 item you can't see" in page
    assert "South&#39;s private take" not in page and "private take" not in page and "Farah Far" not in page


def test_a_chain_names_each_generation_and_a_deleted_spark_stays_unnamed(
        client, make_user, make_try, original, far_teacher, other_school, teacher):
    second = video_row(far_teacher, title="South's version")
    first_try = make_try(far_teacher, original, visibility="district")
    first_try.share_back_video_id = second.id
    third_teacher = make_user("teacher", name="Tom Third")
    third = video_row(third_teacher, title="Third generation")
    second_try = make_try(third_teacher, second, visibility="district")
    second_try.share_back_video_id = third.id
    db.session.commit()
    sign_in(client, teacher)
    page = client.get(f"/videos/{third.id}").get_data(as_text=True)
    assert page.index("South&#39;s version") < page.index("which was sparked by") \
        < page.index("Friday regrouping at North")
    db.session.delete(db.session.get(Video, original.id))
    db.session.commit()
    page = client.get(f"/videos/{second.id}").get_data(as_text=True)
    assert "a video that is no longer shared" in page


def test_the_watch_page_runs_a_fixed_number_of_queries_whatever_the_lineage(
        client, make_user, make_try, original, far_teacher, district):
    def spread_to(school_name: str):
        school = make_school(district, school_name, "America/Denver")
        member = make_user("teacher", school_=school)
        back = video_row(member, title=f"{school_name} version")
        try_ = make_try(member, original, visibility="district")
        try_.share_back_video_id = back.id
        make_try(make_user("teacher", school_=school), original, visibility="district")
        make_try(make_user("teacher", school_=school), original, visibility="only_me")
        db.session.commit()

    spread_to("West High")
    sign_in(client, make_user("teacher"))
    few = count_queries(client, f"/videos/{original.id}")
    for name in ("East Academy", "Lake School", "Hill School"):
        spread_to(name)
    db.session.expire_all()
    assert count_queries(client, f"/videos/{original.id}") == few


def test_a_collection_item_offers_ill_try_this_and_sparks_the_form(
        client, make_user, original, teacher):
    coach = make_user("coach", name="Casey Coach")
    collection = create_collection(coach, {"title": "Grouping PLC", "visibility": "school"})
    item = add_item(coach, collection.id, {"video_id": original.id})
    viewer = make_user("teacher")
    sign_in(client, viewer)
    page = client.get(f"/collections/{collection.id}").get_data(as_text=True)
    assert f'href="/tries/new?item={item.id}"' in page
    form = client.get(f"/tries/new?item={item.id}").get_data(as_text=True)
    check_page(form)
    assert "Friday regrouping at North" in form and f'name="item" type="hidden" value="{item.id}"' in form


def test_an_attended_visit_offers_ill_try_this_on_my_visits_and_the_slot_page(
        client, teacher, far_teacher):
    booking = past_visit(far_teacher, teacher)
    sign_in(client, teacher)
    link = f'href="/tries/new?booking={booking.id}"'
    assert link in client.get("/visits/mine").get_data(as_text=True)
    assert link in client.get(f"/visits/{booking.slot_id}").get_data(as_text=True)
    form = client.get(f"/tries/new?booking={booking.id}").get_data(as_text=True)
    check_page(form)
    assert "Farah Far's classroom" in form and "South Middle School" in form

"""Media-release tiers: a video is never shared wider than the release every student shown has,
nor wider than the district allows with faces unblurred; on upload, on every later change of
visibility or release, through the pages and the API (422 with the reason)."""
from __future__ import annotations

import pytest

from mastery_share.extensions import db
from mastery_share.videos.models import Video
from tests.collections.conftest import video_row
from tests.conftest import bearer_headers as _bearer
from tests.conftest import csrf_token, sign_in
from tests.videos.conftest import api_upload


def test_an_upload_wider_than_its_release_is_refused_with_the_reason_and_nothing_kept(
        app, client, teacher, clips):
    headers = _bearer(client, teacher)
    refused = api_upload(client, headers, clips.short, visibility="network",
                         release_tier="school", media_release=None)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert "cover your school only" in error["fields"]["visibility"]
    assert "My school" in error["fields"]["visibility"]
    assert db.session.query(Video).count() == 0

    shared = api_upload(client, headers, clips.short, visibility="school",
                        release_tier="school", media_release=None)
    assert shared.status_code == 202, shared.get_data(as_text=True)
    assert shared.get_json()["release_tier"] == "school"


def test_an_earlier_client_s_checkbox_attests_a_release_for_the_visibility_it_chose(
        app, client, teacher, clips):
    shared = api_upload(client, _bearer(client, teacher), clips.short, visibility="district")
    assert shared.status_code == 202, shared.get_data(as_text=True)
    assert shared.get_json()["release_tier"] == "district"
    missing = api_upload(client, _bearer(client, teacher), clips.short, media_release=None)
    assert missing.status_code == 422
    assert "release_tier" in missing.get_json()["error"]["fields"]


def test_widening_later_checks_the_same_rule_in_the_api_and_the_edit_page(app, client, teacher):
    video = video_row(teacher, visibility="school")
    video.release_tier = "school"
    db.session.commit()
    headers = _bearer(client, teacher)
    wider = client.patch(f"/api/v1/videos/{video.id}", headers=headers,
                         json={"visibility": "district"})
    assert wider.status_code == 422
    assert "cover your school only" in wider.get_json()["error"]["message"]
    narrower_release = client.patch(f"/api/v1/videos/{video.id}", headers=headers,
                                    json={"release_tier": "none"})
    assert narrower_release.status_code == 422  # the school would see students without releases
    both = client.patch(f"/api/v1/videos/{video.id}", headers=headers,
                        json={"visibility": "district", "release_tier": "district"})
    assert both.status_code == 200, both.get_data(as_text=True)
    assert both.get_json()["visibility"] == "district"

    sign_in(client, teacher)
    edit = f"/videos/{video.id}/edit"
    page = client.post(edit, data={
        "csrf_token": csrf_token(client, edit), "title": video.title,
        "description": "", "practices": ["flexible-grouping"], "grade_band": "3-5",
        "subject": "Math", "visibility": "network", "level": "getting_started",
        "release_tier": "district"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "cover your district only" in text and '<option selected value="network">' in text
    db.session.refresh(video)
    assert video.visibility == "district"


@pytest.mark.parametrize("widest", ["school", "district"])
def test_the_district_narrows_sharing_without_blur(app, client, teacher, admin, widest):
    sign_in(client, admin)
    staff = client.get("/staff").get_data(as_text=True)
    assert "Widest sharing with faces unblurred" in staff
    saved = client.post("/videos/release-policy", data={
        "csrf_token": csrf_token(client, "/staff"), "widest_without_blur": widest},
        follow_redirects=True)
    assert "Saved: classroom videos are shared at most with" in saved.get_data(as_text=True)

    video = video_row(teacher, visibility="school")
    video.release_tier = "network"
    db.session.commit()
    answer = client.patch(f"/api/v1/videos/{video.id}", headers=_bearer(client, teacher),
                          json={"visibility": "network"})
    assert answer.status_code == 422
    assert "Your district shares classroom videos at most with" in (
        answer.get_json()["error"]["message"])


def test_a_video_shared_before_the_district_narrowed_its_policy_keeps_being_editable(
        app, client, teacher, admin):
    video = video_row(teacher, title="Stations", visibility="network")
    admin.district.widest_without_blur = "school"
    db.session.commit()
    sign_in(client, teacher)
    edit = f"/videos/{video.id}/edit"
    saved = client.post(edit, data={
        "csrf_token": csrf_token(client, edit), "title": "Stations, week 2", "description": "",
        "practices": ["flexible-grouping"], "grade_band": "3-5", "subject": "Math",
        "visibility": "network", "level": "getting_started", "release_tier": "network"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    db.session.refresh(video)
    assert video.title == "Stations, week 2" and video.visibility == "network"


def test_only_an_admin_sets_the_district_policy(app, client, principal):
    sign_in(client, principal)
    answer = client.post("/videos/release-policy", data={
        "csrf_token": csrf_token(client, "/"), "widest_without_blur": "school"},
        follow_redirects=True)
    assert "Only district admins" in answer.get_data(as_text=True)
    assert principal.district.widest_without_blur == "network"

"""Who may watch what, everywhere: lists, pages, the API and media URLs."""
import time

import pytest

from mastery_share.accounts.models import District, School, User
from mastery_share.extensions import db
from mastery_share.videos.services import VideoFilters, list_videos
from tests.conftest import make_school, sign_in
from tests.videos.conftest import DETAILS

VISIBILITIES = ["private", "school", "district", "network"]


@pytest.fixture
def people(make_user, school, other_school, district):
    far_district = District(name="Far District", slug="far")
    db.session.add(far_district)
    db.session.commit()
    far_school = make_school(far_district, "Far School", "America/Los_Angeles")
    far_teacher = User(email="far@example.org", name="Far Teacher", role="teacher",
                       school=far_school, district=far_district,
                       password_hash=make_user("teacher").password_hash)
    db.session.add(far_teacher)
    db.session.commit()
    return {
        "owner": make_user("teacher"),
        "same_school": make_user("teacher"),
        "other_school": make_user("teacher", school_=other_school),
        "admin": make_user("admin"),
        "other_district": far_teacher,
    }


# Who sees a video of each visibility (the owner always does).
EXPECTED = {
    "private": {"owner", "admin"},
    "school": {"owner", "same_school", "admin"},
    "district": {"owner", "same_school", "other_school", "admin"},
    "network": {"owner", "same_school", "other_school", "admin", "other_district"},
}


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_lists_show_a_video_exactly_to_those_allowed(app, people, share, clips, visibility):
    video = share(people["owner"], clips.short, visibility=visibility)
    seeing = {name for name, user in people.items()
              if video.id in [v.id for v in list_videos(user, VideoFilters()).items]}
    assert seeing == EXPECTED[visibility]
    totals = {name: list_videos(user, VideoFilters()).total for name, user in people.items()}
    assert totals == {name: int(name in EXPECTED[visibility]) for name in people}


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_watch_page_and_media_follow_visibility(app, client, people, share, clips, visibility):
    video = share(people["owner"], clips.short, visibility=visibility)
    owner_client = app.test_client()
    sign_in(client, people["owner"])
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    media_path = page.split('<source src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    for name, user in people.items():
        if name == "owner":
            continue
        viewer = app.test_client()
        sign_in(viewer, user)
        allowed = name in EXPECTED[visibility]
        assert viewer.get(f"/videos/{video.id}").status_code == (200 if allowed else 404)
        # Someone else's signed URL never plays, even for a member who may watch the video.
        assert viewer.get(media_path).status_code == 403
    assert owner_client.get(media_path).status_code == 403  # no session at all


@pytest.mark.embedded("the app serves media itself from the local store; from S3 it redirects (tests/videos/test_s3_storage.py)")
def test_media_is_served_with_range_requests(app, client, teacher, share, clips):
    video = share(teacher, clips.short)
    sign_in(client, teacher)
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    media_path = page.split('<source src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    with client.get(media_path) as whole, \
            client.get(media_path, headers={"Range": "bytes=100-199"}) as part:
        assert whole.status_code == 200
        assert whole.headers["Accept-Ranges"] == "bytes"
        assert part.status_code == 206
        assert part.headers["Content-Range"].startswith("bytes 100-199/")
        assert part.data == whole.data[100:200]


def test_unsigned_tampered_or_expired_media_urls_are_refused(app, client, teacher, share, clips):
    video = share(teacher, clips.short)
    sign_in(client, teacher)
    assert client.get(f"/media/{video.id}/360p.mp4").status_code == 403
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    media_path = page.split('<source src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert client.get(media_path.replace("360p.mp4", "poster.jpg")).status_code == 403
    expired = int(time.time()) - 10
    from mastery_share.videos.media_urls import _signature

    signature = _signature(video.id, "360p.mp4", teacher.id, expired)
    stale = f"/media/{video.id}/360p.mp4?u={teacher.id}&e={expired}&s={signature}"
    assert client.get(stale).status_code == 403


@pytest.mark.embedded("the app serves media itself from the local store; from S3 it redirects (tests/videos/test_s3_storage.py)")
def test_making_a_video_private_stops_its_existing_media_urls(app, client, people, share, clips):
    video = share(people["owner"], clips.short, visibility="school")
    sign_in(client, people["same_school"])
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    media_path = page.split('<source src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    with client.get(media_path) as response:
        assert response.status_code == 200
    from mastery_share.videos.services import update_video

    update_video(people["owner"], video.id, {"visibility": "private"})
    assert client.get(media_path).status_code == 404


def test_filters_and_pagination_in_the_query(app, teacher, share, clips, other_school, make_user):
    colleague = make_user("teacher", school_=other_school)
    for index in range(3):
        share(teacher, clips.short, title=f"Mine {index}")
    share(colleague, clips.short, title="Theirs", grade_band="6-8", subject="Science",
          practices=["goal-setting"])
    everything = list_videos(teacher, VideoFilters(), per_page=2)
    assert (everything.total, len(everything.items), everything.pages) == (4, 2, 2)
    assert [v.title for v in everything.items] == ["Theirs", "Mine 2"]  # newest first
    assert list_videos(teacher, VideoFilters(practice="goal-setting")).total == 1
    assert list_videos(teacher, VideoFilters(school_id=other_school.id)).total == 1
    assert list_videos(teacher, VideoFilters(grade_band="3-5", subject="Math")).total == 3
    assert DETAILS["grade_band"] == "3-5"
    assert School is not None

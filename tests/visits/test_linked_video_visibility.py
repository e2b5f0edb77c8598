"""A host's videos linked to an open classroom pass the same visibility rule as every list:
a teacher who may not watch a private or school-only video never sees its title, link or id
on the slot page, in the week calendar or through the API; those who may watch still do."""
from __future__ import annotations

import pytest

from mastery_share.accounts.models import District, School, User
from mastery_share.extensions import db
from mastery_share.visits.calendar import with_seats
from mastery_share.visits.models import VisitSlot
from mastery_share.visits.slots import create_slots
from tests.collections.conftest import video_row
from tests.conftest import _PASSWORD_HASH, FreshContextClient, sign_in
from tests.postgres import migrated_postgres_app
from tests.visits.conftest import local_start
from tests.visits.test_visits_api import token_for

PRIVATE_TITLE = "Private rehearsal of my station rotation"
SCHOOL_TITLE = "Our school must-do board"
DISTRICT_TITLE = "Flexible groups in fourth grade"


@pytest.fixture
def linked_slot(host, open_slot):
    """A slot of `host` (North Elementary) linking a private, a school-only and a district video."""
    videos = [video_row(host, title=PRIVATE_TITLE, visibility="private"),
              video_row(host, title=SCHOOL_TITLE, visibility="school"),
              video_row(host, title=DISTRICT_TITLE, visibility="district")]
    slot = open_slot(host, video_ids=[video.id for video in videos])
    return slot, videos


@pytest.fixture
def colleague(make_user):
    """A teacher of the host's own school."""
    return make_user("teacher", name="Same School Teacher")


def test_a_visitor_from_another_school_sees_only_the_linked_video_they_may_watch(
        client, linked_slot, visitor):
    slot, (private, school_only, district) = linked_slot
    sign_in(client, visitor)
    page = client.get(f"/visits/{slot.id}").get_data(as_text=True)
    assert DISTRICT_TITLE in page and f"/videos/{district.id}" in page
    for hidden in (private, school_only):
        assert hidden.title not in page
        assert f"/videos/{hidden.id}\"" not in page


def test_a_colleague_of_the_same_school_sees_the_school_video_but_not_the_private_one(
        client, linked_slot, colleague):
    slot, (_, school_only, _) = linked_slot
    sign_in(client, colleague)
    page = client.get(f"/visits/{slot.id}").get_data(as_text=True)
    assert SCHOOL_TITLE in page and f"/videos/{school_only.id}" in page
    assert PRIVATE_TITLE not in page


def test_the_host_sees_every_linked_video(client, linked_slot, host):
    slot, _ = linked_slot
    sign_in(client, host)
    page = client.get(f"/visits/{slot.id}").get_data(as_text=True)
    assert all(title in page for title in (PRIVATE_TITLE, SCHOOL_TITLE, DISTRICT_TITLE))


def test_the_api_never_gives_an_unwatchable_linked_video_id(client, linked_slot, visitor, host):
    slot, (private, school_only, district) = linked_slot
    as_visitor, as_host = token_for(client, visitor), token_for(client, host)

    detail = client.get(f"/api/v1/visit-slots/{slot.id}", headers=as_visitor).get_json()
    assert detail["video_ids"] == [district.id]
    listed = client.get("/api/v1/visit-slots", headers=as_visitor).get_json()["items"]
    assert [item["video_ids"] for item in listed if item["id"] == slot.id] == [[district.id]]

    own = client.get(f"/api/v1/visit-slots/{slot.id}", headers=as_host).get_json()
    assert sorted(own["video_ids"]) == sorted([private.id, school_only.id, district.id])


def test_a_video_made_private_after_linking_disappears_from_the_slot(client, linked_slot,
                                                                      visitor):
    slot, (_, _, district) = linked_slot
    district.visibility = "private"
    db.session.commit()
    sign_in(client, visitor)
    page = client.get(f"/visits/{slot.id}").get_data(as_text=True)
    assert DISTRICT_TITLE not in page and "Watch first" not in page
    headers = token_for(client, visitor)
    assert client.get(f"/api/v1/visit-slots/{slot.id}", headers=headers).get_json()[
        "video_ids"] == []


def test_slot_views_filter_linked_videos_for_each_viewer(linked_slot, visitor, colleague, host):
    slot, _ = linked_slot
    loaded = db.session.get(VisitSlot, slot.id)

    def titles(viewer):
        return sorted(video.title for video in with_seats(viewer, [loaded])[0].videos)

    assert titles(visitor) == [DISTRICT_TITLE]
    assert titles(colleague) == sorted([SCHOOL_TITLE, DISTRICT_TITLE])
    assert titles(host) == sorted([PRIVATE_TITLE, SCHOOL_TITLE, DISTRICT_TITLE])
    assert with_seats(visitor, [loaded])[0].hidden_video_count == 2


def _linked_videos_seen_through_the_api(app) -> None:
    district = District(name="Lake District", slug="lake-district")
    north = School(name="North", time_zone="America/Chicago", district=district)
    south = School(name="South", time_zone="America/New_York", district=district)
    host, visitor = (User(email=email, name=name, role="teacher", district=district,
                          school=school, password_hash=_PASSWORD_HASH)
                     for email, name, school in (("host@lake.example.org", "Host", north),
                                                 ("visitor@lake.example.org", "Visitor", south)))
    db.session.add_all([district, north, south, host, visitor])
    db.session.commit()
    private, school_only, shared = (video_row(host, title=title, visibility=visibility)
                                    for title, visibility in ((PRIVATE_TITLE, "private"),
                                                              (SCHOOL_TITLE, "school"),
                                                              (DISTRICT_TITLE, "district")))
    slot = create_slots(host, {"starts_at": local_start(north), "duration_min": 45,
                               "capacity": 3, "room": "12", "focus": "Stations",
                               "repeat_weekly": 0,
                               "video_ids": [private.id, school_only.id, shared.id]})[0]
    app.test_client_class = FreshContextClient
    client = app.test_client()
    detail = client.get(f"/api/v1/visit-slots/{slot.id}",
                        headers=token_for(client, visitor)).get_json()
    assert detail["video_ids"] == [shared.id]
    own = client.get(f"/api/v1/visit-slots/{slot.id}", headers=token_for(client, host)).get_json()
    assert sorted(own["video_ids"]) == sorted([private.id, school_only.id, shared.id])


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_linked_videos_follow_the_visibility_rule_on_both_databases(request, tmp_path, database):
    if database == "sqlite":
        _linked_videos_seen_through_the_api(request.getfixturevalue("app"))
        return
    with migrated_postgres_app(tmp_path / "pg") as app:
        _linked_videos_seen_through_the_api(app)

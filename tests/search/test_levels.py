"""Searching by level (getting started, refining, advanced) on both backends: the filter, the
facet, the API argument, the page, and the index kept up to date when a level changes."""
from __future__ import annotations

from pathlib import Path

import pytest

from mastery_share.extensions import db
from mastery_share.search.backend import LEVELS, SearchFilters
from mastery_share.search.services import REBUILDING_NOTICE, search_videos
from mastery_share.search.whoosh.store import VERSION_FILE
from mastery_share.videos.models import PracticeLevel
from mastery_share.videos.services import update_video
from tests.conftest import bearer_headers, sign_in
from tests.search.conftest import unmarked, whoosh_only


def titles(found) -> set[str]:
    return {item.video.title for item in found.items}


def test_the_index_knows_every_level_a_video_can_have():
    # search/ keeps its own copy (it imports no models): the two lists must not drift apart.
    assert LEVELS == tuple(level.value for level in PracticeLevel)


@pytest.fixture
def leveled(ready_video, teacher, make_user, other_school):
    """One video at each level, their levels set through the real edit service (which queues
    the reindex), and one the teacher may not watch."""
    ready_video(teacher, title="First tries with groups")
    refining = ready_video(teacher, title="Tuning the groups")
    update_video(teacher, refining.id, {"level": "refining"})
    advanced = ready_video(teacher, title="Groups that run themselves")
    update_video(teacher, advanced.id, {"level": "advanced"})
    stranger = make_user("teacher", school_=other_school)
    hidden = ready_video(stranger, title="Secret advanced groups", visibility="school")
    update_video(stranger, hidden.id, {"level": "advanced"})


def test_the_level_filter_keeps_only_that_level(teacher, leveled):
    found = search_videos(teacher, "groups", SearchFilters(level="refining"))
    assert titles(found) == {"Tuning the groups"} and found.total == 1
    assert titles(search_videos(teacher, "", SearchFilters(level="advanced"))) == {
        "Groups that run themselves"}


def test_the_level_facet_counts_only_videos_the_viewer_may_watch(teacher, leveled):
    found = search_videos(teacher, "groups")
    assert found.facets["level"] == {"getting_started": 1, "refining": 1, "advanced": 1}


def test_changing_a_videos_level_reindexes_it(ready_video, teacher):
    video = ready_video(teacher, title="Exit tickets")
    assert search_videos(teacher, "exit", SearchFilters(level="advanced")).total == 0
    update_video(teacher, video.id, {"level": "advanced"})
    assert titles(search_videos(teacher, "exit", SearchFilters(level="advanced"))) == {
        "Exit tickets"}
    assert search_videos(teacher, "exit", SearchFilters(level="getting_started")).total == 0


def test_the_api_filters_and_counts_by_level_and_refuses_an_unknown_one(
        client, teacher, leveled):
    headers = bearer_headers(client, teacher)
    body = client.get("/api/v1/search", query_string={"q": "groups", "level": "advanced"},
                      headers=headers).get_json()
    assert [result["video"]["title"] for result in body["results"]] == [
        "Groups that run themselves"]
    assert body["facets"]["level"] == {"advanced": 1}
    refused = client.get("/api/v1/search", query_string={"level": "expert"}, headers=headers)
    assert refused.status_code == 422
    assert "level" in refused.get_json()["error"]["fields"]


def test_the_page_shows_the_level_facet_and_keeps_it_when_searching_again(
        client, teacher, leveled):
    sign_in(client, teacher)
    page = client.get("/search?q=groups").get_data(as_text=True)
    assert 'id="facet-level"' in page and "Refining" in page and "Advanced" in page
    narrowed = unmarked(client.get("/search?q=groups&level=refining").get_data(as_text=True))
    assert "Tuning the groups" in narrowed and "Groups that run themselves" not in narrowed
    assert 'aria-current="true"' in narrowed  # the chosen level, selected
    assert '<input type="hidden" name="level" value="refining">' in narrowed
    assert "Secret advanced groups" not in page + narrowed


@whoosh_only
def test_an_index_written_before_levels_existed_is_rebuilt_with_them(app, ready_video, teacher):
    video = ready_video(teacher, title="Jigsaw reading")
    video.level = "refining"  # changed behind the index's back, as before levels existed
    db.session.commit()
    root = Path(app.config["DATA_DIR"]) / "search"
    (root / (root / "CURRENT").read_text() / VERSION_FILE).unlink()
    first = search_videos(teacher, "jigsaw")
    assert first.notices == [REBUILDING_NOTICE]
    assert titles(search_videos(teacher, "jigsaw", SearchFilters(level="refining"))) == {
        "Jigsaw reading"}

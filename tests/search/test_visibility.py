"""A search never shows, counts, or suggests from a video the viewer may not watch."""
from __future__ import annotations

import pytest

from mastery_share.search.services import search_videos
from tests.search.conftest import EXPECTED

VISIBILITIES = ["private", "school", "district", "network"]


@pytest.fixture
def hidden_word_video(ready_video, people):
    """make(visibility): a video by `owner` whose words appear in no other video."""

    def make(visibility: str):
        return ready_video(people["owner"], title=f"Porcupine quillwork ({visibility})",
                           description="Beadwork and quillwork with a local artist.",
                           practices=["collective-efficacy"], grade_band="9-12",
                           subject="Arts", visibility=visibility,
                           captions=[(12, "Today we try quillwork together")])

    return make


@pytest.fixture
def everyone_sees(ready_video, people):
    """A network video, so no viewer ever searches an empty index."""
    return ready_video(people["same_school"], title="Number talks", visibility="network",
                       practices=["differentiation"], subject="Math")


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_results_and_totals_hold_only_videos_the_viewer_may_watch(
        hidden_word_video, everyone_sees, people, visibility):
    video = hidden_word_video(visibility)
    for name, viewer in people.items():
        found = search_videos(viewer, "quillwork")
        allowed = name in EXPECTED[visibility]
        assert [item.video.id for item in found.items] == ([video.id] if allowed else []), name
        assert found.total == int(allowed), name
        hits = [hit.start_s for item in found.items for hit in item.caption_hits]
        assert hits == ([12.0] if allowed else []), name


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_facets_count_only_videos_the_viewer_may_watch(
        hidden_word_video, everyone_sees, people, visibility):
    hidden_word_video(visibility)
    for name, viewer in people.items():
        allowed = name in EXPECTED[visibility]
        facets = search_videos(viewer, "").facets
        assert facets["practice"].get("collective-efficacy", 0) == int(allowed), name
        assert facets["subject"].get("Arts", 0) == int(allowed), name
        assert facets["grade_band"].get("9-12", 0) == int(allowed), name
        assert sum(facets["school"].values()) == 1 + int(allowed), name
        assert facets["practice"]["differentiation"] == 1, name


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_suggestions_never_come_from_a_video_the_viewer_may_not_watch(
        hidden_word_video, everyone_sees, people, visibility):
    hidden_word_video(visibility)
    for name, viewer in people.items():
        found = search_videos(viewer, "quilwork")
        allowed = name in EXPECTED[visibility]
        assert found.suggestion == ("quillwork" if allowed else None), name
        assert found.total == 0


def test_a_word_only_in_another_teachers_private_video_is_never_suggested(
        ready_video, people):
    ready_video(people["owner"], title="Porcupine quillwork", visibility="private")
    ready_video(people["owner"], title="Quiltwork circles", visibility="district")
    viewer = people["other_school"]
    # Both words are one edit away; only the one in a video the viewer may watch is offered.
    assert search_videos(viewer, "quilwork").suggestion == "quiltwork"
    assert search_videos(viewer, "quillwork").total == 0
    assert search_videos(people["owner"], "quilwork").suggestion == "quillwork"


def test_internal_field_names_do_not_widen_what_a_viewer_sees(
        hidden_word_video, everyone_sees, people):
    hidden_word_video("private")
    viewer = people["same_school"]
    for text in ("visibility:private", "kind:video quillwork", "owner_id:1", "*:*",
                 "quillwork OR *"):
        found = search_videos(viewer, text)
        assert all("quillwork" not in item.video.title.lower() for item in found.items), text


def test_a_viewer_who_may_watch_nothing_finds_and_counts_nothing(ready_video, people):
    ready_video(people["owner"], title="Porcupine quillwork", visibility="private")
    ready_video(people["owner"], title="Quiltwork circles", visibility="district")
    for text in ("", "quillwork", "quilwork", "*:*"):
        found = search_videos(people["other_district"], text)
        assert (found.total, found.items, found.suggestion) == (0, [], None), text
        assert all(counts == {} for counts in found.facets.values()), text

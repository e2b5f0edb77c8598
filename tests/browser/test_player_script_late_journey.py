"""A start position holds even when the page's script runs after the player has loaded.

On a busy machine the video's metadata can arrive before the page's module script runs: a
script that only listens for `loadedmetadata` then never hears it, and the player stays at
0:00 (issue 11, hole 12: the transcript's deep-linked line was never marked current). The
script's response is held here until the player has its metadata, which is that order made
certain; everything else is real.
"""
from __future__ import annotations

import pytest

from mastery_share.collections.curation import create_collection
from mastery_share.collections.items import add_item
from tests.browser.conftest import sign_in_page
from tests.videos.conftest import clips, share  # noqa: F401  (the real pipeline)

pytestmark = pytest.mark.browser


def open_with_script_after_metadata(page, path: str, script: str, player: str) -> None:
    """Open `path`, holding static/js/`script` until the `player` video has its metadata."""
    held = []
    pattern = f"**/static/js/{script}*"
    page.route(pattern, lambda route: held.append(route))
    with page.expect_request(pattern):
        page.goto(path, wait_until="commit")
    page.wait_for_function(
        "id => { const v = document.getElementById(id); return v && v.readyState >= 1; }",
        arg=player)
    assert held, f"{script} was not held: the test proves nothing"
    held[0].continue_()
    page.unroute(pattern)


def current_time(page, player: str) -> float:
    return page.evaluate("id => document.getElementById(id).currentTime", player)


def test_a_deep_link_starts_at_its_moment_when_the_player_loaded_before_the_script(
        page, teacher, share, clips):  # noqa: F811
    video = share(teacher, clips.short)
    sign_in_page(page, teacher)
    open_with_script_after_metadata(page, f"/videos/{video.id}?t=2", "player.js", "player")
    page.wait_for_function("() => document.getElementById('player').currentTime >= 2")
    assert 2 <= current_time(page, "player") < 2.2


def test_the_clip_editor_opens_at_the_saved_start_when_the_player_loaded_before_the_script(
        page, make_user, share, clips):  # noqa: F811
    coach = make_user("coach", name="Casey Coach")
    video = share(make_user("teacher"), clips.short, visibility="district")
    collection = create_collection(coach, {"title": "Centers"})
    item = add_item(coach, collection.id, {"video_id": video.id, "start_s": 2})
    sign_in_page(page, coach)
    open_with_script_after_metadata(
        page, f"/collections/{collection.id}/items/{item.id}/edit", "clip_range.js", "clip-player")
    page.wait_for_function("() => document.getElementById('clip-player').currentTime >= 2")
    assert 2 <= current_time(page, "clip-player") < 2.2

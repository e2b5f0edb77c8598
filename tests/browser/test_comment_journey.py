"""In a browser: a teacher watches a colleague's video, asks a question at 0:04, sees the
marker appear on the timeline, and a click on the marker seeks the player back to 4 s."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_page
from tests.videos.conftest import make_clip, share  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

CURRENT_TIME = "document.getElementById('player').currentTime"


@pytest.fixture
def colleagues_video(make_user, share, tmp_path):  # noqa: F811
    owner = make_user("teacher", name="Maria Lopez")
    clip = make_clip(tmp_path / "rotation.mp4", size="640x360", seconds=10)
    video = share(owner, clip, visibility="district", title="Station rotation")
    assert video.status == "ready", video.error
    return video


def _load_whole_video(page) -> None:
    """Play the small clip through quickly, so it is buffered and its duration known (the
    markers are placed by at_s / duration), with few range requests left to abort."""
    page.evaluate("() => { const v = document.getElementById('player'); v.muted = true; "
                  "v.playbackRate = 16; return v.play(); }")
    page.wait_for_function("() => document.getElementById('player').ended")
    page.evaluate("() => { document.getElementById('player').playbackRate = 1; }")


def _seek(page, seconds: float) -> None:
    page.evaluate("at => { const v = document.getElementById('player'); v.muted = true; "
                  "v.pause(); v.currentTime = at; }", seconds)


def test_a_question_at_four_seconds_becomes_a_marker_that_seeks_there(
        page, make_user, other_school, colleagues_video, assert_accessible):
    sign_in_page(page, make_user("teacher", school_=other_school, name="Ken Ito"))
    page.goto(f"/videos/{colleagues_video.id}")
    _load_whole_video(page)
    expect(page.get_by_text("No comments yet")).to_be_visible()
    # With the script the moment follows the player; the typed m:ss field is hidden.
    expect(page.get_by_label("Moment (m:ss)")).to_be_hidden()

    _seek(page, 4)
    expect(page.locator("#comment-moment-clock")).to_have_text("0:04")
    page.get_by_label("Kind").select_option("question")
    page.get_by_label("Your comment").fill("How do you keep the <b>groups</b> on task?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment is posted")

    marker = page.get_by_role("button", name="Question at 0:04 by Ken Ito")
    expect(marker).to_be_visible()
    _load_whole_video(page)
    expect(page.locator(".comment-body")).to_have_text("How do you keep the <b>groups</b> on task?")
    assert_accessible(page)

    _seek(page, 0)
    page.wait_for_function(f"() => {CURRENT_TIME} < 0.5")
    marker.click()
    page.wait_for_function(f"() => {CURRENT_TIME} > 3.9")
    assert 3.9 <= page.evaluate(CURRENT_TIME) <= 4.3
    expect(page.locator(".comment.is-current")).to_contain_text("How do you keep")

    # The comment's own time seeks too, and without script it is a ?t= link.
    _seek(page, 0)
    page.locator(".comment-time").click()
    page.wait_for_function(f"() => {CURRENT_TIME} > 3.9")
    assert 3.9 <= page.evaluate(CURRENT_TIME) <= 4.3


def test_comments_at_the_same_second_share_one_marker_and_the_controls_are_small_buttons(
        page, make_user, other_school, colleagues_video, assert_accessible):
    from mastery_share.comments.services import post_comment

    ken = make_user("teacher", school_=other_school, name="Ken Ito")
    ana = make_user("teacher", school_=other_school, name="Ana Ruiz")
    first = post_comment(ken, colleagues_video.id, 0.0, "question", "What do you say first?")
    post_comment(ken, colleagues_video.id, 4.2, "note", "The timer goes up.")
    post_comment(ana, colleagues_video.id, 4.7, "question", "How long is each round?")
    sign_in_page(page, ken)
    page.goto(f"/videos/{colleagues_video.id}")
    _load_whole_video(page)

    # The bar is labelled by its visible caption; the two threads at 0:04 are one marker.
    timeline = page.get_by_role("group", name="Comments along the video")
    expect(page.get_by_text("Comments along the video: choose a marker")).to_be_visible()
    expect(timeline.get_by_role("button")).to_have_count(2)
    grouped = timeline.get_by_role(
        "button", name="2 comments at 0:04: Note by Ken Ito, Question by Ana Ruiz")
    expect(grouped).to_have_text("2")
    # A marker at 0:00 starts inside the bar, not past its left edge.
    start = timeline.get_by_role("button", name="Question at 0:00 by Ken Ito")
    bar, marker = timeline.bounding_box(), start.bounding_box()
    assert marker["x"] >= bar["x"] - 0.5, (marker, bar)
    grouped.click()
    page.wait_for_function(f"() => {CURRENT_TIME} > 3.9")
    expect(page.locator(".comment.is-current")).to_have_count(2)

    # Reply, Edit and Delete are small text buttons without a disclosure triangle, and open
    # from the keyboard.
    thread = page.locator(f"#comment-{first.id}")
    reply = thread.locator("summary", has_text="Reply")
    expect(reply).to_have_css("list-style-type", "none")
    expect(reply).to_have_css("display", "inline-block")
    reply.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#reply-body-{first.id}")).to_be_visible()
    assert_accessible(page)

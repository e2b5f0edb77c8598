"""A teacher shares a generated 10-second video through the page: the tus upload's progress
bar fills, the video gets processed, it plays (currentTime advances), and they sign out."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PROCESSING_TIMEOUT_MS, sign_in_page
from tests.videos.conftest import make_clip

pytestmark = pytest.mark.browser


@pytest.fixture
def ten_seconds(tmp_path):
    return make_clip(tmp_path / "centers-rotation.mp4", size="640x360", seconds=10)


def test_upload_with_progress_then_watch_it_play(page, teacher, ten_seconds, assert_accessible):
    sign_in_page(page, teacher)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Videos").click()
    page.get_by_role("link", name="Share a video").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share a video")
    assert_accessible(page)

    page.get_by_label(re.compile("Drop your video here")).set_input_files(str(ten_seconds))
    progress = page.locator("#upload-bar")
    expect(progress).to_be_visible()
    # The details are filled in while the bytes travel.
    page.get_by_label("Title").fill("Center rotations with a must-do board")
    page.get_by_label("What problem it solved and how to try it").fill(
        "Students kept asking what to do next; the board answers for them.")
    page.get_by_label("Flexible grouping").check()
    page.get_by_label("Center-time accountability").check()
    page.get_by_label("Grade band").select_option("3-5")
    page.get_by_label("Subject").select_option("Math")
    page.get_by_label("Who can watch").select_option("district")
    page.get_by_label("Media releases on file").select_option("district")
    expect(page.locator("#upload-detail")).to_have_text("Upload complete.")
    expect(progress).to_have_attribute("value", "100")
    expect(page.locator("#upload-percent")).to_have_text("100%")
    assert page.locator("#upload_id").input_value()
    assert_accessible(page)

    # The answer comes once the video is processed (Huey runs the job in the request here).
    page.get_by_role("button", name="Share the video").click()
    page.wait_for_url(re.compile(r"/videos/\d+"), timeout=PROCESSING_TIMEOUT_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Center rotations with a must-do board")
    expect(page.get_by_role("status")).to_contain_text("Your video is uploaded")
    player = page.locator("video#player")
    expect(player).to_be_visible()
    assert_accessible(page)

    page.evaluate("() => { const v = document.getElementById('player'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.getElementById('player').currentTime > 1")
    duration = page.evaluate("() => document.getElementById('player').duration")
    assert 9 < duration < 11

    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))

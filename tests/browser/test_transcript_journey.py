"""In a browser: the transcript follows the video, a click seeks, search highlights, and a
?t= deep link starts at the right line. Runs with the browser tests (Debian's Chromium)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_page
from tests.transcripts.conftest import speech_clips, transcribed  # noqa: F401  (fixtures)
from tests.videos.conftest import share  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_transcript_lines_seek_highlight_and_search(page, make_user, transcribed,  # noqa: F811
                                                     assert_accessible):
    sign_in_page(page, make_user("teacher"))
    page.goto(f"/videos/{transcribed.id}?t=2.5")
    cues = page.locator(".transcript-cue")
    expect(cues).to_have_count(3)
    expect(page.get_by_text("Auto-generated, not yet reviewed")).to_be_visible()
    # The deep link starts the player inside the second line, which is marked current.
    expect(cues.nth(1)).to_have_attribute("aria-current", "true")
    assert_accessible(page)

    # A click seeks there and plays. The line is current only while the player is inside it
    # (1.5 s of speech), a window a busy machine can miss: the player stops where the seek
    # lands, so the state checked holds until it is checked.
    page.wait_for_function("() => !document.getElementById('player').seeking")
    page.evaluate("() => document.getElementById('player').addEventListener("
                  "'seeked', event => event.target.pause(), {once: true})")
    cues.nth(2).click()
    expect(cues.nth(2)).to_have_attribute("aria-current", "true")
    assert 3.5 <= page.evaluate("document.getElementById('player').currentTime") < 5
    expect(cues.nth(1)).not_to_have_attribute("aria-current", "true")

    page.get_by_label("Search the transcript").fill("GOALS")
    expect(page.locator(".transcript-cue mark")).to_have_count(1)
    expect(page.locator(".transcript-cue mark")).to_have_text("goals")
    expect(page.locator("#transcript-search-status")).to_have_text("1 match")
    page.get_by_label("Search the transcript").fill("")
    expect(page.locator(".transcript-cue mark")).to_have_count(0)


def test_owner_corrects_a_line_in_the_editor(page, teacher, transcribed,  # noqa: F811
                                             assert_accessible):
    sign_in_page(page, teacher)
    page.goto(f"/videos/{transcribed.id}")
    expect(page.locator("#transcript-status")).to_contain_text("Made automatically")
    assert_accessible(page)
    page.get_by_role("link", name="Review the captions").click()
    assert_accessible(page)
    page.get_by_label("Line 3, 0:03 – 0:05").fill("Then they adjust their plan.")
    page.get_by_role("button", name="Save and mark as reviewed").click()
    expect(page.get_by_role("status")).to_contain_text("Saved 1 corrected cue")
    expect(page.get_by_role("status")).to_contain_text("marked as reviewed")
    expect(page.locator(".transcript-cue").nth(2)).to_contain_text("Then they adjust their plan.")
    expect(page.locator("#captions-review-state")).to_contain_text("Reviewed")
    expect(page.locator("#player track")).not_to_have_attribute("label", re.compile("not yet"))

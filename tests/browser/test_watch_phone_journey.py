"""The watch page on a phone and a short laptop screen: the player stays in view while the
page scrolls, the transcript and "See it live" come before the comment form, and tapping a
transcript line never plays a video nobody can see."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_page
from tests.transcripts.conftest import speech_clips, transcribed  # noqa: F401  (fixtures)
from tests.videos.conftest import share  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

IN_VIEW = """() => { const box = document.getElementById('player').getBoundingClientRect();
  return box.top >= -1 && box.bottom <= window.innerHeight + 1 && box.height > 50; }"""


def _top(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def test_on_a_phone_the_player_stays_on_top_and_the_transcript_comes_first(
        make_page, make_user, transcribed, assert_accessible):  # noqa: F811
    page = make_page({"width": 390, "height": 844})
    sign_in_page(page, make_user("teacher"))
    page.goto(f"/videos/{transcribed.id}")
    expect(page.locator(".transcript-cue")).to_have_count(3)
    assert_accessible(page)
    comment_form = "#comment-form"
    assert _top(page, "#player") < _top(page, ".transcript-cue")
    assert _top(page, ".transcript-cue") < _top(page, "#live-heading") < _top(page, comment_form)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    # Scrolled down to the comments, the player is still on the screen.
    page.locator(comment_form).first.scroll_into_view_if_needed()
    page.wait_for_function("() => window.scrollY > 0")
    page.wait_for_function(IN_VIEW)
    page.locator(".transcript-cue").nth(2).click()
    page.wait_for_function(IN_VIEW)
    page.wait_for_function("() => document.getElementById('player').currentTime >= 3.5")


def test_on_a_short_laptop_screen_a_tapped_line_brings_the_player_into_view(
        make_page, make_user, transcribed):  # noqa: F811
    page = make_page({"width": 1280, "height": 420})
    sign_in_page(page, make_user("teacher"))
    page.goto(f"/videos/{transcribed.id}")
    cue = page.locator(".transcript-cue").nth(1)
    page.evaluate("() => window.scrollTo(0, document.getElementById('player')"
                  ".getBoundingClientRect().bottom + window.scrollY)")
    page.wait_for_function(f"() => !({IN_VIEW})()")  # the player is scrolled away
    cue.click()
    page.wait_for_function(IN_VIEW)
    page.wait_for_function("() => document.getElementById('player').currentTime >= 2")

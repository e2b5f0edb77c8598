"""In a browser: a search finds a word in uploaded captions and its moment link starts the
player at that cue's own time, to the tenth of a second (a cue at 00:00:03.500 plays from 3.5 s,
not 3 s)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mastery_share.videos.services import create_video
from tests.conftest import PASSWORD
from tests.transcripts.conftest import speech_clips  # noqa: F401  (fixture)
from tests.videos.conftest import DETAILS

pytestmark = pytest.mark.browser

CAPTIONS = (b"WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nGood morning, groups.\n\n"
            b"00:00:03.500 --> 00:00:05.000\nExit tickets show me who needs help.\n")


def test_a_caption_hit_plays_from_its_cue_to_the_tenth_of_a_second(
        page, make_user, teacher, speech_clips, tmp_path, assert_accessible):  # noqa: F811
    source = tmp_path / "lesson.mp4"
    source.write_bytes(speech_clips.speech.read_bytes())
    video = create_video(teacher, {**DETAILS, "title": "Exit tickets at the door"},
                         source=source, filename="lesson.mp4",
                         captions=("mine.vtt", CAPTIONS))
    viewer = make_user("teacher")
    page.goto("/sign-in")
    page.get_by_label("Email").fill(viewer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome back")

    page.goto("/search?q=tickets")
    hit = page.locator("a.caption-hit")
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text("0:03")
    assert hit.get_attribute("href") == f"/videos/{video.id}?t=3.5"
    assert_accessible(page)

    hit.click()
    page.wait_for_url(f"**/videos/{video.id}?t=3.5")
    # The player seeks to the moment once it knows the video's length; wait for that state.
    page.wait_for_function("() => { const p = document.getElementById('player');"
                           " return p.readyState >= 1 && !p.seeking && p.currentTime > 0; }")
    at = page.evaluate("document.getElementById('player').currentTime")
    assert 3.5 <= at < 3.7, at

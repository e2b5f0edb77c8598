"""Every moment lands on the word: caption cue times to the millisecond in the index, the
API and the links, and a hit inside a cue with word times points at the word itself."""
from __future__ import annotations

import re

import pytest

from mastery_share.search.moments import first_marked_word, moment_of
from tests.conftest import sign_in
from tests.search.conftest import marks
from tests.search.test_search_pages_and_api import api_search, token  # noqa: F401

TIMED_VTT = (b"WEBVTT\n\n"
             b"00:00:03.500 --> 00:00:05.000\nWe use exit tickets daily\n\n"
             b"00:00:10.250 --> 00:00:16.000\nFirst the class reads, "
             b"<00:00:12.400>then <00:00:13.150>everyone <00:00:14.020>regroups quietly\n")


@pytest.mark.parametrize(("marked", "index"), [
    ("no mark at all", None),
    ("<mark>first</mark> word", 0),
    ("one two <mark>three</mark>", 2),
    ("(<mark>group</mark>s) here", 0),  # a mark inside a word belongs to that word
    ("a &lt;b&gt; <mark>c</mark>", 2),  # entities are one character of a word
    ("one<mark>two</mark> three", 0),
    ("  <mark>x</mark>", 0),
])
def test_the_first_marked_word_is_counted_as_the_words_of_the_text(marked, index):
    assert first_marked_word(marked) == index


def test_a_moment_is_the_marked_word_s_own_time_or_the_cue_s_start():
    starts = (10.25, 12.4, 13.15, 14.02, 14.02)
    assert moment_of(10.25, "First the <mark>class</mark> reads", starts) == 13.15
    assert moment_of(10.25, "no marks", starts) == 10.25
    assert moment_of(10.25, "<mark>word</mark>", ()) == 10.25  # no word times: the cue
    assert moment_of(3.5, "a b c d e f <mark>g</mark>", (3.5, 4.0)) == 3.5  # beyond the times


def test_a_cue_at_three_and_a_half_seconds_is_found_there_in_the_api_and_the_link(
        client, teacher, token, ready_video):  # noqa: F811
    video = ready_video(teacher, title="Checks at the door")
    from mastery_share.videos.services import replace_captions
    replace_captions(teacher, video.id, "timed.vtt", TIMED_VTT)

    hit = api_search(client, token, q="tickets").get_json()["results"][0]["caption_hits"][0]
    assert hit["start_s"] == 3.5
    sign_in(client, teacher)
    page = client.get("/search?q=tickets").get_data(as_text=True)
    assert f'href="/videos/{video.id}?t=3.5">0:03 — We use exit <mark>tickets</mark>' in marks(
        page)
    watch = client.get(f"/videos/{video.id}?t=3.5").get_data(as_text=True)
    assert 'data-start="3.5"' in watch


def test_a_word_with_its_own_time_is_found_at_that_time_not_at_its_cue(
        client, teacher, token, ready_video):  # noqa: F811
    video = ready_video(teacher, title="Moving between tables")
    from mastery_share.videos.services import replace_captions
    replace_captions(teacher, video.id, "timed.vtt", TIMED_VTT)

    def moment(q):
        [result] = api_search(client, token, q=q).get_json()["results"]
        return result["caption_hits"][0]

    regroups = moment("regroups")
    assert regroups["start_s"] == 14.02
    assert regroups["text"] == "First the class reads, then everyone regroups quietly"
    assert "<00:" not in regroups["html"] and "&lt;00" not in regroups["html"]
    assert moment("reads")["start_s"] == 10.25  # the words before the first tag: the cue's
    assert moment('"everyone regroups"')["start_s"] == 13.15  # a phrase: its first word
    sign_in(client, teacher)
    page = client.get("/search?q=everyone").get_data(as_text=True)
    assert re.search(rf'href="/videos/{video.id}\?t=13\.15">0:13 — ', page)

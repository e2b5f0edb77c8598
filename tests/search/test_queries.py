"""What a search finds: stemming, phrases, prefixes, named fields, snippets, order, pages."""
from __future__ import annotations

import html

import pytest

from mastery_share.search.backend import SearchFilters
from mastery_share.search.services import search_videos
from tests.search.conftest import marks, unmarked, written_in_vtt


def titles(found) -> list[str]:
    return [item.video.title for item in found.items]


@pytest.fixture
def library(ready_video, teacher, make_user, other_school):
    """A handful of videos by two teachers in two schools."""
    garcia = make_user("teacher", school_=other_school, name="Maria Garcia")
    return {
        "groups": ready_video(teacher, title="Small groups at the carpet",
                              description="Groups change every week with the data.",
                              practices=["flexible-grouping"], grade_band="K-2",
                              subject="English language arts"),
        "goals": ready_video(teacher, title="Goal charts",
                             description="Learners plan, learn, check and adjust.",
                             practices=["goal-setting"], grade_band="6-8", subject="Math"),
        "tiers": ready_video(garcia, title="Three tiers of the same task",
                             description="Differentiated tasks for one objective.",
                             practices=["differentiation"], grade_band="3-5",
                             subject="Science"),
        "exit": ready_video(garcia, title="Closing the lesson",
                            description="We check understanding with exit tickets.",
                            practices=["data-driven-instruction"], grade_band="9-12",
                            subject="Math"),
    }


def test_english_stemming_finds_groups_when_searching_grouping(library, teacher):
    found = search_videos(teacher, "grouping")
    assert "Small groups at the carpet" in titles(found)
    assert found.items[0].video.id == library["groups"].id


def test_a_quoted_phrase_matches_only_the_words_in_that_order(library, teacher):
    assert titles(search_videos(teacher, '"exit tickets"')) == ["Closing the lesson"]
    assert titles(search_videos(teacher, '"tickets exit"')) == []


def test_a_prefix_matches_word_beginnings(library, teacher):
    assert set(titles(search_videos(teacher, "differ*"))) == {"Three tiers of the same task"}
    assert "Small groups at the carpet" in titles(search_videos(teacher, "carp*"))


def test_named_fields_search_only_that_field(library, teacher):
    assert titles(search_videos(teacher, "practice:goal-setting")) == ["Goal charts"]
    assert titles(search_videos(teacher, "practice:differentiation")) == [
        "Three tiers of the same task"]
    assert set(titles(search_videos(teacher, "school:south"))) == {
        "Three tiers of the same task", "Closing the lesson"}
    assert set(titles(search_videos(teacher, "teacher:garcia"))) == {
        "Three tiers of the same task", "Closing the lesson"}
    assert titles(search_videos(teacher, "grade:k-2")) == ["Small groups at the carpet"]
    assert titles(search_videos(teacher, "subject:science")) == ["Three tiers of the same task"]


def test_title_description_and_said_search_only_that_text(ready_video, teacher):
    ready_video(teacher, title="Partner reading", description="Pairs read aloud.",
                captions=[(9, "Now find a partner for the jigsaw")])
    ready_video(teacher, title="Jigsaw groups", description="Experts teach their partner.")
    assert titles(search_videos(teacher, "title:jigsaw")) == ["Jigsaw groups"]
    assert titles(search_videos(teacher, "said:jigsaw")) == ["Partner reading"]
    assert titles(search_videos(teacher, "description:partner")) == ["Jigsaw groups"]
    found = search_videos(teacher, 'said:"find a partner"')
    assert [hit.start_s for hit in found.items[0].caption_hits] == [9.0]


def test_internal_fields_cannot_be_named(library, teacher):
    found = search_videos(teacher, "visibility:private")
    assert found.total == 0


def test_snippets_mark_the_matched_words_and_escape_the_text(ready_video, teacher):
    ready_video(teacher, title="<script>alert(1)</script> Grouping & more",
                description="Kids <b>group</b> themselves")
    found = search_videos(teacher, "grouping")
    highlights = found.items[0].highlights
    assert "<script>" not in highlights["title"]
    assert "&lt;script&gt;" in highlights["title"]
    assert "<mark" in highlights["title"] and "Grouping</mark>" in highlights["title"]
    assert "&lt;b&gt;<mark" in highlights["description"]


FILLER = ("First we warm up with a short story about the weekend and the weather outside, "
          "then everyone takes out a notebook and writes the date at the top of the page. ")


def test_a_snippet_from_inside_a_long_text_starts_and_ends_with_an_ellipsis(
        ready_video, teacher):
    ready_video(teacher, title="Reading block", captions=[(3, "Good morning")],
                description=FILLER * 2 + "Then the class moves into flexible groups. " + FILLER)
    snippet = search_videos(teacher, "grouping").items[0].highlights["description"]
    assert snippet.startswith("…") and snippet.endswith("…")
    assert marks(snippet).count("<mark>groups</mark>") == 1
    inner = unmarked(snippet).strip("… ")
    assert inner in html.escape(FILLER * 2 + "Then the class moves into flexible groups. " + FILLER)


def test_a_snippet_that_begins_the_text_has_an_ellipsis_only_where_it_was_cut(
        ready_video, teacher):
    ready_video(teacher, title="Reading block", description="Groups first. " + FILLER * 3)
    snippet = search_videos(teacher, "grouping").items[0].highlights["description"]
    assert marks(snippet).startswith("<mark>Groups</mark> first.")
    assert snippet.endswith("…")


def test_a_snippet_of_two_passages_is_joined_by_an_ellipsis_and_shows_both_ends(
        ready_video, teacher):
    description = "Groups first. " + FILLER * 3 + "And at the end, groups again."
    ready_video(teacher, title="Reading block", description=description)
    snippet = search_videos(teacher, "grouping").items[0].highlights["description"]
    assert marks(snippet).startswith("<mark>Groups</mark> first.")
    assert marks(snippet).endswith("<mark>groups</mark> again.")
    assert " … " in snippet


def test_a_snippet_that_is_the_whole_text_has_no_ellipsis(ready_video, teacher):
    description = '"Groups," she said, <b>twice</b> & smiling.'
    ready_video(teacher, title="Groups <at> the carpet", description=description)
    highlights = search_videos(teacher, "grouping").items[0].highlights
    assert unmarked(highlights["description"]) == html.escape(description)
    assert unmarked(highlights["title"]) == html.escape("Groups <at> the carpet")
    assert "…" not in highlights["description"] + highlights["title"]


def test_caption_moments_mark_the_searched_words_in_any_of_their_forms(ready_video, teacher):
    ready_video(teacher, title="Reading block",
                captions=[(5, "Now get into your groups of four"), (9, "Take out a pencil"),
                          (14, "Grouping by interest, not by level")])
    hits = search_videos(teacher, "grouping").items[0].caption_hits
    assert [(hit.start_s, hit.text, marks(hit.html)) for hit in hits] == [
        (5.0, "Now get into your groups of four", "Now get into your <mark>groups</mark> of four"),
        (14.0, "Grouping by interest, not by level",
         "<mark>Grouping</mark> by interest, not by level")]


def test_caption_moments_mark_every_word_of_a_phrase_and_of_a_prefix(ready_video, teacher):
    ready_video(teacher, title="Closing", captions=[(7, "Exit tickets tell me who needs help"),
                                                    (30, "Differentiate the exit task")])
    hits = search_videos(teacher, 'said:"exit tickets"').items[0].caption_hits
    assert [marks(hit.html) for hit in hits] == [
        "<mark>Exit</mark> <mark>tickets</mark> tell me who needs help"]
    hits = search_videos(teacher, "said:differ*").items[0].caption_hits
    assert [marks(hit.html) for hit in hits] == ["<mark>Differentiate</mark> the exit task"]


def test_caption_moments_are_escaped_so_a_caption_cannot_inject_markup(ready_video, teacher):
    said = '<script>alert("groups")</script> & <b>groups</b>'
    ready_video(teacher, title="Odd captions", captions=[(3, written_in_vtt(said))])
    hit = search_videos(teacher, "groups").items[0].caption_hits[0]
    assert hit.text == said
    assert "<script" not in hit.html and "<b>" not in hit.html
    assert unmarked(hit.html) == html.escape(said)
    assert marks(hit.html).count("<mark>groups</mark>") == 2


def test_filters_narrow_results_and_facets_count_what_is_found(library, teacher, school):
    found = search_videos(teacher, "")
    assert found.total == 4
    assert found.facets["subject"] == {"Math": 2, "English language arts": 1, "Science": 1}
    assert found.facets["practice"]["goal-setting"] == 1
    assert found.facets["school"][str(school.id)] == 2
    assert found.facets["grade_band"]["K-2"] == 1
    maths = search_videos(teacher, "", SearchFilters(subject="Math"))
    assert set(titles(maths)) == {"Goal charts", "Closing the lesson"}
    assert maths.facets["subject"] == {"Math": 2}
    assert titles(search_videos(teacher, "", SearchFilters(practice="differentiation"))) == [
        "Three tiers of the same task"]
    assert titles(search_videos(teacher, "", SearchFilters(school_id=school.id,
                                                          grade_band="6-8"))) == ["Goal charts"]


def test_newest_first_sort_orders_by_upload_time(ready_video, teacher):
    ready_video(teacher, title="Rotation stations old", minutes_ago=300)
    ready_video(teacher, title="Rotation stations newest", minutes_ago=1)
    ready_video(teacher, title="Rotation stations middle", minutes_ago=100)
    found = search_videos(teacher, "rotation", sort="newest")
    assert titles(found) == ["Rotation stations newest", "Rotation stations middle",
                             "Rotation stations old"]
    assert all(item.score > 0 for item in found.items)


def test_relevance_puts_title_matches_first(ready_video, teacher):
    ready_video(teacher, title="Morning meeting", description="Then we move to stations.")
    ready_video(teacher, title="Stations rotation")
    assert titles(search_videos(teacher, "stations"))[0] == "Stations rotation"


def test_pages_split_the_results_and_the_total_counts_them_all(ready_video, teacher):
    for number in range(7):
        ready_video(teacher, title=f"Conferring clip {number}")
    first = search_videos(teacher, "conferring", page=1, per_page=3)
    third = search_videos(teacher, "conferring", page=3, per_page=3)
    beyond = search_videos(teacher, "conferring", page=9, per_page=3)
    assert (first.total, third.total, beyond.total) == (7, 7, 7)
    assert (len(first.items), len(third.items), len(beyond.items)) == (3, 1, 0)
    assert first.pages == 3
    seen = {item.video.id for page in (1, 2, 3)
            for item in search_videos(teacher, "conferring", page=page, per_page=3).items}
    assert len(seen) == 7


def test_a_misspelt_query_suggests_the_right_word(library, teacher):
    found = search_videos(teacher, "diferentiated")
    assert found.total == 0
    assert found.suggestion == "differentiated"
    assert search_videos(teacher, "practice:goal chartz").suggestion == "practice:goal charts"
    assert search_videos(teacher, "grouping").suggestion is None


@pytest.mark.parametrize("text", [
    '"unbalanced quote', "AND OR NOT", "(((", ")))", "title:", ":", "*", "?", "a" * 5000,
    "école 数学 🍎", "NOT", "practice:", '"', "''", "-", "+", "~", "^", "\\", "[a TO",
    "{x TO y}", "grouping^99999999999999999999", "owner_id:1", "a*b*c*d*e", "((((((((((((a))))))))))))",
    "\x00", "title:(a OR", "*:*", "a" * 400 + " OR " + "(" * 100,
    # Whoosh's parser raised on these (IndexError, AssertionError; a phrase on a keyword).
    "NOT ANDNOT x", "AND ANDMAYBE ANDMAYBE the}}groups _ >>NOT? ^+grade:^", 'grade:"k 2"',
    "'it''s' <-> :* & | !",
])
def test_odd_queries_get_results_or_a_notice_never_an_error(library, teacher, text):
    found = search_videos(teacher, text)
    assert found.total >= 0
    assert isinstance(found.notices, list)


def test_text_the_parser_cannot_use_falls_back_to_plain_words_with_a_notice(library, teacher):
    found = search_videos(teacher, "(" * 40 + "groups")
    assert "Small groups at the carpet" in titles(found)
    assert any("plain words" in notice for notice in found.notices)


def test_very_long_text_is_cut_with_a_notice(library, teacher):
    found = search_videos(teacher, "groups " * 1000)
    assert any("first 500 characters" in notice for notice in found.notices)
    assert "Small groups at the carpet" in titles(found)


def test_facets_count_each_practice_of_a_video_and_only_what_the_words_found(
        ready_video, teacher, make_user, other_school):
    ready_video(teacher, title="Stations with goal cards",
                practices=["flexible-grouping", "goal-setting"], grade_band="K-2")
    ready_video(teacher, title="Goal cards alone", practices=["goal-setting"], grade_band="3-5")
    ready_video(teacher, title="Reading stations", practices=["flexible-grouping"],
                grade_band="3-5")
    garcia = make_user("teacher", school_=other_school, name="Maria Garcia")
    ready_video(garcia, title="Private goal cards", practices=["goal-setting"],
                visibility="private")

    cards = search_videos(teacher, "cards")
    assert cards.total == 2
    assert cards.facets["practice"] == {"goal-setting": 2, "flexible-grouping": 1}
    assert cards.facets["grade_band"] == {"3-5": 1, "K-2": 1}
    assert sum(cards.facets["school"].values()) == 2
    stations = search_videos(teacher, "stations")
    assert stations.facets["practice"] == {"flexible-grouping": 2, "goal-setting": 1}
    assert stations.facets["grade_band"] == {"3-5": 1, "K-2": 1}

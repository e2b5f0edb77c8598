"""The Whoosh engine on its own (no app): one document per video with its cues stored,
visibility and facets as sets per commit, totals without scoring, hidden ids, word times.

Whoosh's innards read directly (posting blocks, analyzers) are checked here against
Whoosh's own answers, so an upgrade that changes them fails a test, not a search."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from whoosh import query as wq
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer

from mastery_share.search.backend import (
    Cue,
    SearchFilters,
    SearchRequest,
    VideoDocument,
    Viewer,
)
from mastery_share.search.whoosh.analysis import stemming_analyzer, word_analyzer
from mastery_share.search.whoosh.backend import WhooshBackend
from mastery_share.search.whoosh.docsets import PostingsCache, matching_docs
from mastery_share.search.whoosh.generation import generation_of
from mastery_share.search.whoosh.query import parse_user_query

START = datetime(2024, 9, 1, tzinfo=UTC)
TEACHER = Viewer(user_id=1, school_id=1, district_id=1, is_admin=False)
OTHER_SCHOOL = Viewer(user_id=2, school_id=2, district_id=1, is_admin=False)
ADMIN = Viewer(user_id=3, school_id=None, district_id=1, is_admin=True)


def video(video_id: int, title: str, *, said=(), visibility="district", owner_id=1,
          school_id=1, subject="Math", cues=None) -> VideoDocument:
    cues = cues or tuple(Cue(start_s=10.0 * number, text=text)
                         for number, text in enumerate(said))
    return VideoDocument(
        video_id=video_id, title=title, description="", practice_slugs=("feedback",),
        practice_names=("Feedback",), grade_band="3-5", subject=subject, school_id=school_id,
        school_name=f"School {school_id}", teacher_name="Olive Owner", visibility=visibility,
        owner_id=owner_id, district_id=1, created_at=START + timedelta(minutes=video_id),
        cues=cues)


@pytest.fixture
def engine(tmp_path):
    backend = WhooshBackend(tmp_path / "search")
    yield backend
    backend.dispose()


def ask(engine, text="", viewer=TEACHER, **options):
    return engine.query(SearchRequest(viewer=viewer, text=text, **options))


def test_hidden_ids_leave_every_total_facet_hit_caption_and_suggestion(engine):
    engine.rebuild([video(1, "Quillwork circle", said=["The quillwork needle"], subject="Arts"),
                    video(2, "Number talks", said=["Count by tens"])])
    hidden = frozenset({1})
    assert ask(engine, "quillwork").total == 1
    for text in ("quillwork", "needle", ""):
        found = ask(engine, text, hidden_ids=hidden)
        assert 1 not in [hit.video_id for hit in found.hits]
        assert "Arts" not in found.facets["subject"]
    assert ask(engine, "quillwork", hidden_ids=hidden).total == 0
    assert ask(engine, "", hidden_ids=hidden).total == 1
    assert ask(engine, "quilwork").suggestion == "quillwork"
    assert ask(engine, "quilwork", hidden_ids=hidden).suggestion is None
    assert ask(engine, "quillwork", hidden_ids=frozenset({2, 99})).total == 1


def test_caption_hits_point_at_the_first_marked_word_to_the_millisecond(engine):
    cue = Cue(start_s=61.5, text="First we share the exit ticket",
              word_starts=(61.5, 61.9, 62.2, 62.6, 62.8, 63.125))
    plain = Cue(start_s=75.25, text="An exit ticket again")
    engine.rebuild([video(1, "Closing", cues=(plain, cue))])
    hits = ask(engine, "ticket").hits[0].caption_hits
    # In time order; the word time of the first marked word, or the cue's start.
    assert [hit.start_s for hit in hits] == [63.125, 75.25]
    assert "<mark" in hits[0].html and hits[0].text == cue.text


def test_at_most_five_caption_hits_and_phrases_only_where_said_together(engine):
    said = [f"exit ticket number {number}" for number in range(8)] + ["ticket to exit"]
    engine.rebuild([video(1, "Closing", said=said)])
    hits = ask(engine, "ticket").hits[0].caption_hits
    assert [hit.start_s for hit in hits] == [0.0, 10.0, 20.0, 30.0, 40.0]
    phrase = ask(engine, '"ticket to exit"').hits[0].caption_hits
    assert [hit.text for hit in phrase] == ["ticket to exit"]


def test_visibility_sets_follow_each_commit_and_own_private_videos(engine):
    engine.rebuild([video(1, "Rotation school", visibility="school"),
                    video(2, "Rotation private", visibility="private", owner_id=1),
                    video(3, "Rotation district", visibility="district", school_id=2)])
    assert {hit.video_id for hit in ask(engine, "rotation").hits} == {1, 2, 3}
    assert {hit.video_id for hit in ask(engine, "rotation", OTHER_SCHOOL).hits} == {3}
    assert {hit.video_id for hit in ask(engine, "rotation", ADMIN).hits} == {1, 2, 3}
    engine.index_video(video(3, "Rotation district", visibility="private", school_id=2,
                             owner_id=2))
    assert {hit.video_id for hit in ask(engine, "rotation").hits} == {1, 2}
    engine.index_video(video(4, "Rotation new", visibility="district"))
    engine.remove_video(1)
    assert {hit.video_id for hit in ask(engine, "rotation").hits} == {2, 4}
    assert ask(engine, "rotation").facets["school"] == {"1": 2}


def test_a_word_of_a_newly_indexed_video_can_be_suggested(engine):
    engine.rebuild([video(1, "Number talks")])
    engine.index_video(video(2, "Porcupine quillwork"))
    assert ask(engine, "quilwork").suggestion == "quillwork"
    engine.remove_video(2)
    assert ask(engine, "quilwork").suggestion is None


def test_facets_filters_and_newest_sort_without_scoring_everything(engine):
    engine.rebuild([video(number, f"Stations {number}", subject="Math" if number % 2 else "Arts")
                    for number in range(1, 8)])
    found = ask(engine, "stations", filters=SearchFilters(subject="Arts"), sort="newest")
    assert [hit.video_id for hit in found.hits] == [6, 4, 2]
    assert found.total == 3 and found.facets["subject"] == {"Arts": 3}
    assert all(hit.score > 0 for hit in found.hits)
    paged = ask(engine, "", per_page=3, page=3)
    assert (paged.total, [hit.video_id for hit in paged.hits]) == (7, [1])


QUERIES = ["rotation", "rotation stations", '"exit ticket"', "rot*", "title:rotation",
           "rotation NOT stations", "rotation OR ticket", "said:ticket", "stat?ons",
           "rotation ANDMAYBE ticket", "grade:3-5", "ticket~"]


def test_matched_documents_are_those_whoosh_matches(engine):
    said = ["exit ticket at the door", "rotation stations", "ticket exit"]
    engine.rebuild([video(number, "Rotation" if number % 3 else "Stations",
                          said=said[: number % 4]) for number in range(1, 40)])
    # A second segment and deletions: postings read past deleted documents.
    engine.index_video(video(5, "Stations again", said=["exit ticket"]))
    engine.remove_video(7)
    with engine._searcher() as searcher:
        generation = generation_of(searcher)
        for text in QUERIES:
            q = parse_user_query(text).query
            expected = set(searcher.docs_for_query(q))
            for cache in (None, generation.postings, generation.postings):
                assert matching_docs(searcher, q, generation.live, cache) & generation.live \
                    == expected, text
        assert isinstance(generation.postings, PostingsCache)
        assert matching_docs(searcher, wq.NullQuery, generation.live) == set()


TEXTS = ["Don't e.g. U.S.A. 3.14 a*b café İstanbul straße -- the an of Groups grouping",
         "We use exit tickets every day", ""]


@pytest.mark.parametrize("fast, whoosh", [(stemming_analyzer(), StemmingAnalyzer()),
                                          (word_analyzer(3), StandardAnalyzer(minsize=3))])
def test_the_fast_analyzers_give_whooshs_tokens(fast, whoosh):
    attributes = ("text", "pos", "boost", "startchar", "endchar", "stopped")
    for text in TEXTS:
        for options in ({"positions": True, "boosts": True},
                        {"positions": True, "chars": True, "removestops": False},
                        {"chars": True, "start_char": 5, "start_pos": 3}):
            found = [[tuple(getattr(token, name, None) for name in attributes)
                      for token in analyzer(text, mode="index", **options)]
                     for analyzer in (fast, whoosh)]
            assert found[0] == found[1], (text, options)
        assert fast.words(text) == [token.text for token in whoosh(text, mode="index")]


def _library_texts() -> list[str]:
    """Transcript-like texts: common and stop words, capitals, punctuation, numbers, and a
    word near every length, from a fixed seed."""
    import random

    rng = random.Random(5)
    words = ["the", "they", "them", "grouping", "groups", "grouped", "Exit", "tickets",
             "ticket", "a", "an", "of", "is", "Maria's", "U.S.A.", "3.14", "students'", "day",
             "days,", "day.", "café", "İstanbul", "straße", "re-teach", "x", "differentiation",
             "extraordinarily-long-word-with-hyphens", "e.g.", "then", "there"]
    texts = TEXTS + [" ".join(rng.choice(words) for _ in range(rng.randint(1, 400)))
                     for _ in range(60)]
    return texts + ["grouping " * 80, "they " + "filler words here " * 30 + "they"]


def test_the_passages_cut_in_one_loop_are_whooshs(engine):
    """The highlighter's spans and passages are those of Whoosh's token chain and
    ContextFragmenter / WholeFragmenter, on texts long and short, for several word sets."""
    from whoosh import highlight

    from mastery_share.search.whoosh.highlight import (
        PASSAGE_CHARS,
        PASSAGE_CONTEXT,
        context_fragments,
        whole_fragments,
    )

    fast, whoosh = stemming_analyzer(), StemmingAnalyzer()

    def described(fragments):
        return [(fragment.startchar, fragment.endchar,
                 [(m.startchar, m.endchar, m.text) for m in fragment.matches])
                for fragment in fragments]

    def whooshs(fragmenter, text, words):
        tokens = whoosh(text, positions=True, chars=True, mode="index", removestops=False)
        tokens = highlight.Highlighter._merge_matched_tokens(
            highlight.set_matched_filter(tokens, words))
        return described(fragmenter.fragment_tokens(text, tokens))

    passages = highlight.ContextFragmenter(maxchars=PASSAGE_CHARS, surround=PASSAGE_CONTEXT,
                                           charlimit=None)
    whole = highlight.WholeFragmenter(charlimit=None)
    compared = 0
    for text in _library_texts():
        spans = fast.spans(text)
        assert spans == [(token.startchar, token.endchar, token.text) for token in
                         whoosh(text, chars=True, mode="index", removestops=False)], text
        for words in ({"group"}, {"they", "ticket"}, {"the"}, {"day", "istanbul", "x"},
                      {"nothing"}):
            words = frozenset(words)
            assert described(context_fragments(text, spans, words)) == \
                whooshs(passages, text, words), (text, words)
            assert described(whole_fragments(text, spans, words)) == \
                whooshs(whole, text, words), (text, words)
            compared += 1
    assert compared == 5 * len(_library_texts())


def test_a_large_rebuild_written_by_two_processes_answers_as_one(engine, monkeypatch):
    """A rebuild past the threshold uses Whoosh's multiprocessing writer (a segment per
    process): totals, facets, caption moments, suggestions and visibility are unchanged."""
    from mastery_share.search.whoosh import backend as whoosh_backend

    monkeypatch.setattr(whoosh_backend, "MANY_DOCUMENTS", 10)
    monkeypatch.setattr(whoosh_backend, "REBUILD_PROCS", 2)
    videos = [video(number, f"Lesson {number}", said=[f"Exit tickets on day {number}"],
                    visibility="private" if number % 10 == 0 else "district", owner_id=9,
                    subject="Math" if number % 2 else "Science")
              for number in range(1, 61)]
    assert engine.rebuild(videos) == 60
    found = ask(engine, "tickets")
    assert found.total == 54  # six private videos of another teacher stay hidden
    assert found.facets["subject"] == {"Math": 30, "Science": 24}
    assert found.hits[0].caption_hits[0].start_s == 0.0
    assert ask(engine, "tikets").suggestion == "tickets"
    assert ask(engine, "tickets", viewer=ADMIN).total == 60


def _one_document_at_a_time(searcher, q, docs, cache) -> dict[int, float]:
    """The scores as defined (ranking.py), summed a posting at a time in plain Python."""
    from mastery_share.search.whoosh.ranking import K1, _scored_leaves

    scores = dict.fromkeys(docs, 0.0)
    for leaf in _scored_leaves(q):
        if isinstance(leaf, wq.Term):
            idf = searcher.idf(leaf.fieldname, leaf.text)
            ids, weights = cache.get(searcher, leaf.fieldname, leaf.text)
            for docnum, tf in zip(ids, weights):
                if docnum in scores:
                    scores[docnum] += float(leaf.boost) * idf * tf * (K1 + 1) / (tf + K1)
        else:
            for docnum in matching_docs(searcher, leaf, frozenset(docs), cache) & set(docs):
                scores[docnum] += float(leaf.boost)
    return scores


def test_ranking_is_best_first_with_equal_scores_in_index_order(engine):
    from mastery_share.search.whoosh.ranking import ranked, score_docs

    # Many videos alike (equal scores straddle every cut), a few that say the words more.
    engine.rebuild([video(number, "Stations" if number % 3 else "Stations stations rotation",
                          said=["We rotate through stations"] * (1 + number % 4))
                    for number in range(1, 121)])
    with engine._searcher() as searcher:
        generation = generation_of(searcher)
        for text in ("stations", "stations rotation", "rotat*", "stations -rotation"):
            q = parse_user_query(text).query
            matched = matching_docs(searcher, q, generation.live, generation.postings) \
                & generation.live
            expected = _one_document_at_a_time(searcher, q, matched, generation.postings)
            best_first = sorted(expected.items(), key=lambda item: (-item[1], item[0]))
            assert len({score for _, score in best_first}) < len(best_first) / 4  # ties
            for count in (1, 7, 20, 41, len(matched), len(matched) + 5):
                assert ranked(searcher, q, matched, count, generation.postings) \
                    == best_first[:count], (text, count)
            some = set(list(matched)[::7])
            assert score_docs(searcher, q, some, generation.postings) == \
                {docnum: expected[docnum] for docnum in some}

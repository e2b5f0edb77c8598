"""The statements a PostgreSQL search issues are answered through indexes: EXPLAIN of each one,
on a few thousand caption cues with statistics gathered, shows no sequential scan of
search_cues (cues are only read for a page's videos, by key), and for a search with words
none of search_documents either (at 100,000 videos a full scan is what makes a word slow)."""
from __future__ import annotations

import random
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from mastery_share.extensions import db
from mastery_share.search.backend import (
    Cue,
    SearchFilters,
    SearchRequest,
    VideoDocument,
    Viewer,
)
from mastery_share.search.engine import search_backend
from mastery_share.search.postgres import answer
from mastery_share.videos.fields import practices_by_slug
from mastery_share.videos.models import Video, VideoStatus
from tests.search.conftest import BASE_TIME

pytestmark = pytest.mark.parametrize(
    "search_kind", [pytest.param("postgres", marks=pytest.mark.postgres)])

VIDEOS, CUES_PER_VIDEO, WORDS_PER_CUE = 240, 12, 8
PRACTICES = ("flexible-grouping", "differentiation", "goal-setting")
# Made-up words, so each is in a known small share of the videos (as most words are).
WORDS = tuple(f"{first}{second}" for first in ("ba", "ko", "ri", "tu", "me", "sa", "lo")
              for second in ("ndor", "miel", "stak", "phin", "vord", "glen", "trum", "zask"))

WORD_QUERIES = (
    "bandor", "komiel rimiel", '"tuphin sastak"', "bando*", "said:lovord",
    "title:meglen", "practice:goal-setting", "teacher:olive", "description:ritrum",
    "subject:math", "kozask -bandor", "bandor OR komiel", "bandr",  # a misspelling
)


def _words(rng: random.Random, count: int) -> str:
    # Zipf-like: the first words are common, the last rare.
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    return " ".join(rng.choices(WORDS, weights, k=count))


def _documents(owner) -> list[VideoDocument]:
    rng = random.Random(13)
    documents = []
    for number in range(VIDEOS):
        prefix = f"videos/{uuid.uuid4().hex}/"
        practices = (PRACTICES[number % len(PRACTICES)],)
        video = Video(owner_id=owner.id, school_id=owner.school_id,
                      district_id=owner.district_id, title=_words(rng, 4),
                      description=_words(rng, 12), grade_band="3-5", subject="Math",
                      visibility=("district", "school", "private")[number % 3],
                      media_release=True, status=VideoStatus.READY.value, progress=100,
                      media_prefix=prefix, original_key=f"{prefix}original.mp4",
                      original_filename="lesson.mp4", original_bytes=1, duration_s=120.0,
                      created_at=BASE_TIME + timedelta(minutes=number))
        video.practices = practices_by_slug(practices)
        db.session.add(video)
        db.session.flush()
        cues = tuple(Cue(start_s=position * 5.125, text=_words(rng, WORDS_PER_CUE),
                         word_starts=tuple(position * 5.125 + at * 0.5
                                           for at in range(WORDS_PER_CUE)))
                     for position in range(CUES_PER_VIDEO))
        documents.append(VideoDocument(
            video_id=video.id, title=video.title, description=video.description,
            practice_slugs=practices, practice_names=practices, grade_band="3-5",
            subject="Math", school_id=owner.school_id, school_name="Central School",
            teacher_name=owner.name, visibility=video.visibility, owner_id=owner.id,
            district_id=owner.district_id, created_at=video.created_at, cues=cues))
    db.session.commit()
    return documents


@pytest.fixture
def indexed(app, make_user):
    owner = make_user("teacher", name="Olive Owner")
    viewer = make_user("teacher")
    backend = search_backend()
    backend.rebuild(_documents(owner))
    with backend.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return backend, Viewer(user_id=viewer.id, school_id=viewer.school_id,
                           district_id=viewer.district_id, is_admin=False)


def _statements(backend, request: SearchRequest) -> list[tuple[str, dict]]:
    """The SELECT statements one search issues, with their parameters."""
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    event.listen(backend.engine, "before_cursor_execute", capture)
    try:
        backend.query(request)
    finally:
        event.remove(backend.engine, "before_cursor_execute", capture)
    return captured


def _scans(plan: dict) -> list[tuple[str, str]]:
    """(node type, relation) of every node of a JSON plan."""
    found = [(plan["Node Type"], plan.get("Relation Name", ""))]
    for child in plan.get("Plans", ()):
        found += _scans(child)
    return found


def _plans(backend, request: SearchRequest) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each statement's plan, replayed in one transaction as the search ran them (settings
    it makes with set_config are made again, the rest explained)."""
    plans = []
    with backend.engine.connect() as connection:
        for statement, parameters in _statements(backend, request):
            if "set_config(" in statement:
                connection.exec_driver_sql(statement, parameters)
                continue
            explained = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}",
                                                   parameters).scalar()
            plans.append((statement, _scans(explained[0]["Plan"])))
    return plans


def _requests(viewer: Viewer):
    for words in WORD_QUERIES:
        yield SearchRequest(viewer=viewer, text=words)
    yield SearchRequest(viewer=viewer, text="bandor", sort="newest", page=2, per_page=5)
    yield SearchRequest(viewer=viewer, text="komiel",
                        filters=SearchFilters(practice="differentiation", level="refining"))
    yield SearchRequest(viewer=viewer, text="bandor", hidden_ids=frozenset({1, 2, 3}))


def test_no_search_reads_every_caption_cue_or_every_document(indexed):
    backend, viewer = indexed
    for request in _requests(viewer):
        for statement, scans in _plans(backend, request):
            assert ("Seq Scan", "search_cues") not in scans, (request.text, statement)
            assert ("Seq Scan", "search_documents") not in scans, (request.text, statement)


def test_a_common_word_ranks_a_pool_not_every_match_and_still_uses_indexes(
        indexed, monkeypatch):
    backend, viewer = indexed
    # The corpus is small: a pool of a few videos stands in for 200 of 100,000.
    monkeypatch.setattr(answer, "RANK_POOL", 5)
    request = SearchRequest(viewer=viewer, text="bandor", per_page=3)
    found = backend.query(request)
    assert found.total > 5 and len(found.hits) == 3
    assert [hit.score for hit in found.hits] == sorted((hit.score for hit in found.hits),
                                                       reverse=True)
    for statement, scans in _plans(backend, request):
        assert ("Seq Scan", "search_cues") not in scans, statement
        assert ("Seq Scan", "search_documents") not in scans, statement


def test_browsing_without_words_reads_no_caption_cue(indexed):
    backend, viewer = indexed
    for statement, scans in _plans(backend, SearchRequest(viewer=viewer)):
        assert ("Seq Scan", "search_cues") not in scans, statement


@pytest.mark.parametrize("words", ["bandor komiel", "bandor", "bando*", "bandor -komiel",
                                   "title:bandor", "title:bandor komiel"])
def test_a_pooled_page_is_the_best_of_the_newest_matches_and_newest_title_matches(
        indexed, monkeypatch, words):
    backend, viewer = indexed
    everything = backend.query(SearchRequest(viewer=viewer, text=words, per_page=500))
    assert everything.total > 5
    ids_of_all = {hit.video_id for hit in everything.hits}
    monkeypatch.setattr(answer, "RANK_POOL", 5)
    pooled = backend.query(SearchRequest(viewer=viewer, text=words, per_page=3))
    assert pooled.total == everything.total and pooled.facets == everything.facets
    assert len(pooled.hits) == 3 and {hit.video_id for hit in pooled.hits} <= ids_of_all
    # Ranked among a pool: the five newest matches with the words in the title (the only
    # short field these made-up words are in), and the five newest of all (newer videos
    # have higher ids here).
    newest = sorted(ids_of_all, reverse=True)[:5]
    newest_titled = sorted((hit.video_id for hit in everything.hits
                            if "title" in hit.highlights), reverse=True)[:5]
    assert {hit.video_id for hit in pooled.hits} <= set(newest) | set(newest_titled)
    by_score = sorted((hit for hit in everything.hits
                       if hit.video_id in set(newest) | set(newest_titled)),
                      key=lambda hit: (-hit.score, -hit.video_id))
    assert [hit.video_id for hit in pooled.hits] == [hit.video_id for hit in by_score[:3]]

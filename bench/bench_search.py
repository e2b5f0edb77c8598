"""Whoosh search with the index kept open (search/whoosh/readers.py) against opening it for every
query as before, on the same index in the same run; and GET /api/v1/search against the bare
GET /healthz, both through the full app.

The index: 200 ready videos of the demo district, each with 60 caption cues (about 12,000
index documents), as `flask search reindex` writes it.
"""
from __future__ import annotations

import base64
import dataclasses
import random
from datetime import UTC, datetime, timedelta

from .harness import BENCH_TEACHER, Result, median_ms, note, temporary_app, time_calls

VIDEOS = 200
CUES_PER_VIDEO = 60
QUERIES = ("grouping", '"exit tickets"', "differ*", "practice:differentiation", "said:partner",
           "math talk", "goal charts")
ROUNDS = 30  # each round runs every query once
AFTER_A_COMMIT = 30
WORDS = ("students", "groups", "grouping", "exit", "tickets", "partner", "talk", "math",
         "goal", "chart", "check", "differentiate", "share", "explain", "model", "table",
         "reading", "notebook", "evidence", "question", "think", "pair", "strategy", "feedback")


def _said(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."


def _library(rng: random.Random) -> list:
    """VIDEOS ready videos in the database and their index documents with cues."""
    from sqlalchemy import select

    from mastery_share.accounts.models import Practice, User
    from mastery_share.demo import seed_demo
    from mastery_share.extensions import db
    from mastery_share.search.backend import Cue
    from mastery_share.search.documents import video_document
    from mastery_share.videos.models import Video, VideoStatus

    seed_demo()
    owner = db.session.scalar(select(User).where(User.email == BENCH_TEACHER))
    practices = list(db.session.scalars(select(Practice)))
    start = datetime(2024, 9, 1, tzinfo=UTC)
    videos = []
    for number in range(VIDEOS):
        prefix = f"videos/bench-search-{number}/"
        video = Video(owner_id=owner.id, school_id=owner.school_id,
                      district_id=owner.district_id, title=f"{_said(rng)[:-1]} {number}",
                      description=" ".join(_said(rng) for _ in range(4)), grade_band="3-5",
                      subject="Math", visibility="district", media_release=True,
                      status=VideoStatus.READY.value, progress=100, media_prefix=prefix,
                      original_key=f"{prefix}original.mp4", original_filename="a.mp4",
                      original_bytes=1, duration_s=600.0,
                      created_at=start + timedelta(minutes=number))
        video.practices = rng.sample(practices, 2)
        videos.append(video)
    db.session.add_all(videos)
    db.session.commit()
    return owner, [dataclasses.replace(video_document(video), cues=tuple(
        Cue(start_s=second * 10.0, text=_said(rng)) for second in range(CUES_PER_VIDEO)))
        for video in videos]


def _open_per_query(backend, request):
    """The search as it ran before: the index directory opened (and closed) for each query."""
    from whoosh.filedb.filestore import FileStorage

    from mastery_share.search.whoosh.backend import _answer
    from mastery_share.search.whoosh.query import index_schema

    storage = FileStorage(str(backend.store.root / backend.store.current_name()), readonly=True)
    with storage.open_index(schema=index_schema()).searcher() as searcher:
        return _answer(searcher, request)


def _opening_alone(backend) -> float:
    """Median ms of opening the index and a searcher and closing them, nothing searched."""
    from whoosh.filedb.filestore import FileStorage

    from mastery_share.search.whoosh.query import index_schema

    path = str(backend.store.root / backend.store.current_name())

    def open_and_close():
        FileStorage(path, readonly=True).open_index(schema=index_schema()).searcher().close()

    return median_ms(time_calls(open_and_close, 200))


def run() -> list[Result]:
    from mastery_share.demo import DEMO_PASSWORD
    from mastery_share.search.backend import SearchRequest
    from mastery_share.search.engine import search_backend
    from mastery_share.search.services import viewer_of

    rng = random.Random(7)
    with temporary_app() as app:
        owner, documents = _library(rng)
        backend = search_backend()
        backend.rebuild(documents)
        requests = [SearchRequest(viewer=viewer_of(owner), text=text, per_page=12)
                    for text in QUERIES]
        for request in requests:  # same answers both ways, and both warmed up
            assert backend.query(request) == _open_per_query(backend, request)
        kept, opened = [], []
        for _ in range(ROUNDS):
            for request in requests:
                kept += time_calls(lambda r=request: backend.query(r), 1)
                opened += time_calls(lambda r=request: _open_per_query(backend, r), 1)

        # The first query after each commit opens a new searcher on the index already open.
        changed, changed_reference = [], []
        for number in range(AFTER_A_COMMIT):
            backend.index_video(documents[number])
            request = requests[number % len(requests)]
            changed += time_calls(lambda r=request: backend.query(r), 1)
            changed_reference += time_calls(lambda r=request: _open_per_query(backend, r), 1)

        client = app.test_client()
        basic = base64.b64encode(f"{BENCH_TEACHER}:{DEMO_PASSWORD}".encode()).decode()
        token = client.post("/api/v1/tokens",
                            headers={"Authorization": f"Basic {basic}"}).json["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        first = client.get("/api/v1/search", query_string={"q": "grouping"}, headers=bearer)
        assert first.status_code == 200 and first.json["total"] > 0, first.json
        api = []
        for _ in range(ROUNDS // 2):
            for text in QUERIES:
                api += time_calls(lambda t=text: client.get(
                    "/api/v1/search", query_string={"q": t, "per_page": 12}, headers=bearer), 1)
        health = time_calls(lambda: client.get("/healthz"), len(api))
        opening = _opening_alone(backend)
    note("search", f"{VIDEOS} videos x {CUES_PER_VIDEO} cues; queries {', '.join(QUERIES)}; "
                   f"{ROUNDS} rounds, alternating kept-open and open-per-query")
    note("search", f"opening the index and a searcher alone (what each query no longer does): "
                   f"{opening:.2f} ms median; the rest of a query is the search itself")
    note("search", f"first query after a commit (new searcher on the open index) median "
                   f"{median_ms(changed):.2f} ms vs opening the index "
                   f"{median_ms(changed_reference):.2f} ms")
    return [
        Result(benchmark="search",
               figure="Whoosh query, index kept open vs opened for every query (before), median",
               measured=median_ms(kept), reference=median_ms(opened), unit="ms",
               bar="faster than opening per query", passed=median_ms(kept) < median_ms(opened)),
        Result(benchmark="search",
               figure="Whoosh query right after a commit (new searcher on the open index) vs "
                      "opening the index, median",
               measured=median_ms(changed), reference=median_ms(changed_reference), unit="ms",
               bar="at most 1.05x (no slower than opening per query)",
               passed=median_ms(changed) <= median_ms(changed_reference) * 1.05),
        Result(benchmark="search",
               figure="GET /api/v1/search (7 queries, 12 per page) vs GET /healthz, median",
               measured=median_ms(api), reference=median_ms(health), unit="ms",
               bar="reported", passed=True),
    ]

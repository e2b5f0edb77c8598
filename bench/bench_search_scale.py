"""Search at district scale (issue 13): Whoosh and PostgreSQL on a generated library of
5,000 and 20,000 videos (and 100,000 for PostgreSQL), each with a 300-word transcript in 30
timed cues, beside SQLite FTS5 on the same library (fts5_reference.py), in the same run.

For every engine and size: the build rate (videos/s, the backend's own rebuild fed by a
generator), the index size, p50/p95/max latency of 320 mixed searches through the backend
interface and through GET /api/v1/search (gunicorn over HTTP, the videos real rows). At the
larger of the two common sizes: adding one video through the index queue, and a full
`flask search reindex`, each timed while another thread keeps searching over HTTP.

Sizes: BENCH_SEARCH_SIZES (Whoosh, PostgreSQL and FTS5; default 5000,20000) and
BENCH_SEARCH_PG_SIZES (PostgreSQL and FTS5 only; default 100000); `python -m bench --quick
search_scale` uses 300,1000 and 2000. BENCH_SEARCH_QUERIES sets the number of searches.
"""
from __future__ import annotations

import os
import statistics
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .harness import Result, note, scratch_dir, temporary_app
from .search_corpus import Corpus, make_queries
from .search_library import (
    database_practices,
    delete_videos,
    insert_people,
    insert_specs,
    insert_videos,
    served,
)
from .search_scale_report import report

NAME = "search_scale"
SEED = 13
WARM_UP = 20
ADDED_VIDEOS = 5
EXTRA_IDS = 10_000_000  # ids of the videos added one at a time, beyond every size


def _sizes(variable: str, full: tuple[int, ...], quick: tuple[int, ...]) -> tuple[int, ...]:
    if variable in os.environ:
        return tuple(int(size) for size in os.environ[variable].split(",") if size.strip())
    return quick if os.environ.get("BENCH_QUICK") else full


@dataclass
class Settings:
    sizes: tuple[int, ...] = field(
        default_factory=lambda: _sizes("BENCH_SEARCH_SIZES", (5_000, 20_000), (300, 1_000)))
    pg_sizes: tuple[int, ...] = field(
        default_factory=lambda: _sizes("BENCH_SEARCH_PG_SIZES", (100_000,), (2_000,)))
    queries: int = field(default_factory=lambda: int(os.environ.get("BENCH_SEARCH_QUERIES",
                                                                    "320")))

    # Both unless BENCH_SEARCH_ENGINES names one (to try a change; the report needs both).
    engines: tuple[str, ...] = field(default_factory=lambda: tuple(
        os.environ.get("BENCH_SEARCH_ENGINES", "whoosh,postgres").split(",")))

    @property
    def incremental_size(self) -> int:
        return max(self.sizes)


@dataclass
class Latencies:
    seconds: list[float]
    found: int  # searches with at least one hit
    failed: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95(self) -> float:
        if len(self.seconds) < 2:
            return self.seconds[0] * 1000
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[94] * 1000

    @property
    def max(self) -> float:
        return max(self.seconds) * 1000


@dataclass
class Measured:
    engine: str
    size: int
    build_s: float
    index_bytes: int
    backend: Latencies
    api: Latencies | None = None


@dataclass
class Incremental:
    engine: str
    size: int
    add_s: list[float]
    reindex_s: float
    reindexed: int
    during: Latencies


def run() -> list[Result]:
    settings = Settings()
    measured: list[Measured] = []
    incremental: list[Incremental] = []
    generating: dict[int, float] = {}
    with scratch_dir("mastery-search-scale-") as scratch:
        for engine, sizes in (("whoosh", settings.sizes),
                              ("postgres", settings.sizes + settings.pg_sizes)):
            if engine not in settings.engines:
                continue
            with _engine_app(engine, scratch) as app:
                corpus = Corpus(SEED, database_practices())
                queries = make_queries(corpus, settings.queries, min(settings.sizes))
                _measure_engine(app, engine, sorted(sizes), corpus, queries, settings,
                                generating, measured, incremental, scratch)
        measured += _measure_fts5(corpus, queries, sorted(set(settings.sizes + settings.pg_sizes)),
                                  generating, scratch)
    return report(settings, queries, measured, incremental, generating)


@contextmanager
def _engine_app(engine: str, scratch: Path):
    if engine == "whoosh":
        with temporary_app(SEARCH="whoosh") as app:
            yield app
        return
    from .bench_booking import fresh_database

    with fresh_database() as url, temporary_app(SEARCH="postgres",
                                                SQLALCHEMY_DATABASE_URI=url) as app:
        try:
            yield app
        finally:
            backend = app.extensions.get("search_backend")
            getattr(backend, "dispose", lambda: None)()


def _generation_s(corpus: Corpus, size: int, generating: dict[int, float]) -> float:
    """Seconds spent making the documents alone, taken off every build time."""
    if size not in generating:
        started = time.perf_counter()
        for _ in corpus.documents(1, size):
            pass
        generating[size] = time.perf_counter() - started
    return generating[size]


def _measure_engine(app, engine, sizes, corpus, queries, settings, generating, measured,
                    incremental, scratch) -> None:
    from mastery_share.search.backend import Viewer
    from mastery_share.search.engine import search_backend

    media_root = Path(app.config["DATA_DIR"]) / "media"
    insert_people(corpus)
    viewer = Viewer(user_id=corpus.viewer.user_id, school_id=corpus.viewer.school_id,
                    district_id=1, is_admin=False)
    backend = search_backend()
    loaded = 0
    for size in sizes:
        started = time.perf_counter()
        insert_videos(corpus, loaded + 1, size, media_root)
        loaded = size
        print(f"   {engine}: {size:,} videos inserted in {time.perf_counter() - started:.1f} s",
              flush=True)
        generation = _generation_s(corpus, size, generating)
        started = time.perf_counter()
        backend.rebuild(corpus.documents(1, size))
        build = time.perf_counter() - started - generation
        _settle(engine)
        print(f"   {engine}: {size:,} videos indexed in {build:.1f} s (+{generation:.1f} s "
              "making the documents)", flush=True)
        row = Measured(engine, size, build, _index_bytes(engine, backend),
                       _time_backend(backend, queries, viewer))
        with served(app.config, scratch / f"gunicorn-{engine}-{size}.log") as (session, base):
            row.api = _time_api(session, base, queries)
            if size == settings.incremental_size:
                incremental.append(_incremental(engine, size, corpus, queries, session, base,
                                                media_root))
        print(f"   {engine} {size:,}: backend p95 {row.backend.p95:.1f} ms, API p95 "
              f"{row.api.p95:.1f} ms", flush=True)
        measured.append(row)


def _settle(engine: str) -> None:
    """PostgreSQL: VACUUM ANALYZE, what autovacuum does soon after a rebuild in production,
    so plans see the new row counts (not timed)."""
    if engine != "postgres":
        return
    from sqlalchemy import text

    from mastery_share.extensions import db

    db.session.remove()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _index_bytes(engine: str, backend) -> int:
    if engine == "whoosh":
        store = backend.store
        current = store.current_name() if hasattr(store, "current_name") else None
        folder = Path(store.root) / current if current else Path(store.root)
        return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    from sqlalchemy import text

    from mastery_share.extensions import db

    # Every table of the index (search_documents, its cues and words ...), with its indexes
    # and TOAST; search_queue is the outbox, not the index.
    return int(db.session.scalar(text(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN "
        "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND "
        "c.relkind = 'r' AND c.relname LIKE 'search%' AND c.relname <> 'search_queue'")))


def _time_backend(backend, queries, viewer) -> Latencies:
    requests = [query.request(viewer) for query in queries]
    for request in requests[:WARM_UP]:
        backend.query(request)
    seconds, found = [], 0
    for request in requests:
        started = time.perf_counter()
        response = backend.query(request)
        seconds.append(time.perf_counter() - started)
        found += response.total > 0
    return Latencies(seconds, found)


def _time_api(session, base, queries) -> Latencies:
    for query in queries[:WARM_UP]:
        session.get(f"{base}/api/v1/search", params=query.api_params(), timeout=300)
    seconds, found, failed = [], 0, 0
    for query in queries:
        started = time.perf_counter()
        answer = session.get(f"{base}/api/v1/search", params=query.api_params(), timeout=300)
        seconds.append(time.perf_counter() - started)
        if answer.status_code != 200 or answer.json()["notices"] and any(
                "rebuilt" in notice for notice in answer.json()["notices"]):
            failed += 1
        else:
            found += answer.json()["total"] > 0
    return Latencies(seconds, found, failed)


class Searcher(threading.Thread):
    """Keeps searching over HTTP (the queries in turn) until stopped; a search fails when it
    errs, answers other than 200, or answers "being rebuilt" instead of results."""

    def __init__(self, session, base, queries):
        super().__init__(daemon=True)
        self.session, self.base, self.queries = session, base, queries
        self.seconds: list[float] = []
        self.failed = 0
        self.found = 0
        self.first_failure: str | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            query = self.queries[number % len(self.queries)]
            number += 1
            started = time.perf_counter()
            try:
                answer = self.session.get(f"{self.base}/api/v1/search",
                                          params=query.api_params(), timeout=300)
                body = answer.json() if answer.status_code == 200 else {}
                ok = answer.status_code == 200 and not any(
                    "rebuilt" in notice for notice in body.get("notices", []))
                why = f"{answer.status_code} {answer.text[:200]}"
            except Exception as error:  # noqa: BLE001 - a failed search is what is counted
                ok, body, why = False, {}, repr(error)
            if not ok and self.first_failure is None:
                self.first_failure = why
            self.seconds.append(time.perf_counter() - started)
            self.failed += not ok
            self.found += bool(body.get("total"))

    def result(self) -> Latencies:
        return Latencies(self.seconds or [0.0], self.found, self.failed)


def _incremental(engine, size, corpus, queries, session, base, media_root) -> Incremental:
    """One video added at a time through the index queue, then `flask search reindex`, while
    a thread keeps searching."""
    from mastery_share.extensions import db
    from mastery_share.search.indexing import apply_queue, rebuild_index
    from mastery_share.videos.models import SearchQueueEntry

    searcher = Searcher(session, base, queries)
    searcher.start()
    added, ids = [], []
    try:
        for number in range(1, ADDED_VIDEOS + 1):
            spec = corpus.video(EXTRA_IDS + number)
            insert_specs([spec], media_root)
            db.session.add(SearchQueueEntry(video_id=spec.video_id))
            db.session.commit()
            ids.append(spec.video_id)
            started = time.perf_counter()
            applied = apply_queue()
            added.append(time.perf_counter() - started)
            if applied != 1:
                raise RuntimeError(f"the index queue applied {applied} videos, not 1")
        started = time.perf_counter()
        reindexed = rebuild_index()
        reindex = time.perf_counter() - started
    finally:
        searcher.stop.set()
        searcher.join(timeout=600)
    delete_videos(ids)
    if reindexed != size + ADDED_VIDEOS:
        raise RuntimeError(f"the reindex wrote {reindexed} videos, not {size + ADDED_VIDEOS}")
    note(NAME, f"{engine} at {size:,}: {len(searcher.seconds)} searches over HTTP ran during "
               f"the {ADDED_VIDEOS} additions and the reindex, {searcher.failed} failed"
               + (f" (the first: {searcher.first_failure})" if searcher.failed else ""))
    return Incremental(engine, size, added, reindex, reindexed, searcher.result())


def _measure_fts5(corpus, queries, sizes, generating, scratch) -> list[Measured]:
    from mastery_share.search.backend import Viewer

    from .fts5_reference import Fts5Reference

    viewer = Viewer(user_id=corpus.viewer.user_id, school_id=corpus.viewer.school_id,
                    district_id=1, is_admin=False)
    rows = []
    for size in sizes:
        path = scratch / f"fts5-{size}.db"
        reference = Fts5Reference(path)
        generation = _generation_s(corpus, size, generating)
        started = time.perf_counter()
        reference.build(corpus.documents(1, size))
        build = time.perf_counter() - started - generation
        requests = [query.request(viewer) for query in queries]
        for request in requests[:WARM_UP]:
            reference.query(request)
        seconds, found = [], 0
        for request in requests:
            started = time.perf_counter()
            answer = reference.query(request)
            seconds.append(time.perf_counter() - started)
            found += answer["facets"].get("total", {}).get("", 0) > 0
        rows.append(Measured("fts5", size, build, reference.size_bytes(),
                             Latencies(seconds, found)))
        print(f"   fts5 {size:,}: build {build:.1f} s, p95 {rows[-1].backend.p95:.1f} ms",
              flush=True)
        reference.close()
        path.unlink()
    return rows

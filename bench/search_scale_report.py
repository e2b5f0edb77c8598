"""bench_search_scale's figures: its rows in the results table, each target said as met or
not met, and its own section of RESULTS.md with every figure and what it was measured on."""
from __future__ import annotations

import os
import statistics
import time
from collections import Counter

from .harness import Result, section

NAME = "search_scale"
LABELS = {"whoosh": "Whoosh", "postgres": "PostgreSQL", "fts5": "SQLite FTS5"}


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _ratio_result(figure, measured, reference, unit, bar, limit, at_least=False) -> Result:
    passed = measured >= limit * reference if at_least else measured <= limit * reference
    return Result(NAME, figure, measured, reference, unit, bar, passed)


def report(settings, queries, measured, incremental, generating) -> list[Result]:
    by = {(row.engine, row.size): row for row in measured}
    if not {"whoosh", "postgres"} <= {row.engine for row in measured}:
        _section(settings, queries, measured, incremental, generating,
                 ["- not judged: only one engine ran (BENCH_SEARCH_ENGINES)"])
        return []
    small, large = min(settings.sizes), max(settings.sizes)
    results, targets = [], []

    def target(text: str, result: Result) -> None:
        results.append(result)
        targets.append(f"- {text}: {result.measured:.1f} vs {result.reference:.1f} "
                       f"{result.unit} (x{result.ratio:.2f}): **{'met' if result.passed else 'not met'}**")

    whoosh_l, pg_l = by[("whoosh", large)], by[("postgres", large)]
    target(f"Whoosh p95 at {large:,} videos at most 1.0x PostgreSQL's p95 (backend)",
           _ratio_result(f"Whoosh p95 at {large:,} videos vs PostgreSQL p95 at {large:,}",
                         whoosh_l.backend.p95, pg_l.backend.p95, "ms", "at most 1.0x", 1.0))
    if small != large:
        whoosh_s = by[("whoosh", small)]
        target(f"Whoosh p95 at {large:,} at most 2x its p95 at {small:,}",
               _ratio_result(f"Whoosh p95 at {large:,} videos vs its p95 at {small:,}",
                             whoosh_l.backend.p95, whoosh_s.backend.p95, "ms", "at most 2x", 2.0))
    target(f"Whoosh build rate at {large:,} at least PostgreSQL's",
           _ratio_result(f"Whoosh build rate at {large:,} videos vs PostgreSQL's",
                         large / whoosh_l.build_s, large / pg_l.build_s, "videos/s",
                         "at least 1.0x", 1.0, at_least=True))
    for pg_size in settings.pg_sizes:
        target(f"PostgreSQL p95 at {pg_size:,} at most 2x its p95 at {large:,}",
               _ratio_result(f"PostgreSQL p95 at {pg_size:,} videos vs its p95 at {large:,}",
                             by[("postgres", pg_size)].backend.p95, pg_l.backend.p95, "ms",
                             "at most 2x", 2.0))
    for engine, sizes in (("whoosh", settings.sizes),
                          ("postgres", settings.sizes + settings.pg_sizes)):
        for size in sorted(sizes):
            target(f"{LABELS[engine]} p95 at {size:,} at most 5x FTS5's",
                   _ratio_result(f"{LABELS[engine]} p95 at {size:,} videos vs SQLite FTS5 p95",
                                 by[(engine, size)].backend.p95, by[("fts5", size)].backend.p95,
                                 "ms", "at most 5x", 5.0))
    for size in sorted(settings.sizes):
        results.append(Result(NAME, f"GET /api/v1/search p95 at {size:,} videos, Whoosh vs "
                                    "PostgreSQL", by[("whoosh", size)].api.p95,
                              by[("postgres", size)].api.p95, "ms", "reported", True))
    for run in incremental:
        results.append(Result(
            NAME, f"{LABELS[run.engine]}: searches answered during the additions and the "
                  f"reindex at {run.size:,} (of all made)",
            len(run.during.seconds) - run.during.failed, len(run.during.seconds), "searches",
            "none failed", run.during.failed == 0))
    if len(incremental) == 2:
        whoosh, pg = incremental
        results.append(Result(NAME, f"adding one video to the {whoosh.size:,}-video index "
                                    "(index queue), Whoosh vs PostgreSQL, median",
                              statistics.median(whoosh.add_s), statistics.median(pg.add_s), "s",
                              "reported", True))
        results.append(Result(NAME, f"full reindex of {whoosh.size:,} videos from the database, "
                                    "Whoosh vs PostgreSQL", whoosh.reindex_s, pg.reindex_s, "s",
                              "reported", True))
    _section(settings, queries, measured, incremental, generating, targets)
    return results


def _latency(latencies) -> str:
    if latencies is None:
        return "| | |"
    return f"{latencies.p50:.1f} | {latencies.p95:.1f} | {latencies.max:.1f}"


def _section(settings, queries, measured, incremental, generating, targets) -> None:
    kinds = Counter(query.kind for query in queries)
    filtered = sum(bool(query.filters) for query in queries)
    rows = []
    for row in sorted(measured, key=lambda row: (row.size, row.engine)):
        api = row.api
        rows.append(
            f"| {LABELS[row.engine]} | {row.size:,} | {row.build_s:.1f} s | "
            f"{row.size / row.build_s:.0f} | {_mb(row.index_bytes)} | {_latency(row.backend)} | "
            f"{row.backend.found}/{len(row.backend.seconds)} | "
            + (f"{_latency(api)} | {api.failed} |" if api else "| | | |"))
    changes = []
    for run in incremental:
        changes.append(
            f"| {LABELS[run.engine]} | {run.size:,} | {statistics.median(run.add_s):.2f} s "
            f"(max {max(run.add_s):.2f} s) | {run.reindex_s:.1f} s ({run.reindexed:,} videos) | "
            f"{len(run.during.seconds)} | {run.during.p50:.1f} / {run.during.p95:.1f} / "
            f"{run.during.max:.1f} ms | {run.during.failed} |")
    load = os.getloadavg()
    text = [
        (f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
         f"({'quick run, sizes ' if os.environ.get('BENCH_QUICK') else 'sizes '}"
         f"{', '.join(f'{size:,}' for size in settings.sizes)} for every engine, "
         f"{', '.join(f'{size:,}' for size in settings.pg_sizes)} for PostgreSQL and FTS5; "
         f"load average at the end {load[0]:.1f}). Library generated from seed 13 "
         "(bench/search_corpus.py): each video a 300-word transcript in 30 timed cues, words "
         "drawn by a Zipf law from 5,903 real English words (wordfreq 3.1.1's top 6,000, "
         "alphabetic), varied titles, descriptions, 1-3 practices, grade bands, subjects and "
         "levels; four schools, 70% of the videos district-wide, 20% school-only, 10% private; "
         "the viewer a teacher of the first school. The videos are real rows with stored "
         "captions files (SQLite for Whoosh, PostgreSQL for its backend)."),
        "",
        (f"{len(queries)} searches, the same for every engine and size: "
         + ", ".join(f"{kind} {count}" for kind, count in kinds.most_common())
         + f"; {filtered} with facet filters, the rest none; 20 per page, "
         f"{WARM_UP_TEXT}. Backend latency is `backend.query(SearchRequest)` in this process; "
         "API latency is GET /api/v1/search over HTTP to gunicorn (one worker) with a token, "
         "one request at a time. Build time is the backend's `rebuild(documents)` from a "
         "generator, minus the time making the documents alone "
         + ", ".join(f"{size:,}: {seconds:.1f} s" for size, seconds in sorted(generating.items()))
         + "; PostgreSQL is VACUUM ANALYZEd after each build (untimed), as autovacuum would. "
         "FTS5 (bench/fts5_reference.py) does the page (bm25, highlights, snippets), "
         "the total and facet counts, and the caption moments of each hit in SQL, with the "
         "same visibility rule and filters."),
        "",
        "### Targets", "",
        ("Judged on the backend latency (the engine itself); the API figures below add the "
         "app around it and are reported beside."), "", *targets, "",
        "### Every figure", "",
        ("| engine | videos | build | videos/s | index size | backend p50 | p95 | max (ms) | "
         "found something | API p50 | p95 | max (ms) | API failures |"),
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows, "",
        "### Changes while searching", "",
        (f"{ADDED_TEXT} A thread kept searching over HTTP (the queries in turn) during both; "
         "a search failed if it erred, answered other than 200, or said the index was being "
         "rebuilt."),
        "",
        ("| engine | videos | add one video (index queue) | full reindex (`flask search "
         "reindex`) | searches during | their p50 / p95 / max | failed |"),
        "| --- | --- | --- | --- | --- | --- | --- |", *changes,
    ]
    section("Search at scale (bench_search_scale)", "\n".join(text))


WARM_UP_TEXT = "after 20 untimed searches to warm up"
ADDED_TEXT = ("Five videos were added one at a time (row, captions file, queue entry; the time "
              "is `apply_queue()`: loading the video and its captions, writing the index, "
              "committing), then the whole index rebuilt from the database by "
              "`rebuild_index()`, as `flask search reindex` does.")

"""The production server under load (issue 16): wrk against gunicorn as `make run` starts it
(gthread, 2 processes of 8 threads), on a district of 10,000 videos (the spread benchmark's
district, cut to that size, with its Whoosh index built), signed in as a teacher.

For each page a teacher uses most (home, /videos, a search, a video, the visits calendar, the
collections page) wrk runs 8 connections for a few seconds, and GET /healthz of the same app
on the same server runs just before it; each page's requests per second stand beside the
median of those /healthz runs (one run alone swings by 2x when the process that accepts
connections changes). The bar: each page at least 30% of /healthz's
requests per second; search at least 10%. The access log names the gunicorn process of every
request, so the share each of the two processes served is reported too (a gthread process can
sit idle while the other takes every connection).

Flask-Login's strong session protection ties a session to the browser's User-Agent: wrk sends
the one the session was signed in with, or every page would measure a redirect.
"""
from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from . import bench_spread as district
from .harness import Result, note, scratch_dir, section

NAME = "wrk"
VIDEOS = 10_000
CONNECTIONS, THREADS, SECONDS = 8, 2, 6
# Each page is served for a moment before it is measured: its template compiled, its
# statements in SQLAlchemy's cache in both processes (the first page measured paid it alone,
# a third of its figure in one run).
WARM_UP_SECONDS = 1
PROCESSES, WEB_THREADS = 2, 8
USER_AGENT = "mastery-bench-wrk/1"
TEACHER = "teacher0002@bench.example.org"
PAGES = {
    "home": "/",
    "videos": "/videos",
    "search": "/search?q=lesson",
    "video": None,  # a district video of another teacher, found after the build
    "visits": "/visits",
    "collections": "/collections",
    # Not a target: the cheapest signed-in page (a few notifications, 5 SQL statements), the
    # floor under every page above (loading the member, the page's frame), for scale.
    "notifications": "/notifications",
}
LABELS = {"home": "the home page", "videos": "the video list /videos",
          "search": "a search page (/search?q=lesson)", "video": "a video page",
          "visits": "the visits calendar", "collections": "the collections page",
          "notifications": "the notifications page (for scale: the cheapest signed-in page)"}
TARGETS = {"search": 0.10}  # every other page: 0.30
UNJUDGED = {"notifications"}  # reported beside the pages, no bar
LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run() -> list[Result]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is needed (Debian: apt-get install wrk)")
    with scratch_dir() as scratch:
        env = district._server_env(scratch)
        started = time.perf_counter()
        district._check([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env)
        video_id = int(district._check(
            [sys.executable, "-c", "from bench.bench_wrk import build; build()"], env
        ).strip().splitlines()[-1])
        built = time.perf_counter() - started
        pages = {**PAGES, "video": f"/videos/{video_id}"}
        access_log = scratch / "access.log"
        with _production_server(env, scratch / "gunicorn.log", access_log) as base:
            cookie = _signed_in_cookie(base)
            measured = {}
            healthz_runs = []
            for name, path in pages.items():
                mark = _log_lines(access_log)
                healthz_runs.append((_wrk(f"{base}/healthz", cookie),
                                     _processes_since(access_log, mark)))
                _wrk(f"{base}{path}", cookie, seconds=WARM_UP_SECONDS)  # not counted
                mark = _log_lines(access_log)
                page = _wrk(f"{base}{path}", cookie)
                measured[name] = (page, _processes_since(access_log, mark))
    return _report(measured, healthz_runs, built)


def build() -> None:
    """The district, cut to VIDEOS videos, its Whoosh index, a few collections; prints the id
    of a video for the video page."""
    import random

    from sqlalchemy import select

    from mastery_share import create_app
    from mastery_share.accounts.models import User
    from mastery_share.collections.curation import create_collection
    from mastery_share.collections.items import add_item
    from mastery_share.extensions import db
    from mastery_share.search.indexing import rebuild_index
    from mastery_share.videos.models import Video

    district.VIDEOS = VIDEOS
    app = create_app()
    with app.app_context():
        district._insert_all(random.Random(16))
        teacher = db.session.scalar(select(User).where(User.email == TEACHER))
        watchable = list(db.session.scalars(
            select(Video.id).where(Video.visibility == "district",
                                   Video.owner_id != teacher.id).order_by(Video.id).limit(40)))
        curator = db.session.scalar(select(User).where(User.email == district.PRINCIPAL))
        for number in range(4):
            collection = create_collection(curator, {"title": f"PLC week {number + 1}",
                                                     "visibility": "district"})
            for video in watchable[number * 10:(number + 1) * 10]:
                add_item(curator, collection.id, {"video_id": video})
        rebuild_index()
        print(watchable[0])


def _production_server(env: dict, log_path: Path, access_log: Path):
    return district._gunicorn(env, log_path, (
        "--worker-class", "gthread", "--workers", str(PROCESSES), "--threads", str(WEB_THREADS),
        "--reuse-port",
        "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(U)s %(s)s"))


def _signed_in_cookie(base: str) -> str:
    from .bench_home import _signed_in

    session = _signed_in(base, TEACHER, USER_AGENT)
    home = session.get(f"{base}/", allow_redirects=False, timeout=30)
    if home.status_code != 200:
        raise RuntimeError(f"the signed-in home answered {home.status_code}")
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def _wrk(url: str, cookie: str, seconds: int = SECONDS) -> dict:
    completed = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
         "-H", f"Cookie: {cookie}", "-H", f"User-Agent: {USER_AGENT}", url],
        capture_output=True, text=True, check=True, timeout=seconds + 60)
    text = completed.stdout
    found = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for percentile in ("50", "99"):
        value, unit = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)\b", text).groups()
        found[f"p{percentile}"] = float(value) * LATENCY_UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    found["bad"] = int(errors.group(1)) if errors else 0
    return found


def _log_lines(path: Path) -> int:
    return sum(1 for _ in open(path)) if path.exists() else 0


def _processes_since(path: Path, mark: int) -> Counter:
    with open(path) as log:
        lines = log.readlines()[mark:]
    return Counter(line.split(" ", 1)[0] for line in lines)


def _busiest(processes: Counter) -> tuple[float, int]:
    served = sorted(processes.values(), reverse=True)
    return (served[0] / sum(served) if served else 0.0), sum(served)


def _report(measured: dict, healthz_runs: list, built: float) -> list[Result]:
    # /healthz ran before each page; its median across the run is the reference (one run
    # alone swings by 2x when gunicorn's accepting process changes hands).
    healthz = {"rps": statistics.median(run["rps"] for run, _ in healthz_runs)}
    rows, results = [], []
    for run, processes in healthz_runs:
        busiest, total = _busiest(processes)
        note(NAME, f"/healthz: {run['rps']:.0f} req/s, p50 {run['p50']:.1f} ms, the busier "
                   f"process served {busiest:.0%} of {total}")
    for name, (page, processes) in measured.items():
        share = page["rps"] / healthz["rps"]
        judged = name not in UNJUDGED
        target = TARGETS.get(name, 0.30)
        busiest, total = _busiest(processes)
        verdict = ("met" if share >= target else "missed") if judged else "reported"
        rows.append(f"| {LABELS[name]} | {page['rps']:.0f} | {healthz['rps']:.0f} | "
                    f"{share:.1%} | {f'{target:.0%}' if judged else '-'} | {page['p50']:.1f} ms "
                    f"| {page['p99']:.1f} ms | {busiest:.0%} of {total} | {verdict} |")
        if page["bad"]:
            note(NAME, f"{LABELS[name]}: {page['bad']} answers were not 2xx/3xx")
        results.append(Result(
            benchmark=NAME, figure=f"{LABELS[name]}: requests/s under wrk vs GET /healthz "
                                   "(median of the run), same server",
            measured=page["rps"], reference=healthz["rps"], unit="req/s",
            bar=f"at least {target:.0%} of /healthz" if judged else "reported",
            passed=(share >= target or not judged) and not page["bad"]))
    table = ("| page | req/s | /healthz req/s | share | target | p50 | p99 | busiest process | "
             "verdict |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
             + "\n".join(rows))
    section("Production server under wrk (bench_wrk)",
            f"A district of {VIDEOS:,} videos ({district.SCHOOLS} schools, "
            f"{district.TEACHERS:,} teachers; built in {built:.0f} s), gunicorn gthread "
            f"{PROCESSES} processes x {WEB_THREADS} threads as `make run` serves, wrk "
            f"{THREADS} threads, {CONNECTIONS} connections, {SECONDS} s per page after "
            f"{WARM_UP_SECONDS} s of warm-up not counted, each page right after /healthz on "
            "the same server (the reference: /healthz's median over the run), signed in as a "
            "teacher. \"Busiest process\": the share of the page's requests the busier "
            "gunicorn process served.\n\n"
            + table)
    return results

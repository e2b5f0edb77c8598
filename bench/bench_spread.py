"""The spread map, the district's small multiples and the leaders' counts at district scale:
40 schools, 2,000 teachers, 20,000 videos and 10,000 tries (with sparks across schools and
check-ins), served by gunicorn on a SQLite database built by the real migrations.

Each page's median and p95 stand beside GET /healthz measured in the same rounds, one request
at a time, by a signed-in principal. The bar (issue 12): the map page within 20x of /healthz
at the median. The SQL statements each page runs are counted in-process as well.
"""
from __future__ import annotations

import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .harness import Result, note, scratch_dir, section

NAME = "spread"
ROOT = Path(__file__).resolve().parent.parent
SCHOOLS, TEACHERS, VIDEOS, TRIES = 40, 2_000, 20_000, 10_000
SLOTS, AFFIRMATIONS = 2_000, 3_000
ROUNDS = 60
CPU_ROUNDS = 15
PASSWORD = "bench-spread-password"
PRINCIPAL = "principal@school-01.bench.example.org"
PRACTICE = "flexible-grouping"
YEAR_FIRST = 2025  # the school year 2025-26: every date of it is in the past


def run() -> list[Result]:
    with scratch_dir() as scratch:
        env = _server_env(scratch)
        started = time.perf_counter()
        _check([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env)
        _check([sys.executable, "-c", "from bench.bench_spread import build; build()"], env)
        built = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        measured = _query_counts(env)
        with _gunicorn(env, scratch / "gunicorn.log") as base:
            timings = _measure(base)
    return _report(timings, measured, built, (load_before, os.getloadavg()[0]))


# --- the district --------------------------------------------------------------------------

def build() -> None:
    """Bulk-insert the district with the server's environment (run as `python -c`)."""
    from mastery_share import create_app

    app = create_app()
    with app.app_context():
        _insert_all(random.Random(12))


def _moment(rng: random.Random) -> datetime:
    start = datetime(YEAR_FIRST, 8, 2, 14, tzinfo=UTC)
    return start + timedelta(days=rng.randrange(360), minutes=rng.randrange(600))


def _insert_all(rng: random.Random) -> None:
    from sqlalchemy import insert, select

    from mastery_share.accounts.models import District, Practice, School, User
    from mastery_share.accounts.services import hash_password
    from mastery_share.comments.models import Comment
    from mastery_share.extensions import db
    from mastery_share.tries.models import CheckIn, Try, TrySpark
    from mastery_share.videos.models import Video, video_practices
    from mastery_share.visits.models import Booking, VisitSlot

    def bulk(table, rows):
        db.session.execute(insert(table), rows)

    now = datetime.now(UTC)
    bulk(District, [{"id": 1, "name": "Bench District", "slug": "bench", "created_at": now}])
    bulk(School, [{"id": n, "district_id": 1, "name": f"School {n:02d}",
                   "time_zone": "America/Chicago", "created_at": now}
                  for n in range(1, SCHOOLS + 1)])
    password = hash_password(PASSWORD)  # one argon2 hash for everyone: hashing is not measured
    users = [{"id": n, "email": f"teacher{n:04d}@bench.example.org", "name": f"Teacher {n}",
              "role": "teacher", "district_id": 1, "school_id": n % SCHOOLS + 1,
              "password_hash": password, "session_nonce": secrets.token_urlsafe(12),
              "grade_bands": [], "subjects": [], "created_at": now}
             for n in range(1, TEACHERS + 1)]
    users.append({**users[0], "id": TEACHERS + 1, "email": PRINCIPAL, "name": "Principal",
                  "role": "principal", "school_id": 1})
    bulk(User, users)
    practices = list(db.session.scalars(select(Practice.id).order_by(Practice.id)))
    school_of = {user["id"]: user["school_id"] for user in users}

    videos = []
    for n in range(1, VIDEOS + 1):
        owner = rng.randrange(1, TEACHERS + 1)
        videos.append({"id": n, "owner_id": owner, "school_id": school_of[owner],
                       "district_id": 1, "title": f"Lesson {n}", "description": "",
                       "grade_band": "3-5", "subject": "Math",
                       "visibility": rng.choice(("private", "school", "district")),
                       "level": "getting_started", "media_release": True, "status": "ready",
                       "progress": 100, "media_prefix": f"videos/bench-{n}/",
                       "original_key": f"videos/bench-{n}/original.mp4",
                       "original_filename": "a.mp4", "original_bytes": 1,
                       "created_at": _moment(rng), "updated_at": now})
    bulk(Video, videos)
    bulk(video_practices, [{"video_id": n, "practice_id": rng.choice(practices)}
                           for n in range(1, VIDEOS + 1)])

    tries, sparks, check_ins = [], [], []
    for n in range(1, TRIES + 1):
        owner = rng.randrange(1, TEACHERS + 1)
        school, created = school_of[owner], _moment(rng)
        tries.append({"id": n, "owner_id": owner, "school_id": school, "district_id": 1,
                      "practice_id": rng.choice(practices), "plan": f"Plan {n}",
                      "visibility": rng.choice(("only_me", "leaders", "school", "district")),
                      "status": "trying", "created_at": created, "updated_at": now,
                      "shared_back_at": created + timedelta(days=30) if n % 5 == 0 else None})
        for _ in range(rng.choice((1, 1, 2))):
            # Mostly from the school itself or a neighbour, as practices travel in life.
            roll = rng.random()
            source = (school if roll < 0.35 else
                      (school + rng.randint(-4, 4) - 1) % SCHOOLS + 1 if roll < 0.85 else
                      rng.randrange(1, SCHOOLS + 1))
            sparks.append({"try_id": n, "kind": rng.choice(("video", "video", "booking",
                                                            "collection_item")),
                           "source_school_id": source, "created_at": created})
        for step in range(rng.choice((0, 1, 1, 2))):
            check_ins.append({"try_id": n, "on": (created + timedelta(days=10 + 20 * step))
                              .date(), "what_happened": "It went", "created_at": created})
    bulk(Try, tries)
    bulk(TrySpark, sparks)
    bulk(CheckIn, check_ins)

    slots, bookings = [], []
    for n in range(1, SLOTS + 1):
        host, start = rng.randrange(1, TEACHERS + 1), _moment(rng)
        slots.append({"id": n, "host_id": host, "school_id": school_of[host], "district_id": 1,
                      "starts_at": start, "ends_at": start + timedelta(minutes=45),
                      "capacity": 3, "status": "open", "created_at": now, "updated_at": now})
        for position, visitor in enumerate(rng.sample(range(1, TEACHERS + 1), 2), start=1):
            bookings.append({"slot_id": n, "visitor_id": visitor, "position": position,
                             "status": rng.choice(("confirmed", "confirmed", "cancelled")),
                             "created_at": now, "updated_at": now})
    bulk(VisitSlot, slots)
    bulk(Booking, bookings)
    bulk(Comment, [{"video_id": rng.randrange(1, VIDEOS + 1),
                    "author_id": rng.randrange(1, TEACHERS + 2), "kind": "affirmation",
                    "body": "Brave!", "at_s": 0.0, "created_at": _moment(rng)}
                   for _ in range(AFFIRMATIONS)])
    db.session.commit()
    print(f"{len(tries)} tries, {len(sparks)} sparks, {len(check_ins)} check-ins")


# --- the measurement -----------------------------------------------------------------------

YEAR = f"{YEAR_FIRST}-{(YEAR_FIRST + 1) % 100:02d}"
PAGES = {
    "map": f"/practices/{PRACTICE}/spread?year={YEAR}",
    "district": f"/spread?year={YEAR}",
    "counts": f"/schools/counts?year={YEAR}",
    "healthz": "/healthz",
}
LABELS = {"map": "the spread map page", "district": "the district /spread page",
          "counts": "the leaders' counts page"}


def _signed_in(base: str):
    import requests

    session = requests.Session()
    form = session.get(f"{base}/sign-in", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    answer = session.post(f"{base}/sign-in", data={"email": PRINCIPAL, "password": PASSWORD,
                                                   "csrf_token": token},
                          allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise RuntimeError(f"signing in answered {answer.status_code}")
    return session


def _measure(base: str) -> dict[str, list[float]]:
    session = _signed_in(base)
    timings: dict[str, list[float]] = {name: [] for name in PAGES}
    for name, path in PAGES.items():  # warm up, and check each page answers
        for _ in range(3):
            response = session.get(base + path, timeout=60)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
    for _ in range(ROUNDS):  # interleaved, so a slow moment of the machine hits every page
        for name, path in PAGES.items():
            started = time.perf_counter()
            response = session.get(base + path, timeout=60)
            timings[name].append(time.perf_counter() - started)
            assert response.status_code == 200
    return timings


def _query_counts(env: dict) -> dict[str, float]:
    """SQL statements and CPU milliseconds per page ("map", "map_cpu_ms", ...), measured in a
    process of its own with the server's settings."""
    output = _check([sys.executable, "-c",
                     "from bench.bench_spread import count_page_queries; count_page_queries()"],
                    env)
    return {name: float(value) for name, value in
            (line.split("=") for line in output.split() if "=" in line)}


def count_page_queries() -> None:
    from sqlalchemy import event

    from mastery_share import create_app
    from mastery_share.extensions import db

    app = create_app()
    with app.app_context():
        engine = db.engine  # each request below pushes its own context, as in production
    client = app.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    client.post("/sign-in", data={"email": PRINCIPAL, "password": PASSWORD,
                                  "csrf_token": token})
    for name, path in PAGES.items():
        statements: list[int] = []

        def listener(*args, seen=statements):
            seen.append(1)

        client.get(path)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            status = client.get(path).status_code
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        # CPU time of the request's own thread: what the page costs, whatever else the
        # machine is doing (wall-clock latency on a busy machine is mostly waiting for a core).
        cpu = []
        for _ in range(CPU_ROUNDS):
            started = time.thread_time()
            client.get(path)
            cpu.append(time.thread_time() - started)
        print(f"{name}={len(statements)} {name}_cpu_ms={statistics.median(cpu) * 1000:.3f}")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94] * 1000


def _report(timings: dict[str, list[float]], measured: dict[str, float], built: float,
            load: tuple[float, float]) -> list[Result]:
    health = statistics.median(timings["healthz"]) * 1000
    health_cpu = measured.get("healthz_cpu_ms", float("nan"))
    rows, results = [], []
    for name in (*LABELS, "healthz"):
        median = statistics.median(timings[name]) * 1000
        cpu = measured.get(f"{name}_cpu_ms", float("nan"))
        target = ("met" if median <= 20 * health else "NOT met") if name == "map" else ""
        label = f"{LABELS[name]} `{PAGES[name].split('?')[0]}`" if name in LABELS else \
            "GET /healthz"
        rows.append(f"| {label} | {median:.1f} ms | {_p95(timings[name]):.1f} ms | "
                    f"{median / health:.1f}x | {cpu:.1f} ms | {cpu / health_cpu:.1f}x | "
                    f"{measured.get(name, float('nan')):.0f} | {target} |")
        if name in LABELS:
            results.append(Result(NAME, f"{LABELS[name]} vs GET /healthz, median", median,
                                  health, "ms",
                                  "at most 20x /healthz, median" if name == "map" else "reported",
                                  median <= 20 * health if name == "map" else True))
    map_ratio = statistics.median(timings["map"]) * 1000 / health
    map_cpu_ratio = measured.get("map_cpu_ms", float("nan")) / health_cpu
    summary = (f"The map page is {map_ratio:.1f}x GET /healthz at the median over HTTP: the "
               f"20x target is {'met' if map_ratio <= 20 else 'not met'}. In CPU time per "
               f"request it is {map_cpu_ratio:.1f}x ({'within' if map_cpu_ratio <= 20 else 'over'}"
               " 20x).")
    section("Spread map and leaders' counts (bench_spread)", "\n".join([
        (f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {SCHOOLS} schools, "
         f"{TEACHERS:,} teachers, {VIDEOS:,} videos, {TRIES:,} tries with sparks and check-ins, "
         f"{SLOTS:,} visits and {AFFIRMATIONS:,} affirmations in SQLite (built by the "
         f"migrations and bulk inserts in {built:.0f} s), served by gunicorn with one worker; "
         f"{ROUNDS} interleaved rounds by a signed-in principal, one request at a time. "
         f"CPU time is the request thread's own, median of {CPU_ROUNDS} in-process requests "
         f"(Flask's test client), where a busy machine's waits for a core do not count. "
         f"Load average during the run: {load[0]:.1f} at the start, {load[1]:.1f} at the end."),
        "", summary, "",
        ("| page | median | p95 | median vs /healthz | CPU per request | CPU vs /healthz | "
         "SQL queries | 20x target |"),
        "| --- | --- | --- | --- | --- | --- | --- | --- |", *rows,
    ]))
    note(NAME, summary)
    return results


# --- the server ----------------------------------------------------------------------------

def _server_env(scratch: Path) -> dict:
    env = {**os.environ, "MASTERY_DATA_DIR": str(scratch / "data"),
           "MASTERY_SECRET_KEY": secrets.token_hex(32),
           "MASTERY_RATELIMIT_STORAGE_URL": "memory://",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for name in ("MASTERY_ENV", "MASTERY_SMTP_URL", "MASTERY_DATABASE_URL"):
        env.pop(name, None)
    return env


def _check(argv: list[str], env: dict) -> str:
    completed = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                               check=False, timeout=900)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[2:])[:120]} failed: {completed.stderr.strip()[-2000:]}")
    return completed.stdout


@contextmanager
def _gunicorn(env: dict, log_path: Path, options: tuple[str, ...] = ("-w", "1")):
    """gunicorn serving the app (one sync process unless `options` say otherwise)."""
    from .bench_booking import _free_port

    port = _free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *options, "--timeout", "120",
             "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, log_path)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=10).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 120 s: {log.read_text()[-2000:]}")


if __name__ == "__main__":
    for result in run():
        print(result)

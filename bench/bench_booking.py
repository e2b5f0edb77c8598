"""Booking contention over HTTP: 200 concurrent booking attempts (20 per slot) on 10 open
classrooms of 5 seats, against the app served by gunicorn in the scale-out topology (the
production line, gthread 4 processes x 8 threads, judged; 4 sync processes beside it):
PostgreSQL, and the job queue (the booking's mail) on Redis.

The bar is exact: every attempt answers 201 (confirmed or waitlisted), no 4xx or 5xx, and the
database ends with exactly 5 confirmed bookings per slot (the first five arrivals) and the other
15 waitlisted. Throughput and p95 latency stand beside a cheap authenticated request
(GET /api/v1/me) fired the same way, at the same concurrency, against the same server; the
booking's p95 must be at most twice the GET's (issue 16).

Bearer tokens are issued directly in the database before the timed part: signing in 200 times
through POST /api/v1/tokens would spend minutes in argon2 and trip the per-address sign-in limit
(SIGN_IN_LIMIT_PER_ADDRESS, which no environment variable raises).
"""
from __future__ import annotations

import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .harness import Result, note, scratch_dir

NAME = "booking"
ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("MASTERY_BENCH_POSTGRES_URL", os.environ.get(
    "MASTERY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
SLOTS = 10
SEATS = 5
ATTEMPTS_PER_SLOT = 20
VISITORS = SLOTS * ATTEMPTS_PER_SLOT
THREADS = 50
QUEUE_URL = os.environ.get("MASTERY_BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
WORKERS = 4
# The production server as `make run-prod` starts it (`flask serve`, MASTERY_WEB_PROCESSES=4):
# gthread, 4 processes of 8 threads, each process on its own listening socket; and, for
# comparison, 4 sync processes (one request at a time each), as this benchmark ran before.
PRODUCTION = "production server (gthread 4x8)"
SERVERS = {
    PRODUCTION: ("--worker-class", "gthread", "--workers", str(WORKERS), "--threads", "8",
                 "--reuse-port"),
    "sync workers (4)": ("--workers", str(WORKERS)),
}
HOST_EMAIL = "maria.lopez@riverside.example.org"
BOOKED = {"confirmed", "waitlisted"}


def run() -> list[Result]:
    """The same contention against each server line, each on a fresh database; the p95 bar
    is judged on the production line, the sync line stands beside it for comparison."""
    results = []
    for server, options in SERVERS.items():
        with scratch_dir() as scratch, fresh_database() as database_url, empty_queue():
            env = _server_env(scratch, database_url)
            for command in (["db", "upgrade"], ["seed-demo", "--no-videos"]):
                _check([sys.executable, "-m", "flask", "--app", "wsgi", *command], env)
            setup = _check([sys.executable, "-c",
                            "from bench.bench_booking import seed_contention; seed_contention()"],
                           env)
            fixtures = json.loads(setup.strip().splitlines()[-1])
            with gunicorn(env, scratch / "gunicorn.log", options) as base:
                results += _measure(base, fixtures, database_url, server,
                                    judged=server == PRODUCTION)
    return results


def _measure(base: str, fixtures: dict, database_url: str, server: str,
             judged: bool) -> list[Result]:
    slot_ids, tokens = fixtures["slot_ids"], fixtures["tokens"]
    me = [("GET", f"{base}/api/v1/me", token) for token in tokens]
    _fire(me, "warm-up")  # every worker opens its database connections before anything is timed
    reference = _fire(me, "GET /api/v1/me")
    # Visitor i books slot i % 10: 20 attempts per slot, interleaved, in a shuffled order.
    attempts = [("POST", f"{base}/api/v1/visit-slots/{slot_ids[i % SLOTS]}/bookings", token)
                for i, token in enumerate(tokens)]
    random.Random(6).shuffle(attempts)
    booking = _fire(attempts, "booking")

    statuses = _tally(code for code, _, _ in booking.responses)
    bodies = _tally(body for code, body, _ in booking.responses if code == 201)
    errors = [(code, body) for code, body, _ in booking.responses
              if code != 201 or body not in BOOKED]
    per_slot = _bookings_per_slot(database_url, slot_ids)
    wrong_slots = {slot_id: counts for slot_id, counts in per_slot.items()
                   if counts != {"confirmed": SEATS, "waitlisted": ATTEMPTS_PER_SLOT - SEATS,
                                 "first_arrivals_confirmed": True}}
    confirmed = sum(counts.get("confirmed", 0) for counts in per_slot.values())
    exact = not errors and not wrong_slots and reference.errors == 0

    note(NAME, f"{server}: {VISITORS} attempts from {THREADS} threads, PostgreSQL; "
               f"HTTP statuses {statuses}, booking outcomes {bodies}")
    note(NAME, f"{server}: booking median {booking.median_ms:.1f} ms, p95 {booking.p95_ms:.1f} ms, "
               f"max {booking.max_ms:.1f} ms, {booking.throughput:.0f} req/s; GET /api/v1/me "
               f"median {reference.median_ms:.1f} ms, p95 {reference.p95_ms:.1f} ms, "
               f"{reference.throughput:.0f} req/s")
    if errors:
        note(NAME, f"{len(errors)} attempts did not book: {errors[:5]}")
    if wrong_slots:
        note(NAME, f"slots not ending with {SEATS} confirmed (the first arrivals) and "
                   f"{ATTEMPTS_PER_SLOT - SEATS} waitlisted: {wrong_slots}")
    if reference.errors:
        note(NAME, f"{reference.errors} GET /api/v1/me requests failed")
    bar = "no overbooking and no error responses"
    return [
        Result(NAME, f"{server}: confirmed seats after {VISITORS} concurrent attempts on "
                     f"{SLOTS} slots (of {SLOTS * SEATS} offered; exactly {SEATS} per slot)",
               confirmed, SLOTS * SEATS, "seats", bar, exact),
        Result(NAME, f"{server}: booking attempts answered 201 confirmed/waitlisted (of all "
                     "attempts)", VISITORS - len(errors), VISITORS, "responses", bar, exact),
        Result(NAME, f"{server}: booking throughput at {THREADS} concurrent clients vs "
                     "GET /api/v1/me", booking.throughput, reference.throughput, "req/s",
               "reported", True),
        Result(NAME, f"{server}: booking p95 latency vs GET /api/v1/me p95, same concurrency",
               booking.p95_ms, reference.p95_ms, "ms", "at most 2x" if judged else "reported",
               booking.p95_ms <= 2 * reference.p95_ms or not judged),
    ]


# --- the load --------------------------------------------------------------------------------

class Batch:
    """One burst of requests: (status, outcome, seconds) each, and its wall-clock time."""

    def __init__(self, responses: list[tuple[int, str, float]], wall_s: float):
        self.responses = responses
        self.wall_s = wall_s
        latencies = sorted(seconds * 1000 for _, _, seconds in responses)
        self.median_ms = statistics.median(latencies)
        self.p95_ms = statistics.quantiles(latencies, n=100, method="inclusive")[94]
        self.max_ms = latencies[-1]
        self.throughput = len(responses) / wall_s
        self.errors = sum(1 for code, _, _ in responses if code >= 400 or code == 0)


def _fire(requests_: list[tuple[str, str, str]], what: str) -> Batch:
    """All requests at once from THREADS threads, each with its own keep-alive session."""
    import requests

    local = threading.local()
    start_gate = threading.Barrier(THREADS)

    def session():
        if not hasattr(local, "session"):
            local.session = requests.Session()
            start_gate.wait(timeout=60)  # every thread ready before the first request goes out
        return local.session

    def one(request):
        method, url, token = request
        client = session()
        started = time.perf_counter()
        try:
            response = client.request(method, url, headers={"Authorization": f"Bearer {token}"},
                                      timeout=60)
        except requests.RequestException as error:
            return 0, f"{type(error).__name__}: {error}", time.perf_counter() - started
        elapsed = time.perf_counter() - started
        try:
            body = response.json()
        except ValueError:
            body = {}
        outcome = body.get("status") if response.status_code == 201 else body.get(
            "message", response.text[:200])
        return response.status_code, str(outcome), elapsed

    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix=f"bench-{NAME}") as pool:
        # Open every thread's session first (the barrier), so the burst is fully concurrent.
        list(pool.map(lambda _: session(), range(THREADS)))
        started = time.perf_counter()
        responses = list(pool.map(one, requests_))
        wall = time.perf_counter() - started
    if not responses:
        raise RuntimeError(f"{what}: no requests were sent")
    return Batch(responses, wall)


def _tally(values) -> dict:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: str(item[0])))


def _bookings_per_slot(database_url: str, slot_ids: list[int]) -> dict[int, dict]:
    """Counts by status per slot, read back from the database, and whether the confirmed
    bookings are exactly the slot's first SEATS arrivals (the waitlist is served in order)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT slot_id, status, position FROM bookings WHERE slot_id = ANY(:ids) "
                "ORDER BY slot_id, position"), {"ids": slot_ids}).all()
    finally:
        engine.dispose()
    per_slot: dict[int, dict] = {slot_id: {} for slot_id in slot_ids}
    arrivals: dict[int, list[str]] = {slot_id: [] for slot_id in slot_ids}
    for slot_id, status, _position in rows:
        per_slot[slot_id][status] = per_slot[slot_id].get(status, 0) + 1
        arrivals[slot_id].append(status)
    for slot_id, order in arrivals.items():
        per_slot[slot_id]["first_arrivals_confirmed"] = all(
            status == "confirmed" for status in order[:SEATS])
    return per_slot


# --- the setup, run inside the app with the server's environment -----------------------------

def seed_contention() -> None:
    """Create the visitors, the host's slots and one bearer token per visitor; print them as JSON.

    Run as `python -c` with the server's environment after `seed-demo`: one argon2 hash serves
    every visitor, and tokens are issued directly (no sign-in per visitor).
    """
    from datetime import datetime, timedelta
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from mastery_share import create_app
    from mastery_share.accounts.api_tokens import issue_api_token
    from mastery_share.accounts.models import School, User
    from mastery_share.accounts.services import hash_password
    from mastery_share.db_types import utcnow
    from mastery_share.extensions import db
    from mastery_share.visits.slots import create_slots

    app = create_app()
    with app.app_context():
        host = db.session.scalar(select(User).where(User.email == HOST_EMAIL))
        if host is None:
            raise RuntimeError(f"seed-demo made no {HOST_EMAIL}")
        schools = db.session.scalars(select(School).order_by(School.id)).all()
        password_hash = hash_password(secrets.token_urlsafe(16))
        visitors = [User(email=f"visitor{number:03d}@bench.example.org",
                         name=f"Visitor {number:03d}", role="teacher",
                         school=schools[number % len(schools)], district=host.district,
                         password_hash=password_hash)
                    for number in range(VISITORS)]
        db.session.add_all(visitors)
        db.session.commit()

        zone = ZoneInfo(host.school.time_zone)
        first_day = utcnow().astimezone(zone).date() + timedelta(days=3)
        slot_ids = []
        for number in range(SLOTS):
            day = first_day + timedelta(days=number // 5)
            starts_at = datetime.combine(day, clock(8 + number % 5), tzinfo=zone)
            slot = create_slots(host, {"starts_at": starts_at, "duration_min": 45,
                                       "capacity": SEATS, "room": str(10 + number),
                                       "focus": "Station rotation in 4th grade math"})[0]
            slot_ids.append(slot.id)
        tokens = [issue_api_token(visitor)[0] for visitor in visitors]
        db.session.remove()
        db.engine.dispose()
    print(json.dumps({"slot_ids": slot_ids, "tokens": tokens}))


# --- PostgreSQL, Redis, the server and the processes --------------------------------------------

@contextmanager
def empty_queue():
    """The run's Redis database, flushed before and after; a clear error without Redis."""
    import redis

    queue = redis.Redis.from_url(QUEUE_URL)
    try:
        queue.flushdb()
    except redis.RedisError as error:
        raise RuntimeError(f"the booking benchmark needs Redis at {QUEUE_URL} (set "
                           f"MASTERY_BENCH_REDIS_URL to another server): {error}") from error
    try:
        yield
    finally:
        queue.flushdb()
        queue.close()


@contextmanager
def fresh_database():
    """An empty PostgreSQL database for this run, dropped afterwards; a clear error when the
    server is not there."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    name = f"mastery_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        raise RuntimeError(
            f"the booking benchmark needs PostgreSQL at {ADMIN_URL} (set "
            f"MASTERY_BENCH_POSTGRES_URL to another server): {str(error).splitlines()[0]}"
        ) from error
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _server_env(scratch: Path, database_url: str) -> dict:
    env = {**os.environ,
           "MASTERY_DATABASE_URL": database_url,
           "MASTERY_DATA_DIR": str(scratch / "data"),
           "MASTERY_SECRET_KEY": secrets.token_hex(32),
           # The scale-out topology's queue. Mail is queued for a worker nobody runs during
           # the bench: it piles up unsent, and the database is flushed before and after.
           "MASTERY_QUEUE_URL": QUEUE_URL,
           "MASTERY_RATELIMIT_STORAGE_URL": "memory://",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for name in ("MASTERY_ENV", "MASTERY_SMTP_URL"):
        env.pop(name, None)
    return env


@contextmanager
def gunicorn(env: dict, log_path: Path, options: tuple[str, ...]):
    """gunicorn with `options` on a free loopback port; yields its base URL, stops it after."""
    port = _free_port()
    with open(log_path, "wb") as log:  # the server keeps its own copy of the descriptor
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *options, "--timeout", "120",
             "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, log_path)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        failures = [line for line in log_path.read_text(errors="replace").splitlines()
                    if "Traceback" in line or "[ERROR]" in line]
        if failures:
            note(NAME, f"gunicorn logged {len(failures)} error line(s), first: {failures[0][:200]}")


def _check(argv: list[str], env: dict) -> str:
    completed = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                               check=False, timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[2:])[:120]} failed: {completed.stderr.strip()[-2000:]}")
    return completed.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _workers_of(pid: int) -> int:
    try:
        return len(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return 0


def _wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=10).ok and _workers_of(server.pid) >= WORKERS:
                return
        except requests.RequestException:
            pass  # not listening yet, or still importing the app on a busy machine
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 120 s: {log.read_text()[-2000:]}")

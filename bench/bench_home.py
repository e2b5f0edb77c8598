"""The home page of each role at district scale (issue 14): the spread benchmark's district
(40 schools, 2,000 teachers, 20,000 videos, 10,000 tries, a school year of visits and
affirmations, and a year of notifications for every member) plus the weeks around today: 300 open classrooms in the next three weeks with
bookings, pending approvals, and comments on the measured teacher's videos. Served by
gunicorn on SQLite built by the real migrations.

Each role's home (teacher, coach, principal, admin) is timed against GET /healthz in the same
interleaved rounds, one request at a time; the SQL statements of each page are counted in a
process of their own (tests/home asserts they do not grow with the data). The bar: the
teacher's home within 15x of /healthz at the median.
"""
from __future__ import annotations

import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from . import bench_spread as district
from .harness import Result, note, scratch_dir, section

NAME = "home"
ROUNDS = 60
CPU_ROUNDS = 15
TARGET = 15
UPCOMING_SLOTS = 300
MEMBERS = {
    "teacher": "teacher0002@bench.example.org",
    "coach": "coach@bench.example.org",
    "principal": district.PRINCIPAL,
    "admin": "admin@bench.example.org",
}


def run() -> list[Result]:
    with scratch_dir() as scratch:
        env = district._server_env(scratch)
        started = time.perf_counter()
        district._check([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env)
        district._check([sys.executable, "-c", "from bench.bench_home import build; build()"],
                        env)
        built = time.perf_counter() - started
        counted = _counted(env)
        with district._gunicorn(env, scratch / "gunicorn.log") as base:
            timings = _measure(base)
    return _report(timings, counted, built)


def build() -> None:
    from mastery_share import create_app

    app = create_app()
    with app.app_context():
        rng = random.Random(14)
        district._insert_all(rng)
        _insert_around_today(rng)


def _insert_around_today(rng: random.Random) -> None:
    """Members of every role, the next weeks' open classrooms, and the teacher's feedback."""
    from sqlalchemy import insert, select

    from mastery_share.accounts.models import Practice, User
    from mastery_share.comments.models import Comment
    from mastery_share.extensions import db
    from mastery_share.videos.models import Video
    from mastery_share.visits.models import Booking, VisitSlot

    now = datetime.now(UTC)
    template = db.session.scalar(select(User).where(User.email == district.PRINCIPAL))
    base = {"password_hash": template.password_hash, "district_id": 1, "grade_bands": ["3-5"],
            "subjects": [], "created_at": now, "session_nonce": "bench-nonce-"}
    db.session.execute(insert(User), [
        {**base, "email": MEMBERS["coach"], "name": "Coach", "role": "coach", "school_id": 1,
         "session_nonce": "bench-coach"},
        {**base, "email": MEMBERS["admin"], "name": "Admin", "role": "admin", "school_id": None,
         "session_nonce": "bench-admin"}])
    teacher = db.session.scalar(select(User).where(User.email == MEMBERS["teacher"]))
    teacher.grade_bands = ["3-5"]
    teacher.new_to_practices = list(db.session.scalars(select(Practice).limit(3)))
    school_of = dict(db.session.execute(select(User.id, User.school_id)).all())
    teachers = [user_id for user_id, school in school_of.items() if school]
    slots, bookings = [], []
    first_id = (db.session.scalar(select(VisitSlot.id).order_by(VisitSlot.id.desc())) or 0) + 1
    for number in range(UPCOMING_SLOTS):
        host = rng.choice(teachers)
        start = now + timedelta(days=rng.randrange(1, 21), hours=rng.randrange(0, 8))
        slot_id = first_id + number
        slots.append({"id": slot_id, "host_id": host, "school_id": school_of[host],
                      "district_id": 1, "starts_at": start,
                      "ends_at": start + timedelta(minutes=45), "capacity": 3,
                      "status": "open", "created_at": now, "updated_at": now})
        visitors = rng.sample(teachers, rng.choice((0, 1, 2, 3)))
        for position, visitor in enumerate(visitors, start=1):
            status = "pending_approval" if school_of[visitor] == 1 and position == 1 \
                else "confirmed"
            bookings.append({"slot_id": slot_id, "visitor_id": visitor, "position": position,
                             "status": status, "created_at": now, "updated_at": now})
    db.session.execute(insert(VisitSlot), slots)
    db.session.execute(insert(Booking), bookings)
    mine = list(db.session.scalars(select(Video.id).where(Video.owner_id == teacher.id)))
    if mine:
        db.session.execute(insert(Comment), [
            {"video_id": rng.choice(mine), "author_id": rng.choice(teachers),
             "kind": rng.choice(("question", "note", "affirmation")), "body": "Thank you",
             "at_s": 0.0, "created_at": now - timedelta(days=rng.randrange(0, 40))}
            for _ in range(40)])
    _insert_notifications(rng, list(school_of), now)
    db.session.commit()


NOTIFICATIONS_PER_MEMBER = 40


def _insert_notifications(rng: random.Random, member_ids: list[int], now: datetime) -> None:
    """A year of notifications for every member (80,000 rows at 2,000 members), a few unread:
    the bell on every page counts them."""
    from sqlalchemy import insert

    from mastery_share.extensions import db
    from mastery_share.notifications.models import Notification

    rows = []
    for member in member_ids:
        for number in range(NOTIFICATIONS_PER_MEMBER):
            at = now - timedelta(days=rng.randrange(0, 365), minutes=rng.randrange(0, 1440))
            rows.append({"user_id": member, "kind": "booking_made", "created_at": at,
                         "text": "A colleague signed up to visit your classroom.",
                         "url": "/visits/mine", "read_at": None if number < 3 else at})
    db.session.execute(insert(Notification), rows)


def _signed_in(base: str, email: str, user_agent: str | None = None):
    import requests

    session = requests.Session()
    if user_agent:  # a session is tied to its browser's User-Agent (strong protection)
        session.headers["User-Agent"] = user_agent
    form = session.get(f"{base}/sign-in", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    answer = session.post(f"{base}/sign-in", data={"email": email, "password": district.PASSWORD,
                                                   "csrf_token": token},
                          allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise RuntimeError(f"signing in as {email} answered {answer.status_code}")
    return session


def _measure(base: str) -> dict[str, list[float]]:
    sessions = {role: _signed_in(base, email) for role, email in MEMBERS.items()}
    sessions["healthz"] = sessions["teacher"]
    paths = {role: "/" for role in MEMBERS} | {"healthz": "/healthz"}
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for name, path in paths.items():
        for _ in range(3):
            response = sessions[name].get(base + path, timeout=60)
            if response.status_code != 200 or (name != "healthz" and "Welcome" not in response.text):
                raise RuntimeError(f"{name}'s GET {path} answered {response.status_code}")
    for _ in range(ROUNDS):
        for name, path in paths.items():
            started = time.perf_counter()
            response = sessions[name].get(base + path, timeout=60)
            timings[name].append(time.perf_counter() - started)
            assert response.status_code == 200
    return timings


def _counted(env: dict) -> dict[str, float]:
    output = district._check([sys.executable, "-c",
                              "from bench.bench_home import count_queries; count_queries()"], env)
    return {name: float(value) for name, value in
            (line.split("=") for line in output.split() if "=" in line)}


def count_queries() -> None:
    """SQL statements and CPU milliseconds of each role's home, in-process."""
    from sqlalchemy import event

    from mastery_share import create_app
    from mastery_share.extensions import db

    app = create_app()
    with app.app_context():
        engine = db.engine
    for role, email in (*MEMBERS.items(), ("healthz", MEMBERS["teacher"])):
        client = app.test_client()
        form = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        client.post("/sign-in", data={"email": email, "password": district.PASSWORD,
                                      "csrf_token": token})
        path = "/healthz" if role == "healthz" else "/"
        client.get(path)
        statements: list[int] = []

        def listener(*args, seen=statements):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            status = client.get(path).status_code
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        if status != 200:
            raise RuntimeError(f"{role}'s GET {path} answered {status}")
        cpu = []
        for _ in range(CPU_ROUNDS):
            started = time.thread_time()
            client.get(path)
            cpu.append(time.thread_time() - started)
        print(f"{role}={len(statements)} {role}_cpu_ms={statistics.median(cpu) * 1000:.3f}")


def _report(timings: dict[str, list[float]], counted: dict[str, float],
            built: float) -> list[Result]:
    health = statistics.median(timings["healthz"]) * 1000
    health_cpu = counted.get("healthz_cpu_ms", float("nan"))
    rows, results = [], []
    for name in (*MEMBERS, "healthz"):
        median = statistics.median(timings[name]) * 1000
        cpu = counted.get(f"{name}_cpu_ms", float("nan"))
        label = f"the {name}'s home `/`" if name in MEMBERS else "GET /healthz"
        target = ("met" if median <= TARGET * health else "NOT met") if name == "teacher" else ""
        rows.append(f"| {label} | {median:.1f} ms | {district._p95(timings[name]):.1f} ms | "
                    f"{median / health:.1f}x | {cpu:.1f} ms | {cpu / health_cpu:.1f}x | "
                    f"{counted.get(name, float('nan')):.0f} | {target} |")
        if name in MEMBERS:
            bar = f"at most {TARGET}x /healthz, median" if name == "teacher" else "reported"
            results.append(Result(NAME, f"the {name}'s home page vs GET /healthz, median",
                                  median, health, "ms", bar,
                                  median <= TARGET * health if name == "teacher" else True))
    ratio = statistics.median(timings["teacher"]) * 1000 / health
    summary = (f"The teacher's home is {ratio:.1f}x GET /healthz at the median over HTTP: the "
               f"{TARGET}x target is {'met' if ratio <= TARGET else 'not met'}.")
    section("Home pages by role (bench_home)", "\n".join([
        (f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: the spread "
         f"benchmark's district ({district.SCHOOLS} schools, {district.TEACHERS:,} teachers, "
         f"{district.VIDEOS:,} videos, {district.TRIES:,} tries, {district.SLOTS:,} visits of "
         f"the past school year) plus {UPCOMING_SLOTS} open classrooms in the next three weeks "
         f"with bookings and pending approvals, built in {built:.0f} s; gunicorn with one "
         f"worker, {ROUNDS} interleaved rounds, one request at a time. CPU is the request "
         f"thread's own (median of {CPU_ROUNDS} in-process requests). Load average at the end: "
         f"{os.getloadavg()[0]:.1f}."),
        "", summary, "",
        "| page | median | p95 | median vs /healthz | CPU per request | CPU vs /healthz | "
        "SQL queries | 15x target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |", *rows,
    ]))
    note(NAME, summary)
    return results

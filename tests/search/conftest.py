"""Videos for search tests: ready videos recorded straight in the database (fast) and put in
the index through the real outbox queue, plus people at every distance from their owner.

Every test here runs against both search backends (`search_kind`): Whoosh on SQLite, and
PostgreSQL full-text search on one PostgreSQL database migrated once per session and emptied
before each test. A test or module that only concerns one backend sets `search_kind`."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import upgrade
from huey.signals import SIGNAL_ERROR
from sqlalchemy import MetaData, create_engine, delete

from mastery_share import create_app
from mastery_share.accounts.models import District, User
from mastery_share.extensions import db
from mastery_share.search.queue import reindex_video_later
from mastery_share.jobs import huey
from mastery_share.transaction import commit
from mastery_share.videos.fields import practices_by_slug
from mastery_share.videos.models import Video, VideoStatus
from mastery_share.videos.services import replace_captions
from tests.conftest import build_app, make_school
from tests.postgres import fresh_postgres_database
from tests.videos.conftest import clips, share  # noqa: F401  (the real upload pipeline)

BASE_TIME = datetime(2024, 9, 1, 8, 0, tzinfo=UTC)
# Seeded by the migrations, and kept between tests.
KEPT_TABLES = {"alembic_version", "practices"}


@pytest.fixture(params=["whoosh", pytest.param("postgres", marks=pytest.mark.postgres)])
def search_kind(request) -> str:
    """MASTERY_SEARCH for the test's app."""
    return request.param


# For tests about one backend only (or about nothing a backend does).
whoosh_only = pytest.mark.parametrize("search_kind", ["whoosh"])
postgres_only = pytest.mark.parametrize(
    "search_kind", [pytest.param("postgres", marks=pytest.mark.postgres)])


class PostgresSearchDatabase:
    """One migrated PostgreSQL database for the session, emptied before each test (creating
    a database per test would cost a third of a second each, TRUNCATE a fifth)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = create_engine(url)
        schema = MetaData()
        schema.reflect(self._engine)
        # Children before parents, so every DELETE satisfies the foreign keys.
        self._tables = [table for table in reversed(schema.sorted_tables)
                        if table.name not in KEPT_TABLES]

    def empty(self) -> None:
        with self._engine.begin() as connection:
            for table in self._tables:
                connection.execute(delete(table))

    def close(self) -> None:
        self._engine.dispose()


@pytest.fixture(scope="session")
def postgres_search_database(tmp_path_factory):
    with fresh_postgres_database() as url:
        migrating = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("pg-search")),
                                "SQLALCHEMY_DATABASE_URI": url})
        with migrating.app_context():
            upgrade()
            db.engine.dispose()
        database = PostgresSearchDatabase(url)
        yield database
        database.close()


@pytest.fixture
def app(request, search_kind, tmp_path, migrated_template, app_overrides):
    if search_kind == "postgres":
        database = request.getfixturevalue("postgres_search_database")
        database.empty()
        app = create_app({"DATA_DIR": str(tmp_path / "data"), "SEARCH": "postgres",
                          "SQLALCHEMY_DATABASE_URI": database.url, **app_overrides})
    else:
        app = build_app(tmp_path / "data", migrated_template, **app_overrides)
    with app.app_context():
        yield app
        db.session.remove()
        backend = app.extensions.get("search_backend")
        if hasattr(backend, "dispose"):
            backend.dispose()  # its own pool: closed before the database is emptied or dropped
        db.engine.dispose()


def vtt(*cues: tuple[float, str]) -> bytes:
    """A WebVTT file with one two-second cue per (start seconds, text)."""
    def stamp(seconds: float) -> str:
        return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:06.3f}"

    blocks = [f"{stamp(start)} --> {stamp(start + 2)}\n{text}" for start, text in cues]
    return ("WEBVTT\n\n" + "\n\n".join(blocks) + "\n").encode()


def written_in_vtt(text: str) -> str:
    """Cue text as WebVTT writes these characters (a bare "<b>" would be cue markup)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unmarked(snippet: str) -> str:
    """A snippet without its <mark> tags: the escaped text it shows."""
    return re.sub(r"</?mark[^>]*>", "", snippet)


def marks(html: str) -> str:
    """HTML with every <mark ...> written the same way, whatever the backend's classes."""
    return re.sub(r"<mark [^>]*>", "<mark>", html)


@pytest.fixture
def ready_video(app):
    """ready_video(owner, title=..., captions=[(start_s, text)], minutes_ago=...) -> Video.

    The row is written as processing leaves it (status ready), then queued for the index
    exactly as processing does, and indexed when the transaction commits."""
    made = []

    def factory(owner: User, *, title: str = "A lesson", description: str = "",
                practices=("flexible-grouping",), grade_band: str = "3-5", subject: str = "Math",
                visibility: str = "district", captions=None, minutes_ago: int | None = None):
        prefix = f"videos/{uuid.uuid4().hex}/"
        created = BASE_TIME + timedelta(minutes=len(made) if minutes_ago is None
                                        else -minutes_ago)
        video = Video(owner_id=owner.id, school_id=owner.school_id,
                      district_id=owner.district_id, title=title, description=description,
                      grade_band=grade_band, subject=subject, visibility=visibility,
                      media_release=True, status=VideoStatus.READY.value, progress=100,
                      media_prefix=prefix, original_key=f"{prefix}original.mp4",
                      original_filename="lesson.mp4", original_bytes=1, duration_s=60.0,
                      created_at=created)
        video.practices = practices_by_slug(practices)
        db.session.add(video)
        db.session.flush()
        reindex_video_later(video.id)
        commit()
        if captions:
            replace_captions(owner, video.id, "captions.vtt", vtt(*captions))
        made.append(video)
        return video

    return factory


@pytest.fixture
def people(make_user, other_school, district):
    """Everyone whose view of a video differs: keyed by their relation to `owner`."""
    far_district = District(name="Far District", slug="far")
    db.session.add(far_district)
    db.session.commit()
    far_school = make_school(far_district, "Far School", "America/Los_Angeles")
    far_teacher = User(email="far@example.org", name="Far Teacher", role="teacher",
                       school=far_school, district=far_district,
                       password_hash=make_user("teacher").password_hash)
    far_admin = User(email="far-admin@example.org", name="Far Admin", role="admin",
                     district=far_district, password_hash=far_teacher.password_hash)
    db.session.add_all([far_teacher, far_admin])
    db.session.commit()
    return {
        "owner": make_user("teacher", name="Olive Owner"),
        "same_school": make_user("teacher"),
        "other_school": make_user("teacher", school_=other_school),
        "admin": make_user("admin"),
        "other_district": far_teacher,
        "other_district_admin": far_admin,
    }


# Who may see a video of each visibility (see videos/visibility.py).
EXPECTED = {
    "private": {"owner", "admin"},
    "school": {"owner", "same_school", "admin"},
    "district": {"owner", "same_school", "other_school", "admin"},
    "network": {"owner", "same_school", "other_school", "admin", "other_district",
                "other_district_admin"},
}


@pytest.fixture(autouse=True)
def no_failed_tasks():
    """Huey reports a task's exception (even in immediate mode) instead of raising it, and
    its logger is silenced by Alembic's logging setup: a failed index write must still fail
    the test, so failures are collected from Huey's error signal."""
    failures = []

    def record(signal, task, exc=None):
        failures.append(f"{task.name}: {exc!r}")

    huey.signal(SIGNAL_ERROR)(record)
    yield failures
    huey.disconnect_signal(record, SIGNAL_ERROR)
    assert not failures

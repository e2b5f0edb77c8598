"""The generated library as real rows (district, schools, teachers, ready videos with their
practices) and stored captions files, so the full app can search it: GET /api/v1/search loads
the hits' Video rows, and `flask search reindex` reads the videos and their captions.

Rows go in by bulk INSERTs in chunks, never one ORM object at a time.
"""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .search_corpus import DISTRICT_ID, SCHOOLS, Corpus, VideoSpec

PASSWORD = "bench-search-password"
CHUNK = 2000
ROOT = Path(__file__).resolve().parent.parent


def database_practices() -> tuple[tuple[str, str], ...]:
    """The practices the migrations put in the database, as (slug, name)."""
    from sqlalchemy import select

    from mastery_share.accounts.models import Practice
    from mastery_share.extensions import db

    return tuple(db.session.execute(select(Practice.slug, Practice.name)
                                    .order_by(Practice.position)).all())


def insert_people(corpus: Corpus) -> None:
    from sqlalchemy import insert

    from mastery_share.accounts.models import District, School, User
    from mastery_share.accounts.services import hash_password
    from mastery_share.extensions import db

    now = datetime.now(UTC)
    db.session.execute(insert(District), [{"id": DISTRICT_ID, "name": "Bench District",
                                           "slug": "bench", "created_at": now}])
    db.session.execute(insert(School), [
        {"id": school_id, "district_id": DISTRICT_ID, "name": name,
         "time_zone": "America/Chicago", "created_at": now} for school_id, name in SCHOOLS.items()])
    password = hash_password(PASSWORD)  # one hash for everyone: hashing is not measured
    db.session.execute(insert(User), [
        {"id": teacher.user_id, "email": teacher.email, "name": teacher.name, "role": "teacher",
         "district_id": DISTRICT_ID, "school_id": teacher.school_id, "password_hash": password,
         "session_nonce": secrets.token_urlsafe(12), "grade_bands": [], "subjects": [],
         "created_at": now} for teacher in corpus.teachers])
    db.session.commit()


def captions_key(video_id: int) -> str:
    return f"bench-captions/{video_id // 1000:04d}/{video_id}.vtt"


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    return (f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:"
            f"{millis // 1000 % 60:02d}.{millis % 1000:03d}")


def captions_vtt(spec: VideoSpec) -> str:
    lines = ["WEBVTT", ""]
    for position, text in enumerate(spec.cue_texts):
        start = spec.cue_start(position)
        lines += [f"{_timestamp(start)} --> {_timestamp(start + 9.5)}", text, ""]
    return "\n".join(lines)


def insert_videos(corpus: Corpus, first: int, last: int, media_root: Path) -> None:
    """Ready videos first..last (ids), their practices and their captions files."""
    for start in range(first, last + 1, CHUNK):
        specs = list(corpus.videos(start, min(last, start + CHUNK - 1)))
        insert_specs(specs, media_root)


def insert_specs(specs: list[VideoSpec], media_root: Path) -> None:
    from sqlalchemy import insert, select

    from mastery_share.accounts.models import Practice
    from mastery_share.extensions import db
    from mastery_share.videos.models import Video, video_practices

    practice_ids = dict(db.session.execute(select(Practice.slug, Practice.id)).all())
    now = datetime.now(UTC)
    db.session.execute(insert(Video), [_video_row(spec, now) for spec in specs])
    db.session.execute(insert(video_practices), [
        {"video_id": spec.video_id, "practice_id": practice_ids[slug]}
        for spec in specs for slug in spec.practice_slugs])
    db.session.commit()
    for spec in specs:
        path = media_root / captions_key(spec.video_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(captions_vtt(spec), encoding="utf-8")


def _video_row(spec: VideoSpec, now: datetime) -> dict:
    prefix = f"videos/bench-{spec.video_id}/"
    return {"id": spec.video_id, "owner_id": spec.owner.user_id,
            "school_id": spec.owner.school_id, "district_id": DISTRICT_ID,
            "title": spec.title, "description": spec.description,
            "grade_band": spec.grade_band, "subject": spec.subject,
            "visibility": spec.visibility, "level": spec.level, "media_release": True,
            "status": "ready", "progress": 100, "duration_s": 300.0, "media_prefix": prefix,
            "original_key": f"{prefix}original.mp4", "original_filename": "lesson.mp4",
            "original_bytes": 1, "captions_key": captions_key(spec.video_id),
            "captions_source": "uploaded", "auto_transcripts": False,
            "created_at": spec.created_at, "updated_at": now}


def delete_videos(video_ids: list[int]) -> None:
    from sqlalchemy import delete

    from mastery_share.extensions import db
    from mastery_share.videos.models import SearchQueueEntry, Video, video_practices

    db.session.execute(delete(video_practices).where(video_practices.c.video_id.in_(video_ids)))
    db.session.execute(delete(Video).where(Video.id.in_(video_ids)))
    db.session.execute(delete(SearchQueueEntry).where(SearchQueueEntry.video_id.in_(video_ids)))
    db.session.commit()


# --- the app served over HTTP --------------------------------------------------------------

def server_env(config) -> dict:
    """The environment of a gunicorn serving the same data dir, database and search engine
    as the app `config` belongs to."""
    env = {**os.environ, "MASTERY_DATA_DIR": config["DATA_DIR"],
           "MASTERY_SECRET_KEY": secrets.token_hex(32),
           "MASTERY_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
           "MASTERY_SEARCH": config.get("SEARCH", "whoosh"),
           "MASTERY_RATELIMIT_STORAGE_URL": "memory://",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for name in ("MASTERY_ENV", "MASTERY_SMTP_URL"):
        env.pop(name, None)
    return env


@contextmanager
def served(config, log_path: Path):
    """gunicorn (one worker, as bench_spread) on the app's data; yields a requests session
    signed in by API token as the viewer, and the base URL."""
    import requests

    from .bench_spread import _gunicorn
    from .search_corpus import VIEWER_ID

    with _gunicorn(server_env(config), log_path) as base:
        email = f"teacher{VIEWER_ID:03d}@bench.example.org"
        answer = requests.post(f"{base}/api/v1/tokens", auth=(email, PASSWORD), timeout=60)
        if answer.status_code != 201 and answer.status_code != 200:
            raise RuntimeError(f"POST /api/v1/tokens answered {answer.status_code}: "
                               f"{answer.text[:300]}")
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        yield session, base

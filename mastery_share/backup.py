"""`flask backup` and `flask restore`: the database, a manifest of every media object, and the
media itself when it lives in the local store (an S3 bucket keeps its own copies; the manifest
still lists what the database expects there).

An archive is one .tar: `manifest.json`, `database.sqlite3` (SQLite's online backup, safe
while the app runs) or `database.pgdump` (pg_dump's custom format), and `media/<key>` files.
Restore goes into an empty instance only (no member yet): it checks every file against the
manifest's SHA-256 before touching anything, then loads the database and the media, and
rebuilds the search index from the restored rows.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from .extensions import db

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on, with the reason in words."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _database_kind() -> str:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


def _libpq_url() -> str:
    """pg_dump and pg_restore want a plain postgresql:// URL, not SQLAlchemy's driver form."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _dump_database(folder: Path) -> str:
    kind = _database_kind()
    if kind == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database)
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)  # a consistent copy, even while the app writes
        source.close()
        copy.close()
        return target.name
    if kind == "postgresql":
        target = folder / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url()])
        return target.name
    raise BackupError(f"Backing up a {kind} database is not supported.")


def _run(argv: list[str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is needed (Debian: apt-get install postgresql-client).")
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {done.stderr.strip()[:500]}")


def _media_keys() -> list[str]:
    from .videos.models import Rendition, Video

    keys: set[str] = set()
    for row in db.session.execute(select(Video.original_key, Video.poster_key,
                                         Video.captions_key)):
        keys.update(key for key in row if key)
    keys.update(db.session.scalars(select(Rendition.storage_key)
                                   .where(Rendition.storage_key.is_not(None))))
    return sorted(keys)


def create_backup(archive: Path) -> dict:
    """Write the archive; returns its manifest."""
    from .videos.storage_access import media_storage

    from .media.storage.local import LocalStorage

    storage = media_storage()
    local_store = isinstance(storage, LocalStorage)
    with tempfile.TemporaryDirectory(dir=current_app.config["DATA_DIR"]) as scratch:
        folder = Path(scratch)
        database = _dump_database(folder)
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        media = []
        for key in _media_keys():
            path = storage.local_path(key) if local_store else None
            if local_store and (path is None or not path.is_file()):
                media.append({"key": key, "missing": True})
                continue
            entry = {"key": key}
            if path is not None:
                entry.update(bytes=path.stat().st_size, sha256=_sha256(path))
            media.append(entry)
        manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
                    "database": _database_kind(), "database_file": database,
                    "alembic_revision": revision,
                    "storage": "local" if local_store else "s3", "media": media}
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(f".{archive.name}.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(folder / "manifest.json", arcname="manifest.json")
            tar.add(folder / database, arcname=database)
            for entry in media:
                if "sha256" in entry:
                    tar.add(storage.local_path(entry["key"]), arcname=f"media/{entry['key']}")
        os.replace(partial, archive)  # never a half archive under the real name
    return manifest


def _is_empty() -> bool:
    from .accounts.models import User

    try:
        return not db.session.scalar(select(func.count()).select_from(User))
    except Exception:  # noqa: BLE001 - no tables yet is empty too
        db.session.rollback()
        return True


def restore_backup(archive: Path) -> dict:
    """Load the archive into this (empty) instance; returns its manifest."""
    from .videos.storage_access import media_storage

    if not _is_empty():
        raise BackupError("This instance already has members: restore only into an empty one "
                          "(a new data directory or database).")
    with tempfile.TemporaryDirectory(dir=current_app.config["DATA_DIR"]) as scratch:
        folder = Path(scratch)
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")  # refuses absolute paths and links out
        manifest = json.loads((folder / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("This archive was made by another version of Mastery Share.")
        if manifest["database"] != _database_kind():
            raise BackupError(f"This archive holds a {manifest['database']} database; this "
                              f"instance uses {_database_kind()}.")
        for entry in manifest["media"]:
            if "sha256" in entry and _sha256(folder / "media" / entry["key"]) != entry["sha256"]:
                raise BackupError(f"{entry['key']} in the archive is damaged; nothing restored.")
        _load_database(folder / manifest["database_file"], manifest["database"])
        storage = media_storage()
        for entry in manifest["media"]:
            if "sha256" in entry:
                storage.save(entry["key"], folder / "media" / entry["key"])
    _rebuild_search()
    return manifest


def _load_database(dump: Path, kind: str) -> None:
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        target = sqlite3.connect(make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database)
        source = sqlite3.connect(dump)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq_url()}",
              str(dump)])


def _rebuild_search() -> None:
    from .search.indexing import rebuild_index

    rebuild_index()

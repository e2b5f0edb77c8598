"""Where the Whoosh index lives, how a rebuilt one is swapped in, and the one-writer lock.

    <DATA_DIR>/search/CURRENT       the name of the live index directory
    <DATA_DIR>/search/index-<...>/  index directories (the live one, and briefly the next)
    <DATA_DIR>/search/writer.lock   held (fcntl.flock) by whoever writes

A rebuild writes a fresh directory and then replaces CURRENT with os.replace, which is
atomic: a search reads either the old name or the new one, never half of either. Only one
writer at a time opens a Whoosh writer, in any thread or process, so Whoosh never raises
LockError when many videos finish at once.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import shutil
import struct
import threading
import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.index import IndexError as WhooshIndexError

from .backend import IndexMissing, IndexUnavailable
from .whoosh_query import index_schema

# What a missing, truncated or overwritten index raises when read.
DAMAGED_INDEX_ERRORS = (WhooshIndexError, OSError, EOFError, struct.error,
                        pickle.UnpicklingError, zlib.error)
# Opening reads a pickled table of contents, whose garbage can raise nearly anything (and
# Whoosh asserts on it): only while opening is any of these taken to mean "damaged".
_OPEN_ERRORS = (*DAMAGED_INDEX_ERRORS, AssertionError, ValueError, TypeError, KeyError,
                AttributeError, ImportError, IndexError, UnicodeDecodeError)


class _ClosingStorage(FileStorage):
    """Remembers the files it opened, so they can be closed when Whoosh gives up on a
    damaged index halfway through reading it (it leaves them open)."""

    def __init__(self, path: str, readonly: bool = False) -> None:
        super().__init__(path, readonly=readonly)
        self._opened: list = []

    def open_file(self, name, **kwargs):
        handle = super().open_file(name, **kwargs)
        self._opened.append(handle)
        return handle

    def close_files(self) -> None:
        for handle in self._opened:
            with contextlib.suppress(Exception):
                handle.close()
        self._opened.clear()


def close_index_files(index: Index) -> None:
    storage = getattr(index, "storage", None)
    if isinstance(storage, _ClosingStorage):
        storage.close_files()

# flock is per open file, so a thread that already holds the lock must not take it again
# (it would wait for itself): depth per thread and lock path.
_held = threading.local()


class IndexStore:
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.lock_path = self.root / "writer.lock"
        self.current_path = self.root / "CURRENT"

    def current_name(self) -> str | None:
        try:
            name = self.current_path.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        # Only a plain directory name inside root is followed, whatever the file says.
        return name if name.startswith("index-") and "/" not in name else None

    def open(self, name: str | None) -> Index:
        """The live index, or IndexUnavailable when it is missing or unreadable."""
        if name is None:
            raise IndexMissing("There is no search index yet.")
        return self._open(name, readonly=True)

    def _open(self, name: str, readonly: bool) -> Index:
        storage = _ClosingStorage(str(self.root / name), readonly=readonly)
        try:
            return storage.open_index(schema=index_schema())
        except _OPEN_ERRORS as error:
            storage.close_files()
            raise IndexUnavailable(f"The search index {name} cannot be opened: {error}") from error

    def open_for_writing(self) -> Index:
        name = self.current_name()
        if name is None:
            raise IndexMissing("There is no search index yet.")
        return self._open(name, readonly=False)

    def create_fresh(self) -> tuple[str, Index]:
        """A new, empty index directory (not live until make_current)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"index-{stamp}-{uuid.uuid4().hex[:8]}"
        schema = index_schema()
        path = self.root / name
        path.mkdir(parents=True)
        try:
            return name, FileStorage(str(path)).create_index(schema)
        except Exception:
            self.discard(name)
            raise

    def make_current(self, name: str) -> None:
        """Point CURRENT at `name` atomically, then remove the other index directories."""
        temporary = self.root / f"CURRENT.{uuid.uuid4().hex}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.current_path)
        self.remove_other_directories(keep=name)

    def remove_other_directories(self, keep: str) -> None:
        # A search that opened an old directory keeps its open files (POSIX); one that read
        # the old name but had not opened it yet sees CURRENT changed and retries.
        for path in self.root.glob("index-*"):
            if path.name != keep and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)

    def discard(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Block until this thread is the only index writer (re-entrant)."""
        depths = _held.__dict__.setdefault("depths", {})
        key = str(self.lock_path)
        if depths.get(key):
            depths[key] += 1
            try:
                yield
            finally:
                depths[key] -= 1
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            depths[key] = 1
            try:
                yield
            finally:
                depths[key] = 0
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

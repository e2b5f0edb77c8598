"""Where the Whoosh index lives, how a rebuilt one is swapped in, and the one-writer lock.

    <DATA_DIR>/search/CURRENT       the name of the live index directory
    <DATA_DIR>/search/index-<...>/  index directories (the live one, and briefly the next)
    <DATA_DIR>/search/writer.lock   held (fcntl.flock) by whoever writes

A rebuild writes a fresh directory and then replaces CURRENT with os.replace, which is
atomic: a search reads either the old name or the new one, never half of either. Only one
writer at a time opens a Whoosh writer, in any thread or process, so Whoosh never raises
LockError when many videos finish at once. Searches read through indexes kept open for the
life of the process (readers.py).
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
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.index import IndexError as WhooshIndexError
from whoosh.searching import Searcher

from ..backend import IndexMissing, IndexUnavailable
from .query import index_schema
from .schema import SCHEMA_VERSION

T = TypeVar("T")

# Written into each index directory a rebuild creates: a directory without it, or with another
# version, was written for other fields (e.g. before videos had a level) and is rebuilt.
VERSION_FILE = "mastery-schema-version"

# What a missing, truncated or overwritten index raises when read.
DAMAGED_INDEX_ERRORS = (WhooshIndexError, OSError, EOFError, struct.error,
                        pickle.UnpicklingError, zlib.error)
# Tries at opening an index or a searcher while writers remove files (see _open_retrying).
_OPEN_TRIES = 3
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


class _Attempt:
    """The files one attempt to open an index or a searcher opened, and whether one it
    wanted was missing (a writer removed it meanwhile)."""

    def __init__(self) -> None:
        self.opened: list = []
        self.missed_a_file = False

    def close_files(self) -> None:
        for handle in self.opened:
            with contextlib.suppress(Exception):
                handle.close()


class _ReadingStorage(FileStorage):
    """The storage of an index kept open for searching (read-only, segments memory-mapped).

    It lives as long as the process, so it does not remember every file it opened, only
    those of the current attempt of this thread (_open_retrying)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, readonly=True)
        self._attempts = threading.local()

    def open_file(self, name, **kwargs):
        attempt = getattr(self._attempts, "current", None)
        try:
            handle = super().open_file(name, **kwargs)
        except OSError:
            if attempt is not None:
                attempt.missed_a_file = True
            raise
        if attempt is not None:
            attempt.opened.append(handle)
        return handle

    @contextlib.contextmanager
    def attempt(self) -> Iterator[_Attempt]:
        attempt = _Attempt()
        self._attempts.current = attempt
        try:
            yield attempt
        except BaseException:
            attempt.close_files()  # Whoosh leaves them open when it gives up halfway
            raise
        finally:
            self._attempts.current = None


def _open_retrying(storage: _ReadingStorage, open_it: Callable[[], T],
                   closing: Callable[[T], None], what: str) -> T:
    """open_it() with every file it opened accounted for. When a writer removes a file while
    it is read (a merge, a swap), Whoosh either raises or tries again itself, leaving the
    first try's files open: either way everything is closed and it starts over."""
    for _ in range(_OPEN_TRIES):
        try:
            with storage.attempt() as attempt:
                opened = open_it()
        except _OPEN_ERRORS as error:
            if attempt.missed_a_file:
                continue
            raise IndexUnavailable(f"The search index cannot be {what}: {error}") from error
        if not attempt.missed_a_file:
            return opened
        closing(opened)
        attempt.close_files()
    raise IndexUnavailable(f"The search index kept changing while it was {what}.")


def open_searcher(index: Index) -> Searcher:
    """A new searcher on the latest commit of an index opened by IndexStore.open_for_reading;
    IndexUnavailable when its files cannot be read."""
    return _open_retrying(index.storage, index.searcher, _close_searcher, "read")


def _close_searcher(searcher: Searcher) -> None:
    with contextlib.suppress(Exception):
        searcher.close()


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

    def open_for_reading(self, name: str) -> Index:
        """The index directory `name`, opened to be kept for searching (open_searcher), or
        IndexUnavailable when it is missing or unreadable."""
        self._check_version(name)
        storage = _ReadingStorage(str(self.root / name))
        return _open_retrying(storage, lambda: storage.open_index(schema=index_schema()),
                              lambda index: None, "opened")

    def contents(self, name: str) -> tuple[tuple[str, int, int], ...]:
        """What the index directory holds now: each file's name, size and modification time.
        A commit adds files and a damaged file changes, so a searcher opened when this was
        the same still reads the same files; IndexUnavailable when the directory is gone."""
        found = []
        try:
            with os.scandir(self.root / name) as entries:
                for entry in entries:
                    with contextlib.suppress(FileNotFoundError):  # a merge removed it just now
                        status = entry.stat()
                        found.append((entry.name, status.st_size, status.st_mtime_ns))
        except OSError as error:
            raise IndexUnavailable(f"The search index {name} cannot be read: {error}") from error
        return tuple(sorted(found))

    def _check_version(self, name: str) -> None:
        try:
            version = (self.root / name / VERSION_FILE).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            version = None
        if version != SCHEMA_VERSION:
            raise IndexUnavailable(f"The search index {name} was built for other fields "
                                   f"(version {version or 1}, now {SCHEMA_VERSION}).")

    def _open(self, name: str, readonly: bool) -> Index:
        self._check_version(name)
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
            (path / VERSION_FILE).write_text(SCHEMA_VERSION, encoding="utf-8")
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

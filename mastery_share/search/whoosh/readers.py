"""The live Whoosh index of each index root, opened once per process, and searchers lent to
one query at a time.

Opening the index for every query (reading and unpickling its table of contents, opening
every segment file) cost more than most searches. Instead the directory CURRENT names is
opened once, and its searchers are kept in a small pool: a query borrows one and gives it
back (a searcher's open files each have one read position, so two threads never share one).

Before lending, the directory is looked at (one listing with sizes and times, microseconds):
- a commit adds files, so an older searcher is closed and a new one opened from the index
  already open. (Whoosh's own Searcher.refresh() is not used: in Whoosh-Reloaded 2.7.5 it
  keeps the segments a merge removed and misses deletions, so an edited video came back
  twice.)
- `flask search reindex` changes CURRENT, so the new directory is opened and the old one is
  closed once its last lent searcher comes back (a query already running finishes on it).
- files rewritten in place (a damaged index) change too: the reopen that follows fails and
  becomes IndexUnavailable (a notice, then a rebuild), as does a removed directory. This
  check also keeps an idle searcher from ever reading a segment file that was truncated
  under its memory map (which would kill the process with SIGBUS, not raise): only a query
  already running at that very moment is exposed, as it was when each query opened the
  index. (Reading without mmap would remove even that, at about 10% of every query.)
"""
from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

from whoosh.index import Index
from whoosh.searching import Searcher

from ..backend import IndexMissing
from .store import DAMAGED_INDEX_ERRORS, IndexStore, open_searcher

# Idle searchers kept per index: enough for the threads of a web process; a query beyond
# them opens its own searcher and closes it afterwards.
IDLE_SEARCHERS = 8
# A searcher is replaced after this many queries: Whoosh caches a figure per searched word
# in it, which arbitrary query text could otherwise grow for as long as the index is unchanged.
QUERIES_PER_SEARCHER = 1000
# Index roots kept open per process: one in production, many in a test run.
ROOTS_KEPT = 4

Contents = tuple[tuple[str, int, int], ...]


class _Lent:
    """A searcher and what its directory held when it was opened."""

    __slots__ = ("contents", "queries", "searcher")

    def __init__(self, searcher: Searcher, contents: Contents) -> None:
        self.searcher = searcher
        self.contents = contents
        self.queries = 0


class _OpenIndex:
    def __init__(self, name: str, index: Index) -> None:
        self.name = name
        self.index = index
        self.idle: list[_Lent] = []
        self.retired = False  # replaced (reindex) or damaged: lent searchers close on return


class IndexReaders:
    """Searchers on the live index of one root; safe to use from many threads."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._open: _OpenIndex | None = None
        self._closed = False  # no longer the process's readers of this root: keep nothing

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher on the latest commit of the live index, for this thread alone while
        inside; IndexUnavailable when there is no usable index."""
        opened, lent = self._lend()
        healthy = False
        try:
            yield lent.searcher
            healthy = True
        except DAMAGED_INDEX_ERRORS:
            self._retire(opened)  # the next query opens the directory afresh (or fails)
            raise
        finally:
            self._give_back(opened, lent, keep=healthy)

    def close(self) -> None:
        """Close the idle searchers and keep no more; those lent close when they come back."""
        with self._lock:
            self._closed = True
        self._forget_open()

    def _forget_open(self) -> None:
        with self._lock:
            opened, self._open = self._open, None
        if opened is not None:
            self._retire(opened)

    def _lend(self) -> tuple[_OpenIndex, _Lent]:
        name = self.store.current_name()
        if name is None:
            self._forget_open()
            raise IndexMissing("There is no search index yet.")
        contents = self.store.contents(name)
        stale: list[_Lent] = []
        with self._lock:
            opened = self._open
            if opened is None or opened.name != name:
                # Opened under the lock: once per rebuild, and every waiting query wants it.
                replaced, opened = opened, _OpenIndex(name, self.store.open_for_reading(name))
                if self._closed:
                    opened.retired = True
                else:
                    self._open = opened
                if replaced is not None:
                    replaced.retired = True
                    stale, replaced.idle = replaced.idle, []
            lent = None
            while opened.idle and lent is None:
                candidate = opened.idle.pop()
                if candidate.contents == contents:
                    lent = candidate
                else:
                    stale.append(candidate)
        _close(stale)
        if lent is None:
            try:
                lent = _Lent(open_searcher(opened.index), contents)
            except Exception:
                self._retire(opened)
                raise
        lent.queries += 1
        return opened, lent

    def _give_back(self, opened: _OpenIndex, lent: _Lent, *, keep: bool) -> None:
        with self._lock:
            if (keep and not opened.retired and len(opened.idle) < IDLE_SEARCHERS
                    and lent.queries < QUERIES_PER_SEARCHER):
                opened.idle.append(lent)
                return
        _close([lent])

    def _retire(self, opened: _OpenIndex) -> None:
        with self._lock:
            if self._open is opened:
                self._open = None
            opened.retired = True
            idle, opened.idle = opened.idle, []
        _close(idle)


def _close(lent: list[_Lent]) -> None:
    for item in lent:
        with contextlib.suppress(Exception):  # a damaged index may fail to close cleanly
            item.searcher.close()


_roots: OrderedDict[Path, IndexReaders] = OrderedDict()
_roots_lock = threading.Lock()


def readers_for(store: IndexStore) -> IndexReaders:
    """The one IndexReaders of this process for the store's root."""
    with _roots_lock:
        readers = _roots.get(store.root)
        if readers is None:
            readers = _roots[store.root] = IndexReaders(store)
        _roots.move_to_end(store.root)
        evicted = [_roots.popitem(last=False)[1] for _ in range(len(_roots) - ROOTS_KEPT)]
    for old in evicted:
        old.close()
    return readers


def forget_readers(root: Path) -> None:
    """Close the searchers of this root (an app being torn down, in tests)."""
    with _roots_lock:
        readers = _roots.pop(root, None)
    if readers is not None:
        readers.close()

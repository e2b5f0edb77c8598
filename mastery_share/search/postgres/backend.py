"""The search interface on PostgreSQL full-text search (MASTERY_SEARCH=postgres), in the app's
own database, so every web and worker machine shares one index.

Each query applies the viewer's visibility rule in SQL, so totals, pages, facet counts,
caption hits and suggestions only ever count videos the viewer may watch. Writes commit in
their own transaction on the backend's own connection: the index queue (indexing.py) deletes
its applied rows only after the index change is committed.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator

from psycopg.errors import UndefinedTable
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.exc import DBAPIError, ProgrammingError

from ...extensions import db
from ..backend import (
    IndexMissing,
    SearchBackend,
    SearchRequest,
    SearchResponse,
    VideoDocument,
)
from .answer import answer
from .store import (
    index_built,
    lock_writers,
    remove_documents,
    replace_all,
    write_documents,
)

NOT_BUILT = "The search index has not been built from the database yet."
NO_TABLES = ("The search tables are missing: run `flask --app wsgi db upgrade` "
             "(MASTERY_SEARCH=postgres needs migration 0006).")


def _missing_tables(error: DBAPIError) -> bool:
    return isinstance(error.orig, UndefinedTable)


class PostgresBackend(SearchBackend):
    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()
        self._local = threading.local()  # the write transaction of the batch this thread is in

    @property
    def engine(self) -> Engine:
        """The backend's own small pool on the app's database. Callers of the backend often
        hold a session connection already (the index queue does); drawing the index's
        connection from that same pool could leave every thread holding one connection and
        waiting for a second."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = create_engine(db.engine.url, pool_size=2, max_overflow=8,
                                                 pool_pre_ping=True)
        return self._engine

    def dispose(self) -> None:
        """Close the pooled connections (tests, before their database is dropped)."""
        if self._engine is not None:
            self._engine.dispose()

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _write_transaction(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as connection:
                lock_writers(connection)
                yield connection
        except ProgrammingError as error:
            if _missing_tables(error):
                raise IndexMissing(NO_TABLES) from error
            raise

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction, committed once, for every change made inside."""
        if getattr(self._local, "connection", None) is not None:
            yield
            return
        with self._write_transaction() as connection:
            if not index_built(connection):
                # Like a missing Whoosh index: the queue answers with a full rebuild.
                raise IndexMissing(NOT_BUILT)
            self._local.connection = connection
            try:
                yield
            finally:
                self._local.connection = None

    def index_video(self, document: VideoDocument) -> None:
        with self.batch():
            write_documents(self._local.connection, [document])

    def remove_video(self, video_id: int) -> None:
        with self.batch():
            remove_documents(self._local.connection, [video_id])

    def rebuild(self, documents: Iterable[VideoDocument]) -> int:
        """Replace every row in one transaction; searches read the old rows until it commits."""
        with self._write_transaction() as connection:
            return replace_all(connection, documents)

    def is_usable(self) -> bool:
        try:
            with self.engine.connect() as connection:
                return index_built(connection)
        except ProgrammingError as error:
            if _missing_tables(error):
                return False
            raise

    # -- reading ---------------------------------------------------------------------------

    def query(self, request: SearchRequest) -> SearchResponse:
        try:
            with self.engine.connect() as connection:
                if not index_built(connection):
                    raise IndexMissing(NOT_BUILT)
                return answer(connection, request)
        except ProgrammingError as error:
            if _missing_tables(error):
                raise IndexMissing(NO_TABLES) from error
            raise

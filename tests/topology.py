"""The suite's second topology: `MASTERY_TEST_TOPOLOGY=scale-out`.

The embedded default (a SQLite copy per test, media in the test's folder, Whoosh) is what
`make test` runs. CI runs the suite again in the scale-out topology, where every app the shared
`app` fixture builds runs on PostgreSQL (one migrated database per pytest worker, emptied
before each test), searches with PostgreSQL, keeps its media in S3 (moto's server over HTTP, a
prefix per test) and passes every job through Redis (tests/queue_mode.py). Tests that are about
one topology build their app themselves and are unaffected.

Imports no app module, so tests/conftest.py can read it before the package is imported.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

SCALE_OUT = os.environ.get("MASTERY_TEST_TOPOLOGY", "embedded") == "scale-out"
if os.environ.get("MASTERY_TEST_TOPOLOGY", "embedded") not in ("embedded", "scale-out"):
    raise RuntimeError("MASTERY_TEST_TOPOLOGY is 'embedded' (the default) or 'scale-out'.")

S3_BUCKET = "mastery-suite"
_tests = count(1)


def configure_environment() -> None:
    """Before the package is imported: the job queue is chosen from the environment."""
    if SCALE_OUT:
        os.environ.setdefault("MASTERY_TEST_QUEUE_URL", "redis://127.0.0.1:6379/15")


class EmptiedPostgresDatabase:
    """One migrated PostgreSQL database, brought back to its just-migrated state before each
    test: every table emptied (ids restarted) and the rows the migrations seeded put back.
    Creating a database per test from a template costs twice as long."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import MetaData, create_engine, select

        self.url = url
        self._engine = create_engine(url)
        schema = MetaData()
        schema.reflect(self._engine)
        self._tables = [table for table in schema.sorted_tables if table.name != "alembic_version"]
        with self._engine.connect() as connection:
            self._seeded = [(table, [row._asdict() for row in connection.execute(select(table))])
                            for table in self._tables]
        self._seeded = [(table, rows) for table, rows in self._seeded if rows]
        # Ids start again after the seeded rows, as in a freshly migrated database.
        seeded_ids = {table.name: max(row["id"] for row in rows)
                      for table, rows in self._seeded if "id" in table.c}
        self._restart_ids = "SELECT " + ", ".join(
            f"setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"{seeded_ids.get(table.name, 1)}, {table.name in seeded_ids})"
            for table in self._tables if "id" in table.c and table.c.id.autoincrement)

    def empty(self) -> None:
        from sqlalchemy import delete, text

        with self._engine.begin() as connection:
            # A connection a previous test left open (a thread, a worker process) would hold
            # locks, and could write into the next test's data.
            connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            # DELETE, children first: TRUNCATE of every table costs twice as long on tables
            # this small.
            for table in reversed(self._tables):
                connection.execute(delete(table))
            for table, rows in self._seeded:
                connection.execute(table.insert(), rows)
            connection.execute(text(self._restart_ids))

    def close(self) -> None:
        self._engine.dispose()


@contextmanager
def migrated_postgres_database(data_dir) -> Iterator[EmptiedPostgresDatabase]:
    """A fresh database for the session, migrated by the real migrations."""
    from flask_migrate import upgrade

    from mastery_share import create_app
    from mastery_share.extensions import db
    from tests.postgres import fresh_postgres_database

    with fresh_postgres_database() as url:
        from sqlalchemy import create_engine, text

        # A test's commit need not survive a power cut: not waiting for the WAL's flush
        # changes nothing a test can see and saves a few per cent of the pass.
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            name = connection.execute(text("SELECT current_database()")).scalar()
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        engine.dispose()
        migrating = create_app({"DATA_DIR": str(data_dir), "SQLALCHEMY_DATABASE_URI": url})
        with migrating.app_context():
            upgrade()
            db.engine.dispose()
        database = EmptiedPostgresDatabase(url)
        try:
            yield database
        finally:
            database.close()


@contextmanager
def moto_s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a loopback port, with dummy credentials for boto3."""
    from moto.server import ThreadedMotoServer

    from tests.conftest import free_port

    # Set for the rest of the test process, not restored on the way out: a module's endpoint
    # may start before the session's and end while the session's is still in use, and
    # restoring then left the session's clients without credentials (NoCredentialsError).
    # The test process never needs real AWS credentials.
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_DEFAULT_REGION="us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        create_bucket(f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def create_bucket(endpoint: str) -> None:
    import boto3
    from botocore.config import Config

    client = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    client.create_bucket(Bucket=S3_BUCKET)


def scale_out_settings(database: EmptiedPostgresDatabase, s3_endpoint: str) -> dict:
    """The test app's settings: the emptied database, a prefix of its own in the worker's
    bucket, PostgreSQL search."""
    database.empty()
    return {"SQLALCHEMY_DATABASE_URI": database.url, "SEARCH": "postgres", "STORAGE": "s3",
            "S3_BUCKET": S3_BUCKET, "S3_ENDPOINT_URL": s3_endpoint,
            "S3_PREFIX": f"test-{next(_tests)}/"}


def process_environment(app) -> dict:
    """The environment of a process (gunicorn, a worker, the CLI) that serves `app` itself:
    its data dir and, in the scale-out topology, its database, search and S3 store."""
    config = app.config
    environment = {"MASTERY_DATA_DIR": config["DATA_DIR"]}
    if SCALE_OUT:
        environment.update({"MASTERY_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
                            "MASTERY_SEARCH": config["SEARCH"],
                            "MASTERY_STORAGE": config["STORAGE"]})
        if config["STORAGE"] == "s3":
            environment.update({"MASTERY_S3_BUCKET": config["S3_BUCKET"],
                                "MASTERY_S3_ENDPOINT_URL": config["S3_ENDPOINT_URL"],
                                "MASTERY_S3_PREFIX": config["S3_PREFIX"]})
    return environment

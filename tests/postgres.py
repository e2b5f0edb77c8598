"""A throwaway PostgreSQL database for tests that need one.

PostgreSQL runs on 127.0.0.1:5432 in CI: there the tests fail loudly if it is missing; on a
developer machine without it they are skipped with the reason.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest

ADMIN_URL = os.environ.get("MASTERY_TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({reason}); CI runs these tests")


@contextmanager
def fresh_postgres_database():
    """Create an empty database, yield its SQLAlchemy URL, drop it afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    name = f"mastery_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        _unavailable(str(error).splitlines()[0])
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated_postgres_app(data_dir, *, pool_size: int = 5, max_overflow: int = 5, **overrides):
    """An app on a fresh, migrated PostgreSQL database, its app context pushed; for tests
    that race real threads, each with its own connection from a pool of this size."""
    from flask_migrate import upgrade

    from mastery_share import create_app
    from mastery_share.extensions import db

    with fresh_postgres_database() as url:
        app = create_app({"DATA_DIR": str(data_dir), "SQLALCHEMY_DATABASE_URI": url,
                          "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": pool_size,
                                                        "max_overflow": max_overflow},
                          **overrides})
        with app.app_context():
            upgrade()
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()
                # The PostgreSQL search backend keeps its own connections.
                getattr(app.extensions.get("search_backend"), "dispose", lambda: None)()

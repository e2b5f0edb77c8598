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

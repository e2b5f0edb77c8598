"""MASTERY_SEARCH chooses the backend, and a setting that cannot work stops the app at start."""
from __future__ import annotations

import pytest

from mastery_share import create_app


def test_postgres_search_on_a_sqlite_database_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv("MASTERY_SEARCH", "postgres")
    with pytest.raises(RuntimeError, match="MASTERY_DATABASE_URL must be a PostgreSQL URL"):
        create_app({"DATA_DIR": str(tmp_path)})


def test_an_unknown_search_backend_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv("MASTERY_SEARCH", "elastic")
    with pytest.raises(RuntimeError, match="must be 'whoosh' or 'postgres'"):
        create_app({"DATA_DIR": str(tmp_path)})

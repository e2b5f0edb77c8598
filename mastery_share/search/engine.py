"""Which search backend this app uses (MASTERY_SEARCH), built once per app."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from .backend import SearchBackend

KINDS = ("whoosh", "postgres")


def search_backend() -> SearchBackend:
    app = current_app._get_current_object()
    backend = app.extensions.get("search_backend")
    if backend is None:
        backend = build_backend(app.config.get("SEARCH", "whoosh"), app.config["DATA_DIR"])
        app.extensions["search_backend"] = backend
    return backend


def check_search_setting(config: Mapping) -> None:
    """Refuse to start with a search setting that cannot work (checked in create_app)."""
    kind = config.get("SEARCH", "whoosh")
    if kind not in KINDS:
        raise RuntimeError(f"MASTERY_SEARCH must be 'whoosh' or 'postgres', not {kind!r}.")
    if kind == "postgres":
        database = make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
        if database != "postgresql":
            raise RuntimeError(
                "MASTERY_SEARCH=postgres searches the app's own database, so "
                "MASTERY_DATABASE_URL must be a PostgreSQL URL "
                f"(postgresql+psycopg://user@host/db), not a {database} one. "
                "Use MASTERY_SEARCH=whoosh with SQLite.")


def build_backend(kind: str, data_dir: str) -> SearchBackend:
    if kind == "whoosh":
        from .whoosh.backend import WhooshBackend

        return WhooshBackend(Path(data_dir) / "search")
    if kind == "postgres":
        from .postgres.backend import PostgresBackend

        return PostgresBackend()
    raise ValueError(f"MASTERY_SEARCH must be 'whoosh' or 'postgres', not {kind!r}.")

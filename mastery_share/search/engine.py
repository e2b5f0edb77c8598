"""Which search backend this app uses (MASTERY_SEARCH), built once per app."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from .backend import SearchBackend


def search_backend() -> SearchBackend:
    app = current_app._get_current_object()
    backend = app.extensions.get("search_backend")
    if backend is None:
        backend = build_backend(app.config.get("SEARCH", "whoosh"), app.config["DATA_DIR"])
        app.extensions["search_backend"] = backend
    return backend


def build_backend(kind: str, data_dir: str) -> SearchBackend:
    if kind == "whoosh":
        from .whoosh_backend import WhooshBackend

        return WhooshBackend(Path(data_dir) / "search")
    raise ValueError(f"MASTERY_SEARCH={kind!r} is not available yet; use 'whoosh'.")

"""GET /readyz: is this process able to serve? Database, queue, media storage, search index
and the worker, each checked for real; the first that fails is named, with 503.

/healthz stays a liveness check (the process answers and reaches its database): a load
balancer restarts on /healthz failing and stops sending traffic on /readyz failing.
"""
from __future__ import annotations

import os
from collections.abc import Callable

from flask import Blueprint, current_app, jsonify
from sqlalchemy import select

from .extensions import db
from .worker_state import read_worker_state

bp = Blueprint("readiness", __name__)


def _database() -> str:
    db.session.execute(select(1))
    return "ok"


def _queue() -> str:
    from .jobs import huey

    if huey.immediate:
        return "ok (jobs run in the request: tests)"
    return f"ok ({huey.pending_count()} waiting)"


def _storage() -> str:
    from .videos.storage_access import media_storage

    storage = media_storage()
    root = getattr(storage, "root", None)
    if root is not None and os.path.isdir(root) and not os.access(root, os.W_OK):
        raise RuntimeError(f"the media folder {root} is not writable")
    storage.exists("readyz-probe")  # reaches the store (S3: a HEAD request)
    return "ok"


def _search() -> str:
    from .search.engine import search_backend

    if not search_backend().is_usable():
        # Not a failure: the first search rebuilds a missing or damaged index from the
        # database (search/engine.py), and searches answer meanwhile.
        return "ok (the index is built from the database on the first search)"
    return "ok"


def _worker() -> str:
    state = read_worker_state(current_app.config["DATA_DIR"])
    if state is None:
        return "not supervised by this server (scaled-out workers report elsewhere)"
    if state.paused:
        raise RuntimeError(f"processing is paused: {state.reason or 'the worker keeps crashing'}")
    return state.state


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "queue": _queue,
                                        "storage": _storage, "search": _search,
                                        "worker": _worker}


@bp.get("/readyz")
def ready():
    results, failed = {}, None
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready", named
            db.session.rollback()
            results[name] = f"failed: {str(error).splitlines()[0][:200] if str(error) else type(error).__name__}"
            failed = failed or name
    body = {"status": "not_ready" if failed else "ready", "checks": results}
    if failed:
        body["failed"] = failed
    response = jsonify(body)
    response.status_code = 503 if failed else 200
    response.headers["Cache-Control"] = "no-store"
    return response

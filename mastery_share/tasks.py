"""The Huey instance and background jobs.

Huey needs its instance when tasks are declared, so it is built from the environment at
import: SQLite in the data dir by default, Redis when MASTERY_QUEUE_URL is redis://.
Tasks take plain values or ids, never ORM objects, and run inside an app context.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

from flask import Flask, has_app_context
from huey import Huey, RedisHuey, SqliteHuey

_worker_app: Flask | None = None


def build_huey(queue_url: str | None, data_dir: str) -> Huey:
    url = queue_url or f"sqlite:///{Path(data_dir) / 'queue.db'}"
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey("mastery-share", url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("mastery-share", filename=str(path))
    raise ValueError(f"MASTERY_QUEUE_URL must be sqlite:///PATH or redis://…, not {url!r}")


huey = build_huey(
    os.environ.get("MASTERY_QUEUE_URL"),
    os.environ.get("MASTERY_DATA_DIR") or "instance",
)


def use_app_for_worker(app: Flask) -> None:
    global _worker_app
    _worker_app = app


def _app_for_worker() -> Flask:
    global _worker_app
    if _worker_app is None:
        from . import create_app

        _worker_app = create_app()
    return _worker_app


def app_task(**task_options):
    """A Huey task that runs in an app context (the worker's own app when none is pushed)."""

    def decorate(function):
        @functools.wraps(function)
        def in_app_context(*args, **kwargs):
            if has_app_context():
                return function(*args, **kwargs)
            with _app_for_worker().app_context():
                return function(*args, **kwargs)

        return huey.task(**task_options)(in_app_context)

    return decorate


@app_task(retries=5, retry_delay=30)
def deliver_mail(mail) -> None:
    from .mail import send_mail

    send_mail(mail)

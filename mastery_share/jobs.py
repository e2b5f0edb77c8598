"""Background jobs: the Huey instance, and the decorators each domain declares its jobs with.

Huey needs its instance when a job is declared, so it is built here at import from the
queue setting the app's Config reads (config.queue_url: SQLite in the data dir by default,
Redis when MASTERY_QUEUE_URL is redis://). This module imports no domain code: each domain
declares its jobs in its own `tasks.py`, next to its services, under a name
(`@job("videos.process")`), and services queue a job by that name (`enqueue(...)`, usually
through `after_commit`), so no service imports a tasks module and no tasks module is
imported by another domain. The app factory imports every domain's tasks (JOB_MODULES), so
the web processes and the worker know every job. Jobs take plain values or ids, never ORM
objects, and run inside an app context.
"""
from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask, has_app_context
from huey import Huey, PriorityRedisHuey, SqliteHuey

from config import queue_url

# The domains' job modules, imported by the app factory.
JOB_MODULES = ("mastery_share.mail", "mastery_share.videos.tasks",
               "mastery_share.transcripts.tasks", "mastery_share.search.tasks",
               "mastery_share.visits.tasks", "mastery_share.tries.tasks",
               "mastery_share.comments.tasks", "mastery_share.notifications.tasks",
               "mastery_share.accounts.tasks")


def build_huey(url: str) -> Huey:
    if url.startswith(("redis://", "rediss://")):
        # Jobs are queued with priorities (a new upload's first); Huey's plain Redis storage
        # refuses them, so every job would fail on a scaled-out install.
        return PriorityRedisHuey("mastery-share", url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("mastery-share", filename=str(path))
    raise ValueError(f"MASTERY_QUEUE_URL must be sqlite:///PATH or redis://…, not {url!r}")


huey = build_huey(queue_url())
_jobs: dict[str, object] = {}
_worker_app: Flask | None = None


def use_app_for_worker(app: Flask) -> None:
    """The worker's own app: jobs run in it rather than in a second one."""
    global _worker_app
    _worker_app = app


def _app_for_worker() -> Flask:
    global _worker_app
    if _worker_app is None:
        from . import create_app

        _worker_app = create_app()
    return _worker_app


def _in_app_context(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return function(*args, **kwargs)
        with _app_for_worker().app_context():
            return function(*args, **kwargs)

    return wrapper


def job(name: str, **options):
    """Declare a background job under `name`, run in an app context."""

    def decorate(function):
        task = huey.task(name=name, **options)(_in_app_context(function))
        _jobs[name] = task
        return task

    return decorate


def periodic_job(name: str, schedule):
    """Declare a job the worker runs on a crontab schedule."""

    def decorate(function):
        return huey.periodic_task(schedule, name=name)(_in_app_context(function))

    return decorate


def enqueue(name: str, *args) -> None:
    """Queue the job declared under `name` (run at once in Huey's immediate mode)."""
    _jobs[name](*args)


def enqueue_later(name: str, args: tuple, delay_s: float) -> None:
    _jobs[name].schedule(args, delay=delay_s)


def configure(app: Flask) -> None:
    """Jobs run inline (tests) or through the queue, as the app's Config says."""
    huey.immediate = bool(app.config.get("HUEY_IMMEDIATE"))

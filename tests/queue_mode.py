"""Run the suite's jobs through a real queue storage instead of Huey's in-memory one.

Huey's immediate mode runs a job the moment it is enqueued and never touches the storage, so a
storage that refuses what we send it (priorities on plain Redis, an argument that does not
serialize) passes every test and fails in production. With `MASTERY_TEST_QUEUE_URL` set (CI
sets `redis://127.0.0.1:6379/15`; each pytest-xdist worker counts down from it), every job the tests enqueue is serialized, pushed into that
storage with its priority, popped back and only then executed, still synchronously.
"""
from __future__ import annotations

import os

from huey.api import chord, group


def _one_database_per_worker(url: str) -> str:
    """Each pytest-xdist worker (gw0, gw1, ...) its own Redis database below the one named:
    the queue is flushed and popped by one test process at a time."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url.startswith("redis://") or not worker.startswith("gw"):
        return url
    base, _, database = url.rpartition("/")
    return f"{base}/{int(database or 0) - int(worker[2:])}"


def test_queue_url() -> str:
    """Read when asked: tests/topology.py sets MASTERY_TEST_QUEUE_URL for the scale-out run."""
    return _one_database_per_worker(os.environ.get("MASTERY_TEST_QUEUE_URL", ""))


def configure_environment() -> None:
    """Before the package is imported: the Huey instance is built from MASTERY_QUEUE_URL."""
    if test_queue_url():
        os.environ["MASTERY_QUEUE_URL"] = test_queue_url()
    else:
        os.environ.pop("MASTERY_QUEUE_URL", None)


def route_immediate_jobs_through_storage(huey) -> None:
    """Keep the real storage in immediate mode and pass every job through it."""
    if not test_queue_url():
        return
    huey.immediate_use_memory = False
    huey.storage = huey.create_storage()
    huey.storage.flush_all()
    real_enqueue = huey.enqueue

    def enqueue(task):
        if huey.immediate and not isinstance(task, (group, chord)):
            huey.storage.enqueue(huey.serialize_task(task), task.priority)
            message = huey.storage.dequeue()
            assert message is not None, "the queue storage lost a job"
            task = huey.deserialize_task(message)
        return real_enqueue(task)

    huey.enqueue = enqueue


def queue_url_for_workers(huey) -> str:
    """The MASTERY_QUEUE_URL a worker process needs to consume this test run's queue."""
    return test_queue_url() or f"sqlite:///{huey.storage.filename}"

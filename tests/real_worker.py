"""A real `flask worker` process consuming the test's queue (SQLite in the test's data dir,
or Redis under MASTERY_TEST_QUEUE_URL), for tests of what only a separate process shows:
a kill mid-job, priorities between jobs running at once. The `queued_for_real_worker`
fixture (tests/conftest.py) sends the test's jobs to that queue."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.topology import process_environment

ROOT = Path(__file__).resolve().parents[1]


def start_worker(app, queue_url: str, workers: int = 1, **env) -> subprocess.Popen:
    environment = {**os.environ, **process_environment(app), "MASTERY_QUEUE_URL": queue_url,
                   **env}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker",
                             "--workers", str(workers)], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

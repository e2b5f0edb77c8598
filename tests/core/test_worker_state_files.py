"""With several supervised consumers (`flask serve --consumers 2`, as make run-prod starts),
each writes its own state file, and a page hears about the one that is paused."""
from __future__ import annotations

from mastery_share.worker_state import (
    PAUSED,
    RUNNING,
    WorkerState,
    clear_worker_state,
    read_worker_state,
    write_worker_state,
)


def test_a_paused_consumer_is_what_pages_hear_whichever_file_it_is_in(tmp_path):
    assert read_worker_state(tmp_path) is None
    write_worker_state(tmp_path, WorkerState(RUNNING, pid=11), 1)
    write_worker_state(tmp_path, WorkerState(PAUSED, pid=12, reason="killed by SIGKILL"), 2)
    assert read_worker_state(tmp_path) == WorkerState(PAUSED, pid=12, reason="killed by SIGKILL")
    clear_worker_state(tmp_path, 2)
    assert read_worker_state(tmp_path) == WorkerState(RUNNING, pid=11)
    (tmp_path / "worker-state-3.json").write_text("{not json")  # a damaged file is ignored
    assert read_worker_state(tmp_path) == WorkerState(RUNNING, pid=11)

"""What `flask serve` knows about its worker, shared with the web process through one small
file in the data dir: the supervisor writes it, pages read it to tell a teacher that
processing is paused instead of showing a queue that silently never moves.

No Flask here: the supervisor runs before any request and tests read the file directly.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "worker-state.json"
RUNNING, RESTARTING, PAUSED = "running", "restarting", "paused"


@dataclass(frozen=True)
class WorkerState:
    state: str
    pid: int | None = None
    restarts: int = 0
    reason: str = ""
    next_start_at: float | None = None

    @property
    def paused(self) -> bool:
        return self.state == PAUSED


def state_path(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / STATE_FILE


def write_worker_state(data_dir: str | os.PathLike, state: WorkerState) -> None:
    """Replace the state file atomically, so a page never reads half of it."""
    path = state_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(state.__dict__))
    os.replace(temporary, path)


def clear_worker_state(data_dir: str | os.PathLike) -> None:
    state_path(data_dir).unlink(missing_ok=True)


def read_worker_state(data_dir: str | os.PathLike) -> WorkerState | None:
    """The supervisor's last word, or None where no supervisor runs (a scaled-out install
    with its own worker machines, or a damaged file, which must never break a page)."""
    try:
        fields = json.loads(state_path(data_dir).read_text())
        return WorkerState(**fields)
    except (OSError, ValueError, TypeError):
        return None


def processing_paused_message(data_dir: str | os.PathLike) -> str | None:
    """The sentence a teacher sees on a waiting video while the worker keeps failing."""
    state = read_worker_state(data_dir)
    if state is None or not state.paused:
        return None
    wait = ""
    if state.next_start_at:
        seconds = max(0, round(state.next_start_at - time.time()))
        wait = f" The next try is in about {seconds} seconds." if seconds else ""
    return ("Processing is paused: the background worker stopped several times and is being "
            "restarted. Your video is safe and will be processed as soon as it runs again."
            + wait)

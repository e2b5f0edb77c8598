"""What `flask serve` knows about its workers, shared with the web process through one small
file per supervised worker in the data dir: the supervisor writes it, pages read it to tell
a teacher that processing is paused instead of showing a queue that silently never moves.

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


def state_path(data_dir: str | os.PathLike, number: int = 1) -> Path:
    """The first worker's file is worker-state.json; the second's worker-state-2.json ..."""
    return Path(data_dir) / (STATE_FILE if number == 1 else f"worker-state-{number}.json")


def write_worker_state(data_dir: str | os.PathLike, state: WorkerState,
                       number: int = 1) -> None:
    """Replace the state file atomically, so a page never reads half of it."""
    path = state_path(data_dir, number)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(state.__dict__))
    os.replace(temporary, path)


def clear_worker_state(data_dir: str | os.PathLike, number: int = 1) -> None:
    state_path(data_dir, number).unlink(missing_ok=True)


def read_worker_state(data_dir: str | os.PathLike) -> WorkerState | None:
    """The supervisors' last word (a paused worker's first, as that is what a page must
    say), or None where no supervisor runs (a scaled-out install with its own worker
    machines, or a damaged file, which must never break a page)."""
    states = []
    for path in sorted(Path(data_dir).glob("worker-state*.json")):
        try:
            states.append(WorkerState(**json.loads(path.read_text())))
        except (OSError, ValueError, TypeError):
            continue
    return next((state for state in states if state.paused), states[0] if states else None)


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

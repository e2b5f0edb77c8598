"""`flask serve` keeps its worker alive: a worker killed by the out-of-memory killer or a
crash is reaped and started again, with a backoff when it keeps dying, and its state is
written where the pages can say "processing is paused" (worker_state.py).

A zombie worker once stopped all processing for good under `make run`: nothing waited on
the child, so nothing noticed it was gone. A thread now waits on it for as long as we serve.
"""
from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence

from .worker_state import (
    PAUSED,
    RESTARTING,
    RUNNING,
    WorkerState,
    clear_worker_state,
    write_worker_state,
)

FIRST_DELAY_S = 1.0      # restarted within 5 s, as a teacher would expect nothing to stop
MAX_DELAY_S = 60.0       # a crash loop is tried once a minute, not thousands of times
STABLE_AFTER_S = 30.0    # a worker alive this long is healthy again: backoff starts over
PAUSED_AFTER_CRASHES = 3  # quick deaths in a row before the pages say processing is paused


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class WorkerSupervisor:
    """Runs `argv` as the worker process and restarts it whenever it dies until stop()."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], data_dir: str,
                 log: Callable[[str], None], *, first_delay_s: float = FIRST_DELAY_S,
                 max_delay_s: float = MAX_DELAY_S, stable_after_s: float = STABLE_AFTER_S,
                 number: int = 1):
        self._argv, self._env, self._data_dir, self._log = list(argv), env, data_dir, log
        self._number = number  # of the workers this server supervises: its state file
        self._first_delay_s, self._max_delay_s = first_delay_s, max_delay_s
        self._stable_after_s = stable_after_s
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        self._spawn()
        self._write(RUNNING)
        self._thread.start()

    def stopping(self) -> None:
        """The server is shutting down: a worker that exits now is not restarted (Ctrl-C
        reaches the whole process group, the worker perhaps before the web server)."""
        self._stopping.set()

    def stop(self, timeout_s: float = 20.0) -> None:
        """Stop the worker as Ctrl-C would (it finishes running jobs), then kill it."""
        self._stopping.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        clear_worker_state(self._data_dir, self._number)

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            self._process = subprocess.Popen(self._argv, env=self._env)

    def _write(self, state: str, reason: str = "", next_start_at: float | None = None) -> None:
        write_worker_state(self._data_dir, WorkerState(
            state=state, pid=self.pid, restarts=self.restarts, reason=reason,
            next_start_at=next_start_at), self._number)

    def _watch(self) -> None:
        delay_s, quick_deaths = self._first_delay_s, 0
        while not self._stopping.is_set():
            process = self._process
            try:
                code = process.wait(timeout=self._stable_after_s)
            except subprocess.TimeoutExpired:
                # Alive long enough to count as healthy: forget the crash loop.
                if quick_deaths:
                    self._write(RUNNING)
                delay_s, quick_deaths = self._first_delay_s, 0
                code = process.wait()
            # Ctrl-C reaches the worker too (one process group) and it exits cleanly a moment
            # before stop() is called: a clean exit waits out the delay before it is news.
            if self._stopping.is_set() or (code == 0 and self._stopping.wait(delay_s)):
                return
            quick_deaths += 1
            reason = describe_exit(code)
            state = PAUSED if quick_deaths >= PAUSED_AFTER_CRASHES else RESTARTING
            self._write(state, reason, time.time() + delay_s)
            self._log(f"Worker pid {process.pid} stopped ({reason}); restarting it in "
                      f"{delay_s:g} s" + (" (processing is paused)" if state == PAUSED else ""))
            if code != 0 and self._stopping.wait(delay_s):
                return
            self._spawn()
            self.restarts += 1
            self._log(f"Worker restarted: pid {self.pid}")
            self._write(state if state == PAUSED else RUNNING, reason)
            delay_s = min(delay_s * 2, self._max_delay_s)

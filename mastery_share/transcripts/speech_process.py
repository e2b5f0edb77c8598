"""Speech recognition in a process of its own, which stops whenever urgent work runs.

A transcription keeps both cores busy for a minute or more. A new upload's first playable
rendition, encoded meanwhile, must not wait behind it; lowering Whisper's priority was not
enough (the encoder still took 1.7 times as long: caches and memory are shared too). So
Whisper runs in a child process (speech_child.py) and this side, on the job's own thread,
freezes it with SIGSTOP while `may_run()` says no and thaws it with SIGCONT after. A pause
lasts at most MAX_PAUSE_S, then the transcription runs for RUN_AFTER_LONG_PAUSE_S whatever
happens: a stream of uploads delays transcripts, it never starves them.

The job's thread keeps its database session: progress reports arrive here, and an
exception raised by `on_progress` (the owner switched transcripts off) kills the child.
"""
from __future__ import annotations

import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .speech import Cue, Transcript

log = logging.getLogger(__name__)

POLL_S = 0.05
MAX_PAUSE_S = 120.0
RUN_AFTER_LONG_PAUSE_S = 10.0
_ROOT = Path(__file__).resolve().parents[2]


class SpeechFailed(RuntimeError):
    """The speech process ended without a transcript (its error, or its exit status)."""


def transcribe_file(model_dir: str | Path, audio: str | Path,
                    on_progress: Callable[[float], None] | None = None, *,
                    may_run: Callable[[], bool] = lambda: True,
                    timeout_s: float | None = None,
                    on_start: Callable[[int], None] | None = None) -> Transcript:
    """Timed cues of a raw 16 kHz mono PCM file, made by a speech process.

    `timeout_s` counts running time only, not the pauses. `on_start(pid)` lets a caller (a
    test) watch the child."""
    errors = Path(audio).with_suffix(".speech-errors.txt")
    with open(errors, "wb") as error_file:
        child = subprocess.Popen(
            [sys.executable, "-m", "mastery_share.transcripts.speech_child",
             str(os.getpid()), str(model_dir), str(audio)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=error_file,
            cwd=_ROOT, env=_child_env())
    try:
        if on_start is not None:
            on_start(child.pid)
        result = _follow(child, _Gate(child.pid, may_run), on_progress, timeout_s)
    finally:
        if child.poll() is None:
            child.kill()  # SIGKILL ends a stopped process too
        child.wait()
        child.stdout.close()
    if result is None or "error" in result:
        reason = (result or {}).get("error") or _tail(errors) or f"exit status {child.returncode}"
        raise SpeechFailed(f"the speech process failed: {reason}")
    return Transcript(
        cues=[Cue(cue["start_s"], cue["end_s"], cue["text"], tuple(cue["word_starts"]))
              for cue in result["cues"]],
        language=result["language"])


def _child_env() -> dict[str, str]:
    # The package must be importable from the child whatever the worker's directory is.
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), path]))}


def _follow(child: subprocess.Popen, gate: _Gate,
            on_progress: Callable[[float], None] | None, timeout_s: float | None) -> dict | None:
    """Read the child's lines until it ends, pausing it by the gate; its last message."""
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    pending, last = b"", None
    try:
        while True:
            if selector.select(timeout=POLL_S):
                chunk = os.read(child.stdout.fileno(), 1 << 16)
                if not chunk:
                    return last
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    message = json.loads(line)
                    if "started" in message:
                        gate.started = True
                    elif "progress" in message:
                        if on_progress is not None:
                            on_progress(float(message["progress"]))
                    else:
                        last = message
            gate.update()
            if timeout_s is not None and gate.running_s() > timeout_s:
                raise SpeechFailed(f"the speech process ran for more than {timeout_s:.0f} s")
    finally:
        selector.close()


class _Gate:
    """Stops and continues the child as `may_run` says, within the pause limits."""

    def __init__(self, pid: int, may_run: Callable[[], bool]):
        self.pid, self.may_run = pid, may_run
        # Stopped only once it has said it is set up: a child stopped before it asked to die
        # with its parent would outlive a killed worker.
        self.started = False
        self.began = time.monotonic()
        self.paused_at: float | None = None
        self.paused_total = 0.0
        self.no_pause_until = 0.0

    def update(self) -> None:
        now = time.monotonic()
        if self.paused_at is None:
            if self.started and now >= self.no_pause_until and not self.may_run():
                self._signal(signal.SIGSTOP)
                self.paused_at = now
            return
        waited = now - self.paused_at
        if waited >= MAX_PAUSE_S:
            self.no_pause_until = now + RUN_AFTER_LONG_PAUSE_S
        elif not self.may_run():
            return
        self._signal(signal.SIGCONT)
        self.paused_at, self.paused_total = None, self.paused_total + waited

    def running_s(self) -> float:
        now = time.monotonic()
        paused = self.paused_total + (now - self.paused_at if self.paused_at is not None else 0)
        return now - self.began - paused

    def _signal(self, number: int) -> None:
        try:
            os.kill(self.pid, number)
        except ProcessLookupError:  # it has just ended: its output is still to be read
            pass


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:].strip()
    except OSError:
        return ""

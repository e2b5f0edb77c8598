"""Run ffmpeg safely: an argv list (never a shell), a hard timeout, progress, a kept stderr tail.

The job that calls this records progress on the rendition row and, on failure, the
``MediaError`` reason (for the teacher) and its ``detail`` (the stderr tail, for us).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import IO

from .errors import MediaError

FFMPEG = "ffmpeg"
STDERR_TAIL_LINES = 40
# Quiet logging (errors only) keeps the stderr tail about the failure; "-progress pipe:1"
# gives machine-readable key=value progress on stdout; -nostdin stops ffmpeg from eating
# a terminal's input or blocking on it in a worker.
RUNNER_FLAGS = ("-nostdin", "-hide_banner", "-loglevel", "error", "-progress", "pipe:1", "-nostats")

ProgressCallback = Callable[[int], None]
PR_SET_PDEATHSIG = 1


def run_ffmpeg(
    args: Sequence[str],
    timeout: float,
    on_progress: ProgressCallback | None = None,
    duration_s: float | None = None,
    ffmpeg_bin: str = FFMPEG,
) -> None:
    """Run ``ffmpeg <args>`` to completion within ``timeout`` seconds or raise ``MediaError``.

    ``on_progress`` receives whole percentages 0-100, once per change, computed from
    ffmpeg's output position against ``duration_s``; it gets 100 when ffmpeg finishes.
    """
    argv = [ffmpeg_bin, *RUNNER_FLAGS, *args]
    try:
        # A new session makes ffmpeg the leader of its own process group, so a timeout
        # can kill it and anything it started without touching the worker.
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    except OSError as error:
        raise MediaError(
            "The video converter is not available on the server.", str(error)
        ) from None
    tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
    timed_out = threading.Event()
    with process:  # closes the pipes whatever happens
        reader = threading.Thread(target=keep_tail, args=(process.stderr, tail), daemon=True)
        reader.start()
        timer = threading.Timer(timeout, kill_group, args=(process, timed_out))
        timer.daemon = True
        timer.start()
        try:
            assert process.stdout is not None
            _follow_progress(process.stdout, duration_s, on_progress)
            returncode = process.wait()
        finally:
            timer.cancel()
            if process.poll() is None:  # on_progress raised: do not leave ffmpeg running
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            reader.join(timeout=5)
    detail = "\n".join(tail)
    if timed_out.is_set():
        raise MediaError("Processing took too long.", f"killed after {timeout:g} s\n{detail}")
    if returncode != 0:
        raise MediaError(_reason_for_failure(detail), f"ffmpeg exited with {returncode}\n{detail}")


def die_with_parent() -> None:
    """Linux: ffmpeg is killed when its worker dies (even by SIGKILL), so a crashed worker
    leaves no orphan transcode burning the CPU the restarted worker needs."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _follow_progress(
    stdout: IO[bytes], duration_s: float | None, on_progress: ProgressCallback | None
) -> None:
    last = -1
    for raw in stdout:
        key, _, value = raw.decode("ascii", "replace").strip().partition("=")
        percent = _percent(key, value, duration_s)
        if percent is not None and percent != last and on_progress is not None:
            last = percent
            on_progress(percent)


def _percent(key: str, value: str, duration_s: float | None) -> int | None:
    if key == "progress" and value == "end":
        return 100
    # out_time_ms is microseconds too (a long-standing ffmpeg naming bug), so both parse alike.
    if key not in ("out_time_us", "out_time_ms") or not duration_s or duration_s <= 0:
        return None
    try:
        seconds = int(value) / 1_000_000
    except ValueError:
        return None  # "N/A" before the first frame
    return max(0, min(99, int(seconds / duration_s * 100)))


def keep_tail(stream: IO[bytes] | None, tail: deque[str]) -> None:
    if stream is None:
        return
    for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip()
        if line:
            tail.append(line)


def kill_group(process: subprocess.Popen[bytes], timed_out: threading.Event) -> None:
    if process.poll() is not None:
        return
    timed_out.set()
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reason_for_failure(stderr_tail: str) -> str:
    lowered = stderr_tail.lower()
    if "no space left on device" in lowered:
        return "The server ran out of space while processing the video. Please try again later."
    if "invalid data found" in lowered or "error while decoding" in lowered:
        return "The video seems to be damaged; part of it could not be read."
    return "The video could not be converted."

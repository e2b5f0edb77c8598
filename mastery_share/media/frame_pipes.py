"""Raw frames in and out of ffmpeg, for work done on the pictures themselves (face blur).

The same safety as ``runner.run_ffmpeg``: an argv list, its own process group killed with
the worker, a hard timeout, a kept stderr tail, and a ``MediaError`` with a reason fit for a
teacher when ffmpeg fails. Frames are RGB24 or YUV 4:2:0 numpy arrays of a size the caller fixes
with the scale filter, so every read is one exact number of bytes.
"""
from __future__ import annotations

import subprocess
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from .errors import MediaError
from .runner import FFMPEG, STDERR_TAIL_LINES, die_with_parent, keep_tail, kill_group

_QUIET = ("-nostdin", "-hide_banner", "-loglevel", "error")


class _Ffmpeg:
    """One ffmpeg process with a timer and a stderr reader; `finish` raises on failure."""

    def __init__(self, args: Sequence[str], timeout: float, *, writes: bool):
        argv = [FFMPEG, *(a for a in _QUIET if not (writes and a == "-nostdin")), *args]
        try:
            self.process = subprocess.Popen(
                argv, stdin=subprocess.PIPE if writes else subprocess.DEVNULL,
                stdout=subprocess.DEVNULL if writes else subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True, preexec_fn=die_with_parent)
        except OSError as error:
            raise MediaError("The video converter is not available on the server.",
                             str(error)) from None
        self.tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
        self.timed_out = threading.Event()
        self.reader = threading.Thread(target=keep_tail, args=(self.process.stderr, self.tail),
                                       daemon=True)
        self.reader.start()
        self.timer = threading.Timer(timeout, kill_group, args=(self.process, self.timed_out))
        self.timer.daemon = True
        self.timer.start()
        self.timeout = timeout

    def stop(self) -> None:
        """Kill it (the caller gave up early): nothing is left running."""
        self.timer.cancel()
        if self.process.poll() is None:
            kill_group(self.process, threading.Event())
        self.process.wait()
        self.reader.join(timeout=5)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def finish(self) -> None:
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        returncode = self.process.wait()
        self.stop()
        detail = "\n".join(self.tail)
        if self.timed_out.is_set():
            raise MediaError("Processing took too long.", f"killed after {self.timeout:g} s\n{detail}")
        if returncode != 0:
            raise MediaError("The video could not be converted.",
                             f"ffmpeg exited with {returncode}\n{detail}")


def read_frames(args: Sequence[str], width: int, height: int, timeout: float,
                pix_fmt: str = "rgb24") -> Iterator[np.ndarray]:
    """Yield each frame ffmpeg writes to stdout (`args` end in `-f rawvideo -pix_fmt
    <pix_fmt> pipe:1`, frames of `width` x `height`): (height, width, 3) arrays for rgb24, the
    flat Y, U and V planes for yuv420p. One buffer is reused: a frame is valid (and writable)
    until the next one is asked for."""
    frame_bytes = width * height * 3 if pix_fmt == "rgb24" else width * height * 3 // 2
    buffer = bytearray(frame_bytes)
    view = memoryview(buffer)
    frame = np.frombuffer(buffer, dtype=np.uint8)
    if pix_fmt == "rgb24":
        frame = frame.reshape(height, width, 3)
    ffmpeg = _Ffmpeg(args, timeout, writes=False)
    stdout = ffmpeg.process.stdout
    assert stdout is not None
    try:
        while _read_exactly(stdout, view, frame_bytes):
            yield frame
    except BaseException:
        ffmpeg.stop()
        raise
    ffmpeg.finish()


def _read_exactly(stream, view: memoryview, size: int) -> bool:
    """Fill the buffer from the pipe; False at the end of the stream."""
    filled = 0
    while filled < size:
        count = stream.readinto(view[filled:])
        if not count:
            return False
        filled += count
    return True


@contextmanager
def frame_writer(args: Sequence[str], timeout: float):
    """A `write(frame)` function feeding ffmpeg's stdin (`args` read `-f rawvideo -pix_fmt
    ... -s WxH -i pipe:0`); leaving the block waits for ffmpeg and checks its result."""
    ffmpeg = _Ffmpeg(args, timeout, writes=True)
    stdin = ffmpeg.process.stdin
    assert stdin is not None

    def write(frame: np.ndarray) -> None:
        try:
            stdin.write(np.ascontiguousarray(frame).data)
        except BrokenPipeError:
            ffmpeg.finish()  # raises with ffmpeg's own reason
            raise MediaError("The video could not be converted.", "ffmpeg stopped reading")

    try:
        yield write
    except BaseException:
        ffmpeg.stop()
        raise
    ffmpeg.finish()

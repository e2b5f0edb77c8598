"""Speech recognition on one long-lived thread of low CPU priority.

A transcription keeps both cores busy for a minute or more; a new upload's first playable
rendition, encoded at the same time by the other worker thread, must not wait behind it. On
Linux a thread has its own nice value and the threads it starts inherit it, so Whisper runs
on one "speech" thread made nicer once, and the compute threads CTranslate2 starts from it
are nice too: the encoder gets the CPU whenever it wants it, the transcription the rest.

The job's own thread keeps its database session: each progress report of the speech thread
is handed back to it and waited for, so an exception raised there (the owner switched
transcripts off) stops the speech work right at that report.
"""
from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")
# Added to the process's nice value: the encoder at 0 gets ~98% of a contended core.
SPEECH_NICENESS = 15
_DONE = object()


class _Stopped(Exception):
    """The caller gave up (its progress handler raised): the speech work ends early."""


class _SpeechThread:
    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        _lower_this_threads_priority()
        while True:
            work, future = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(work())
            except BaseException as error:  # noqa: BLE001 - handed to the waiting caller
                future.set_exception(error)

    def submit(self, work: Callable[[], T]) -> Future:
        future: Future = Future()
        self._jobs.put((work, future))
        return future


def _lower_this_threads_priority() -> None:
    if sys.platform != "linux":  # elsewhere setpriority would renice the whole process
        return
    try:
        thread_id = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread_id)
        os.setpriority(os.PRIO_PROCESS, thread_id, min(19, current + SPEECH_NICENESS))
    except OSError:  # not allowed here: run at the normal priority
        pass


_speech: _SpeechThread | None = None
_speech_lock = threading.Lock()


def _forget_in_child() -> None:
    # A forked child has none of its parent's threads: it starts its own when it needs one.
    global _speech, _speech_lock
    _speech, _speech_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_in_child)


def _speech_thread() -> _SpeechThread:
    global _speech
    with _speech_lock:
        if _speech is None:
            _speech = _SpeechThread()
        return _speech


def run_at_low_priority(work: Callable[[Callable[[float], None]], T],
                        on_progress: Callable[[float], None] | None = None) -> T:
    """work(report) on the speech thread; each report(fraction) is handled by `on_progress`
    on this thread before the work goes on. Returns work's result or raises its exception
    (or on_progress's, after stopping the work)."""
    reports: queue.Queue = queue.Queue()
    answers: queue.Queue = queue.Queue(maxsize=1)

    def report(fraction: float) -> None:
        reports.put(fraction)
        if not answers.get():  # the caller gave up
            raise _Stopped()

    def wrapped() -> T:
        try:
            return work(report)
        finally:
            reports.put(_DONE)

    future = _speech_thread().submit(wrapped)
    while (fraction := reports.get()) is not _DONE:
        try:
            if on_progress is not None:
                on_progress(fraction)
        except BaseException:
            answers.put(False)
            while reports.get() is not _DONE:  # the work ends at that answer
                answers.put(False)
            raise
        answers.put(True)
    return future.result()


def speech_thread_niceness() -> int:
    """The nice value the speech thread runs at (for tests and the benchmark)."""
    return _speech_thread().submit(
        lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())).result()

"""Speech recognition runs on the low-priority speech thread, and the job's thread still sees
its progress, its result, its errors, and can stop it."""
from __future__ import annotations

import os
import sys
import threading

import pytest

from mastery_share.transcripts.background import (
    SPEECH_NICENESS,
    run_at_low_priority,
    speech_thread_niceness,
)

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")


@linux_only
def test_the_speech_thread_runs_nicer_than_the_encoders():
    ours = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert speech_thread_niceness() >= min(19, ours + SPEECH_NICENESS)
    # The caller's own priority is untouched: an encoder on this thread keeps its share.
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == ours


@linux_only
def test_threads_started_by_the_speech_work_inherit_its_priority():
    def start_a_compute_thread(report):
        seen = []
        worker = threading.Thread(target=lambda: seen.append(
            os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        worker.start()
        worker.join()
        return seen[0]

    assert run_at_low_priority(start_a_compute_thread) == speech_thread_niceness()


def test_progress_reaches_the_callers_thread_in_order_and_the_result_comes_back():
    caller = threading.get_ident()
    seen = []

    def work(report):
        for fraction in (0.25, 0.5, 1.0):
            report(fraction)
        return "transcript"

    result = run_at_low_priority(work, on_progress=lambda done: seen.append(
        (done, threading.get_ident() == caller)))
    assert result == "transcript"
    assert seen == [(0.25, True), (0.5, True), (1.0, True)]


def test_an_error_in_the_speech_work_reaches_the_caller():
    def work(report):
        raise ValueError("the audio could not be decoded")

    with pytest.raises(ValueError, match="could not be decoded"):
        run_at_low_priority(work)


def test_a_caller_that_gives_up_stops_the_speech_work_at_its_next_report():
    reports_made = []

    def work(report):
        for fraction in (0.1, 0.2, 0.3, 0.4):
            report(fraction)
            reports_made.append(fraction)
        return "finished anyway"

    def give_up(done):
        if done >= 0.2:
            raise KeyboardInterrupt("transcripts switched off")

    with pytest.raises(KeyboardInterrupt):
        run_at_low_priority(work, on_progress=give_up)
    # The work stopped: the speech thread is free for the next transcription.
    assert reports_made == [0.1]
    assert run_at_low_priority(lambda report: "next") == "next"

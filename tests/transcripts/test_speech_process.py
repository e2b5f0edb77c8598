"""Whisper runs in a speech process of its own: nicer than the encoders, frozen while a first
playable rendition is encoded on the machine, never left behind, and still reporting its
progress, result and errors to the job."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mastery_share.transcripts import speech_process
from mastery_share.transcripts.speech import SAMPLE_RATE
from mastery_share.transcripts.speech_child import SPEECH_NICENESS
from mastery_share.transcripts.speech_process import SpeechFailed, transcribe_file
from mastery_share.urgent_work import UrgentLease, urgent_work, urgent_work_running
from tests.videos.conftest import FFMPEG

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and prctl")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def speech_pcm(speech_clips, tmp_path_factory) -> Path:
    """The speech clip's sound as the job hands it over: raw 16 kHz mono PCM."""
    out = tmp_path_factory.mktemp("pcm") / "speech.pcm"
    subprocess.run([*FFMPEG, "-i", str(speech_clips.speech), "-vn", "-f", "s16le", "-ac", "1",
                    "-ar", str(SAMPLE_RATE), str(out)], check=True, timeout=60)
    return out


def _state(pid: int) -> str | None:
    """The process's state letter from /proc (R, S, T for stopped, Z), None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


class _Run(threading.Thread):
    """transcribe_file on a thread of its own, as a worker's job thread runs it."""

    def __init__(self, model, audio, **options):
        super().__init__(daemon=True)
        self.model, self.audio, self.options = model, audio, options
        self.pid: int | None = None
        self.progress: list[float] = []
        self.result = self.error = None

    def run(self):
        try:
            self.result = transcribe_file(
                self.model, self.audio, on_progress=self.progress.append,
                on_start=lambda pid: setattr(self, "pid", pid), **self.options)
        except BaseException as error:  # noqa: BLE001 - the test looks at it
            self.error = error


@linux_only
def test_the_speech_process_stands_still_while_a_first_rendition_is_encoded(
        whisper_model, speech_pcm, tmp_path):
    lease = UrgentLease(tmp_path, "video-1").take()
    run = _Run(whisper_model, speech_pcm, may_run=lambda: not urgent_work_running(tmp_path))
    run.start()
    _wait_for(lambda: run.pid is not None and _state(run.pid) == "T", "the process to stop")
    assert run.progress == [] and run.is_alive()

    lease.release()
    run.join(timeout=300)
    assert run.error is None, run.error
    words = " ".join(cue.text for cue in run.result.cues).lower()
    assert "groups" in words and "goals" in words, words
    assert run.progress and run.progress[-1] == pytest.approx(1.0, abs=0.2)
    assert _state(run.pid) is None  # reaped, nothing left behind


@linux_only
def test_the_speech_process_runs_nicer_than_the_worker(whisper_model, speech_pcm):
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    wanted = min(19, ours + SPEECH_NICENESS)
    run = _Run(whisper_model, speech_pcm)
    run.start()
    # It lowers its priority before loading the model, which takes a second or more.
    _wait_for(lambda: run.pid is not None and _niceness(run.pid) in (wanted, None),
              "the speech process to lower its priority")
    seen = _niceness(run.pid)
    run.join(timeout=300)
    assert run.error is None, run.error
    assert seen == wanted, "the speech process ended before its priority could be read"
    assert os.getpriority(os.PRIO_PROCESS, 0) == ours  # the worker keeps its own


def _niceness(pid: int) -> int | None:
    try:
        return os.getpriority(os.PRIO_PROCESS, pid)
    except ProcessLookupError:
        return None


@linux_only
def test_a_pause_ends_after_its_limit_so_transcripts_are_never_starved(
        whisper_model, speech_pcm, tmp_path, monkeypatch):
    monkeypatch.setattr(speech_process, "MAX_PAUSE_S", 0.3)
    monkeypatch.setattr(speech_process, "RUN_AFTER_LONG_PAUSE_S", 600.0)
    with urgent_work(tmp_path, "a-stream-of-uploads"):
        run = _Run(whisper_model, speech_pcm, may_run=lambda: not urgent_work_running(tmp_path))
        run.start()
        run.join(timeout=300)
    assert run.error is None, run.error
    assert run.result.cues


def test_a_job_that_gives_up_ends_the_speech_process(whisper_model, speech_pcm):
    pids = []

    def give_up(done):
        raise KeyboardInterrupt("transcripts switched off")

    with pytest.raises(KeyboardInterrupt):
        transcribe_file(whisper_model, speech_pcm, on_progress=give_up, on_start=pids.append)
    assert pids and _state(pids[0]) is None


def test_a_broken_model_fails_with_the_reason(fake_model, speech_pcm):
    with pytest.raises(SpeechFailed, match="speech process failed"):
        transcribe_file(fake_model, speech_pcm)


@linux_only
def test_a_worker_killed_mid_transcription_leaves_no_speech_process(
        whisper_model, speech_pcm, tmp_path):
    """The worker is SIGKILLed while its speech process is frozen: the kernel ends that too."""
    script = (
        "import sys\n"
        "from mastery_share.transcripts.speech_process import transcribe_file\n"
        "from mastery_share.urgent_work import UrgentLease, urgent_work_running\n"
        f"root = {str(tmp_path)!r}\n"
        "UrgentLease(root, 'video-9').take()\n"
        f"transcribe_file({str(whisper_model)!r}, {str(speech_pcm)!r},\n"
        "    may_run=lambda: not urgent_work_running(root),\n"
        "    on_start=lambda pid: print(pid, flush=True))\n")
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    child = int(worker.stdout.readline())
    worker.stdout.close()
    _wait_for(lambda: _state(child) == "T", "the speech process to stop")
    worker.kill()
    worker.wait()
    # Gone, or a zombie waiting for init to reap it: either way it no longer runs.
    _wait_for(lambda: _state(child) in (None, "Z"), "the speech process to end")
    # The dead worker's lease no longer holds anything back, and is cleared.
    assert not urgent_work_running(tmp_path)
    assert not any((tmp_path / "urgent-work").iterdir())

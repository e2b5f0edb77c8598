"""Transcription speed on this machine (issue 13), with the app's own transcript job:

* a 2-minute spoken track (espeak-ng reading classroom paragraphs) in a shared video, its
  transcript made by `transcripts.jobs.transcribe_video` in a process of its own, as a
  worker runs it (the Whisper base model at .venv/whisper-base, loaded by the job's speech
  process; a load alone is timed apart): wall seconds per second of audio, target at most
  0.33;
* the first playable rendition of a 1080p video (`process_video`, as bench_pipeline times
  it) alone, and again while that transcription runs in another process: at most 10% later
  (the transcription's speech process stands still while the encode holds its lease).
  The runs alternate (alone, during, alone, during ...) and medians are compared.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

from .harness import (
    Result,
    generate_source,
    note,
    queued_video,
    scratch_dir,
    temporary_app,
)

NAME = "transcription"
ROOT = Path(__file__).resolve().parent.parent
AUDIO_SECONDS = 120
QUICK = bool(os.environ.get("BENCH_QUICK"))
SOURCE_SECONDS = 20 if QUICK else 60  # the 1080p video whose first rendition is timed
ROUNDS = 1 if QUICK else 3  # alone/during pairs
PARAGRAPHS = (
    ("Good morning everyone. Today we are going to start in our flexible groups. If your "
    "name is on the blue card, you will work with me at the back table on fractions. If "
    "your name is on the green card, you will start at the computers and finish the lesson "
    "on equivalent fractions. Everyone else will begin at the writing center."),
    ("Before we begin, look at your goal chart. Find the skill you are working on this week "
    "and read the goal you wrote on Monday. Ask yourself: what did I learn yesterday, and "
    "what do I still need to practice? Write one sentence about your plan for today."),
    ("At the back table, we will use these fraction strips. Take the strip that shows one "
    "half and lay it on top of the strip that shows two fourths. What do you notice? Turn "
    "to your partner and explain why the two pieces are the same length."),
    ("When the timer rings, finish your sentence and clean up your station. Put your exit "
    "ticket in the basket by the door. I will read every ticket tonight and tomorrow the "
    "groups will change, based on what your tickets show me."),
    ("Remember, a mistake is information. If you are stuck, try the hint card first, then ask "
    "a partner, and then raise your hand. Let us check our voice levels before we start. "
    "Centers should sound like quiet conversation, not like the playground at recess."),
    ("Science groups, your task today is to record the temperature of the water every two "
    "minutes and plot it on the graph. Predict what the line will look like before you "
    "start, and write your prediction in your notebook with today's date."),
)


def run() -> list[Result]:
    model_dir = _model_dir()
    with scratch_dir() as scratch:
        track = _speech_track(scratch)
        source = generate_source(scratch / "source-1080p.mp4", 1920, 1080, SOURCE_SECONDS)
        with temporary_app(WHISPER_MODEL=str(model_dir)) as app:
            speech_id = _ready_video(track)
            env = _worker_env(app.config, model_dir)
            alone_run = _transcribe(env, speech_id)
            alone, during, overlapped = [], [], []
            for _ in range(ROUNDS):
                alone.append(_first_playable(app, source)[0])
                worker = _start_transcription(env, speech_id)
                seconds, ready_at = _first_playable(app, source)
                during.append(seconds)
                # Still transcribing when the video became playable: it competed all along.
                overlapped.append(_finish(worker)["ended_at"] >= ready_at)
    return _report(alone_run, alone, during, overlapped)


def _model_dir() -> Path:
    from mastery_share.transcripts.speech import model_files_present

    model_dir = Path(os.environ.get("MASTERY_WHISPER_MODEL") or Path(sys.prefix) / "whisper-base")
    if not model_files_present(model_dir):
        raise RuntimeError(f"no Whisper model at {model_dir}: run `make whisper-model`")
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    return model_dir


def _speech_track(scratch: Path) -> Path:
    """A 320x240 video with AUDIO_SECONDS of speech: the paragraphs read in turn, a pause
    between them, until the time is filled."""
    from .harness import FFMPEG_QUIET

    parts = []
    for number, text in enumerate(PARAGRAPHS):
        wav = scratch / f"paragraph-{number}.wav"
        # A US voice, a little slower than espeak's default, as the transcript tests use.
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-g", "8", "-w", str(wav), text],
                       check=True, timeout=120)
        parts.append(wav)
    listing = scratch / "speech.txt"
    listing.write_text("".join(f"file '{part}'\n" for part in parts) * 4)
    out = scratch / "speech.mp4"
    subprocess.run([
        *FFMPEG_QUIET, "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
        "-f", "lavfi", "-i", f"testsrc2=s=320x240:r=25:d={AUDIO_SECONDS}",
        "-af", f"apad,atrim=0:{AUDIO_SECONDS}", "-map", "1:v", "-map", "0:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-t", str(AUDIO_SECONDS), str(out)], check=True, timeout=300)
    return out


def _processed(source: Path) -> int:
    """A shared video of `source`, processed; the jobs it queues (transcript, search) are
    held back, as in bench_pipeline."""
    from mastery_share.jobs import huey
    from mastery_share.videos.processing import process_video

    video_id = queued_video(source)
    with mock.patch.object(huey, "enqueue", lambda task: None):
        process_video(video_id)
    return video_id


def _ready_video(track: Path) -> int:
    from mastery_share.extensions import db
    from mastery_share.videos.models import Video

    video_id = _processed(track)
    video = db.session.get(Video, video_id)
    if video.status != "ready":
        raise RuntimeError(f"the speech video did not become ready: {video.error}")
    return video_id


def _first_playable(app, source: Path) -> tuple[float, float]:
    """Seconds from the start of `process_video` until the video is `ready` (its smallest
    rendition stored), seen by bench_pipeline's poller; and that moment (time.time())."""
    from mastery_share.jobs import huey
    from mastery_share.videos.processing import process_video

    from .bench_pipeline import ReadyWatcher

    video_id = queued_video(source)
    watcher = ReadyWatcher(app, video_id)
    with mock.patch.object(huey, "enqueue", lambda task: None):
        wall_start = time.time()
        watcher.started_at = time.perf_counter()
        watcher.start()
        try:
            process_video(video_id)
        finally:
            watcher.stop.set()
            watcher.join(timeout=30)
    if watcher.error is not None or watcher.ready_after is None:
        raise RuntimeError(f"the video never became ready: {watcher.error!r}")
    return watcher.ready_after, wall_start + watcher.ready_after


# --- the transcription, in a worker process of its own --------------------------------------

def _worker_env(config, model_dir: Path) -> dict:
    env = {**os.environ, "MASTERY_DATA_DIR": config["DATA_DIR"],
           "MASTERY_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
           "MASTERY_WHISPER_MODEL": str(model_dir),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("MASTERY_ENV", None)
    return env


def _start_transcription(env: dict, video_id: int) -> subprocess.Popen:
    """Queue the video's transcript again and start a worker on it; returns once the worker
    has loaded the model and begun the job."""
    from sqlalchemy import update

    from mastery_share.extensions import db
    from mastery_share.videos.models import Video

    db.session.execute(update(Video).where(Video.id == video_id)
                       .values(transcript_status="queued", transcript_progress=0))
    db.session.commit()
    worker = subprocess.Popen(
        [sys.executable, "-c", (f"from bench.bench_transcription import transcription_worker; "
                               f"transcription_worker({video_id})")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not worker.stdout.readline().startswith("loaded"):
        worker.kill()
        raise RuntimeError(f"the transcription worker did not start: {worker.stderr.read()[-2000:]}")
    return worker


def _finish(worker: subprocess.Popen) -> dict:
    out, err = worker.communicate(timeout=1800)
    if worker.returncode != 0:
        raise RuntimeError(f"the transcription worker failed: {err[-2000:]}")
    outcome = json.loads(out.strip().splitlines()[-1])
    if outcome["status"] != "done":
        raise RuntimeError(f"the transcript ended {outcome['status']}: {outcome['error']}")
    return outcome


def _transcribe(env: dict, video_id: int) -> dict:
    return _finish(_start_transcription(env, video_id))


def transcription_worker(video_id: int) -> None:
    """Run as `python -c`: the app's transcript job, as a worker runs it (its speech process
    starts, loads the model and transcribes); prints its times and outcome as JSON. The
    model load is timed apart in a process of its own first."""
    from mastery_share import create_app
    from mastery_share.extensions import db
    from mastery_share.transcripts.jobs import transcribe_video, whisper_model_dir
    from mastery_share.transcripts.services import read_cues
    from mastery_share.videos.models import Video

    app = create_app()
    with app.app_context():
        load_s = _model_load_s(whisper_model_dir())
        print("loaded", flush=True)
        cpu = _children_cpu()
        started = time.perf_counter()
        transcribe_video(video_id)
        job_s = time.perf_counter() - started
        ended_at = time.time()
        cpu = _children_cpu() - cpu
        db.session.expire_all()
        video = db.session.get(Video, video_id)
        words = ""
        if video.transcript_status == "done":
            words = " ".join(cue["text"] for cue in read_cues(video.owner, video_id))
        print(json.dumps({"load_s": load_s, "job_s": job_s, "cpu_s": cpu, "ended_at": ended_at,
                          "status": video.transcript_status, "error": video.transcript_error,
                          "words": words}), flush=True)


def _model_load_s(model_dir: Path) -> float:
    """Seconds a fresh process takes to import faster-whisper and load the model: part of
    every transcript job now that each runs in a speech process of its own."""
    code = ("import time, sys; t = time.perf_counter(); "
            "from mastery_share.transcripts.speech import load_model; "
            "load_model(sys.argv[1]); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code, str(model_dir)], cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=300).stdout
    return float(out.strip().splitlines()[-1])


def _children_cpu() -> float:
    """CPU seconds of this process and its finished children (the speech process, ffmpeg)."""
    usage = os.times()
    return usage.user + usage.system + usage.children_user + usage.children_system


# --- the report -----------------------------------------------------------------------------

def _recall(heard: str) -> float:
    """Share of the distinct words read aloud that the transcript has."""
    import re

    said = {word for text in PARAGRAPHS for word in re.findall(r"[a-z']+", text.lower())}
    got = set(re.findall(r"[a-z']+", heard.lower()))
    return len(said & got) / len(said)


def _report(alone_run, alone, during, overlapped) -> list[Result]:
    job = alone_run["job_s"]
    note(NAME, f"{AUDIO_SECONDS} s of espeak-ng speech: the transcript job took {job:.1f} s "
               f"({job / AUDIO_SECONDS:.2f} s per s of audio; {alone_run['cpu_s']:.1f} s CPU), "
               f"including its speech process's start and model load "
               f"(a fresh process loads the model in {alone_run['load_s']:.1f} s); "
               f"{_recall(alone_run['words']):.0%} of the distinct words read were heard; "
               f"{os.cpu_count()} cores")
    note(NAME, f"first playable of a {SOURCE_SECONDS} s 1080p video, alone: "
               + ", ".join(f"{t:.2f}" for t in alone) + " s; while transcribing: "
               + ", ".join(f"{t:.2f}" for t in during) + " s (runs alternate)")
    if not all(overlapped):
        note(NAME, f"{overlapped.count(False)} of {len(overlapped)} transcriptions ended "
                   "before the video became playable: the comparison is unfair to them")
    alone_median, during_median = statistics.median(alone), statistics.median(during)
    return [
        Result(NAME, f"transcript job for {AUDIO_SECONDS} s of speech (Whisper base, in its "
                     "speech process, model load included) vs the audio's duration", job, float(AUDIO_SECONDS), "s",
               "at most 0.33x", job <= 0.33 * AUDIO_SECONDS),
        Result(NAME, f"first playable rendition ({SOURCE_SECONDS} s 1080p source) while a "
                     "transcription runs in another process vs alone, median",
               during_median, alone_median, "s", "at most 1.10x",
               during_median <= 1.10 * alone_median),
    ]

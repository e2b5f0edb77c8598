"""Processing throughput (issue 16): 20 one-minute uploads at once, through the production line
(`flask serve`: gunicorn and its supervised consumers), with one and with two consumer
processes of two job threads each.

A teacher's upload goes the whole way over HTTP: a tus upload (tuspy, 8 MiB chunks, as the
upload page sends) and POST /api/v1/videos, twenty of them from twenty threads at the same
moment. Measured from that moment: when every video is playable (status `ready`: poster and
smallest rendition stored) and when every video is complete (every rendition ready). The
sources are 60 s 720p30 H.264/AAC clips, as a phone or a laptop records a lesson; the
transcription is not part of it (no speech model is set for the run).

The two consumers stand beside the one consumer of the same run: on 2 cores, ffmpeg already
uses both, so a second consumer can only fill the gaps between steps. The figures give the
sizing line of docs/deploy.md: minutes of video processed per core-hour.
"""
from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .bench_spread import _check
from .harness import Result, generate_source, note, scratch_dir

NAME = "throughput"
ROOT = Path(__file__).resolve().parent.parent
UPLOADS = 20
SECONDS, WIDTH, HEIGHT = 60, 1280, 720
TEACHER, PASSWORD = "maria.lopez@riverside.example.org", "mastery-demo"
CHUNK = 8 * 1024 * 1024
TIMEOUT_S = 3600


def run() -> list[Result]:
    if os.environ.get("BENCH_QUICK"):
        global UPLOADS, SECONDS
        UPLOADS, SECONDS = 3, 10
    with scratch_dir() as scratch:
        source = generate_source(scratch / "lesson.mp4", WIDTH, HEIGHT, SECONDS)
        source_mib = source.stat().st_size / 2**20
        timings = {}
        for consumers in (1, 2):
            timings[consumers] = _one_configuration(scratch / f"consumers-{consumers}", source,
                                                    consumers)
    return _report(timings, source_mib)


def _one_configuration(scratch: Path, source: Path, consumers: int) -> dict:
    """Seconds from the first upload's start until every video is playable and complete."""
    scratch.mkdir()
    env = _server_env(scratch)
    for command in (["db", "upgrade"], ["seed-demo", "--no-videos"]):
        _check([sys.executable, "-m", "flask", "--app", "wsgi", *command], env)
    with _served(env, scratch / "serve.log", consumers) as base:
        token = _token(base)
        started = time.perf_counter()
        with ThreadPoolExecutor(UPLOADS) as pool:
            video_ids = list(pool.map(lambda number: _share(base, token, source, number),
                                      range(UPLOADS)))
        uploaded = time.perf_counter() - started
        playable, complete = _wait_for(scratch / "data" / "mastery.db", video_ids, started)
    timings = {"uploaded": uploaded, "playable": playable, "complete": complete}
    note(NAME, f"{consumers} consumer(s): {UPLOADS} uploads sent in {uploaded:.1f} s; every "
               f"video playable after {playable:.1f} s, complete after {complete:.1f} s")
    return timings


def _share(base: str, token: str, source: Path, number: int) -> int:
    import requests
    from tusclient import client as tus_client

    headers = {"Authorization": f"Bearer {token}"}
    uploader = tus_client.TusClient(f"{base}/api/v1/uploads", headers=headers)
    with open(source, "rb") as clip:
        upload = uploader.uploader(file_stream=clip, chunk_size=CHUNK,
                                   metadata={"filename": f"lesson-{number}.mp4"})
        upload.upload()
    shared = requests.post(f"{base}/api/v1/videos", headers=headers, timeout=120, json={
        "upload_id": upload.url.rstrip("/").rsplit("/", 1)[-1],
        "title": f"Station rotation, take {number + 1}", "practices": ["blended-learning"],
        "grade_band": "3-5", "subject": "Math", "visibility": "district",
        "media_release": True})
    if shared.status_code != 202:
        raise RuntimeError(f"sharing upload {number} answered {shared.status_code}: {shared.text}")
    return shared.json()["id"]


def _wait_for(database: Path, video_ids: list[int], started: float) -> tuple[float, float]:
    """Read the database (not the API, which would add load) until every video is complete."""
    playable = None
    marks = ",".join("?" * len(video_ids))
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        with sqlite3.connect(database, timeout=30) as connection:
            statuses = dict(connection.execute(
                f"SELECT id, status FROM videos WHERE id IN ({marks})", video_ids).fetchall())
            unfinished = connection.execute(
                f"SELECT count(*) FROM renditions WHERE video_id IN ({marks}) "
                "AND status != 'ready'", video_ids).fetchone()[0]
        failed = [video for video, status in statuses.items() if status == "failed"]
        if failed:
            raise RuntimeError(f"videos {failed} failed to process")
        if playable is None and all(status == "ready" for status in statuses.values()):
            playable = time.perf_counter() - started
        if playable is not None and not unfinished:
            return playable, time.perf_counter() - started
        time.sleep(0.25)
    raise RuntimeError(f"the videos were not complete within {TIMEOUT_S} s")


def _report(timings: dict, source_mib: float) -> list[Result]:
    one, two = timings[1], timings[2]
    video_minutes = UPLOADS * SECONDS / 60
    cores = os.cpu_count() or 1
    for consumers, measured in timings.items():
        per_core_hour = video_minutes / (measured["complete"] / 3600 * cores)
        note(NAME, f"{consumers} consumer(s): {per_core_hour:.0f} minutes of 720p video "
                   f"processed per core-hour ({video_minutes:g} min of video on {cores} cores)")
    note(NAME, f"source: {SECONDS} s {WIDTH}x{HEIGHT}, {source_mib:.1f} MiB each")
    return [
        Result(NAME, f"every one of {UPLOADS} one-minute uploads playable, 2 consumers vs 1",
               two["playable"], one["playable"], "s", "reported", True),
        Result(NAME, f"every one of {UPLOADS} one-minute uploads complete, 2 consumers vs 1",
               two["complete"], one["complete"], "s", "reported", True),
        Result(NAME, "1 consumer: every video playable vs every video complete",
               one["playable"], one["complete"], "s", "reported", True),
        Result(NAME, "2 consumers: every video playable vs every video complete",
               two["playable"], two["complete"], "s", "reported", True),
    ]


# --- the production line ---------------------------------------------------------------------

def _server_env(scratch: Path) -> dict:
    env = {**os.environ, "MASTERY_DATA_DIR": str(scratch / "data"),
           "MASTERY_SECRET_KEY": secrets.token_hex(32),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for name in ("MASTERY_ENV", "MASTERY_SMTP_URL", "MASTERY_DATABASE_URL", "MASTERY_QUEUE_URL",
                 "MASTERY_STORAGE", "MASTERY_SEARCH", "MASTERY_WHISPER_MODEL"):
        env.pop(name, None)
    return env


@contextmanager
def _served(env: dict, log_path: Path, consumers: int):
    """`flask serve --consumers N` on a free port; yields its base URL, stopped by SIGTERM."""
    import requests

    from .bench_booking import _free_port

    port = _free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--port", str(port),
             "--consumers", str(consumers)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"flask serve did not come up: {log_path.read_text()[-2000:]}")
            try:
                if requests.get(f"{base}/readyz", timeout=10).ok:
                    break
            except requests.RequestException:
                pass  # not listening yet
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait(timeout=10)


def _token(base: str) -> str:
    import requests

    answer = requests.post(f"{base}/api/v1/tokens", auth=(TEACHER, PASSWORD), timeout=60)
    if answer.status_code != 201:
        raise RuntimeError(f"POST /api/v1/tokens answered {answer.status_code}: {answer.text}")
    return answer.json()["token"]

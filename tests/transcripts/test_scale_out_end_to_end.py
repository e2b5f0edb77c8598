"""The scale-out topology end to end, as `make run-prod` starts it: `flask serve` (gunicorn,
four processes) with two supervised consumers, PostgreSQL for data and search, Redis for
jobs and rate limits, moto's S3 server over HTTP for media. Through HTTP only: a teacher
uploads a spoken clip with tus, it is processed and transcribed, a spoken word finds it
down to the moment, a colleague's classroom is booked, and a coach curates the video."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
import redis
import requests
from moto.server import ThreadedMotoServer
from tusclient import client as tus_client

from mastery_share.prod_tryout import scale_out_environment
from tests.conftest import free_port
from tests.postgres import fresh_postgres_database
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379"
REDIS_DATABASES = (9, 10)  # apart from the suite's queue (15 and below) and run-prod's
PASSWORD = "mastery-demo"


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI: {error}")
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379 ({error}); CI runs this test")


@pytest.fixture
def moto_s3():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    bucket = f"mastery-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="tryout", aws_secret_access_key="tryout"
                 ).create_bucket(Bucket=bucket)
    try:
        yield endpoint, bucket
    finally:
        server.stop()


class ScaleOut:
    def __init__(self, environment: dict[str, str], data_dir: Path):
        self.environment, self.port = environment, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "serve.log"
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        for command in (["db", "upgrade"], ["seed-demo", "--no-videos"]):
            subprocess.run([*flask, *command], cwd=ROOT, env=environment, check=True,
                           capture_output=True, timeout=300)
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [*flask, "serve", "--consumers", "2", "--port", str(self.port)], cwd=ROOT,
                env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def ready(self) -> bool:
        assert self.process.poll() is None, self.output()
        try:
            return requests.get(f"{self.url}/readyz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)  # Ctrl-C in a terminal
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            pytest.fail(f"Ctrl-C did not stop the server within 60 s: {self.output()}")


@pytest.fixture
def scale_out(tmp_path, moto_s3, whisper_model):
    _redis_or_skip()
    endpoint, bucket = moto_s3
    for database in REDIS_DATABASES:
        redis.Redis.from_url(f"{REDIS_URL}/{database}").flushdb()
    with fresh_postgres_database() as database_url:
        environment = scale_out_environment(
            database_url=database_url, redis_url=REDIS_URL, s3_endpoint=endpoint,
            bucket=bucket, data_dir=tmp_path / "data", redis_databases=REDIS_DATABASES)
        environment.update({"MASTERY_WEB_PROCESSES": "4",
                            "MASTERY_WHISPER_MODEL": str(whisper_model)})
        environment.pop("MASTERY_ENV", None)
        server = ScaleOut(environment, tmp_path)
        try:
            assert wait_until(server.ready, timeout=120), server.output()
            yield server
        finally:
            server.stop()
            assert "Traceback" not in server.log.read_text(errors="replace"), server.output()
            for database in REDIS_DATABASES:
                redis.Redis.from_url(f"{REDIS_URL}/{database}").flushdb()


def _session(base: str, email: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{base}/api/v1/tokens", auth=(email, PASSWORD), timeout=30)
    assert answer.status_code == 201, answer.text
    session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return session


def _email(first: str, last: str) -> str:
    return f"{first}.{last}@riverside.example.org"


def test_upload_process_transcribe_search_book_and_curate_in_the_scale_out_topology(
        scale_out, speech_clips):
    base = scale_out.url
    teacher = _session(base, _email("maria", "lopez"))
    me = teacher.get(f"{base}/api/v1/me", timeout=30).json()

    # Upload with tus, as the upload page and tuspy do, then share it.
    uploader = tus_client.TusClient(f"{base}/api/v1/uploads",
                                    headers={"Authorization": teacher.headers["Authorization"]})
    with open(speech_clips.speech, "rb") as clip:  # tuspy leaves a path's file open
        upload = uploader.uploader(file_stream=clip, chunk_size=64 * 1024,
                                   metadata={"filename": "goals.mp4"})
        upload.upload()
    upload_id = upload.url.rstrip("/").rsplit("/", 1)[-1]
    shared = teacher.post(f"{base}/api/v1/videos", timeout=60, json={
        "upload_id": upload_id, "title": "Checking goals every day",
        "description": "Flexible groups set and check goals.", "practices": ["goal-setting"],
        "grade_band": "3-5", "subject": "Math", "visibility": "district",
        "media_release": True})
    assert shared.status_code == 202, shared.text
    video_id = shared.json()["id"]

    def video() -> dict:
        return teacher.get(f"{base}/api/v1/videos/{video_id}", timeout=30).json()

    assert wait_until(lambda: video()["status"] == "ready", timeout=300), video()
    rendition = video()["renditions"][0]
    media = teacher.get(rendition["url"], timeout=30, allow_redirects=True,
                        headers={"Range": "bytes=0-15"})
    assert media.status_code in (200, 206) and b"ftyp" in media.content, media.status_code

    # Transcribed by a consumer, indexed in PostgreSQL: a spoken word finds the moment.
    def spoken_hit():
        found = teacher.get(f"{base}/api/v1/search", params={"q": "said:goals"}, timeout=30)
        results = found.json().get("results", [])
        return next((result for result in results if result["video"]["id"] == video_id
                     and result["caption_hits"]), None)

    hit = wait_until(spoken_hit, timeout=600)
    assert hit, f"never found by what is said: {video()} {scale_out.output()}"
    assert 0 <= hit["caption_hits"][0]["start_s"] < 8

    # A colleague at another school opens her classroom; the teacher books a seat.
    host = _session(base, _email("sofia", "rossi"))
    starts_at = (datetime.now(UTC) + timedelta(days=4)).replace(hour=15, minute=0, second=0,
                                                                microsecond=0)
    opened = host.post(f"{base}/api/v1/visit-slots", timeout=30, json={
        "starts_at": starts_at.isoformat(), "duration_min": 45, "capacity": 2,
        "focus": "Goal check-ins", "practices": ["goal-setting"], "video_ids": []})
    assert opened.status_code == 201, opened.text
    slot_id = opened.json()["items"][0]["id"]
    booked = teacher.post(f"{base}/api/v1/visit-slots/{slot_id}/bookings", timeout=30)
    assert booked.status_code == 201, booked.text
    assert booked.json()["status"] in ("confirmed", "pending_approval")

    # A coach bundles the video for a PLC meeting.
    coach = _session(base, _email("daniel", "reyes"))
    collection = coach.post(f"{base}/api/v1/collections", timeout=30, json={
        "title": "PLC: goal-setting", "visibility": "district"})
    assert collection.status_code == 201, collection.text
    items = f"{base}/api/v1/collections/{collection.json()['id']}/items"
    added = coach.post(items, timeout=30, json={"video_id": video_id, "start_s": 1})
    assert added.status_code == 201, added.text
    curated = coach.get(f"{base}/api/v1/collections/{collection.json()['id']}", timeout=30)
    assert [item["video_id"] for item in curated.json()["items"]] == [video_id]
    assert me["school"]["id"] != host.get(f"{base}/api/v1/me", timeout=30).json()["school"]["id"]

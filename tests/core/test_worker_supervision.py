"""`flask serve` keeps its worker alive: killed with SIGKILL (as the out-of-memory killer does
during a long transcode) it is reaped and started again, and a worker that keeps dying makes
the waiting videos say "processing is paused" instead of sitting in a silent queue.

Real processes throughout: `flask serve` on a free port, its worker, ffmpeg, the HTTP API.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from mastery_share.worker_state import read_worker_state
from tests.conftest import free_port
from tests.videos.conftest import DETAILS, MID_TRANSCODE_CLIP_S, make_clip
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
TEACHER = ("maria.lopez@riverside.example.org", "mastery-demo")
# Transcoding a long clip on a busy 2-core machine: the ceiling only stops a broken build.
PROCESSING_CEILING_S = 600


class Serve:
    """`flask serve` as `make run` starts it, with its output collected line by line."""

    def __init__(self, data_dir: Path, *extra: str):
        env = {**os.environ, "MASTERY_DATA_DIR": str(data_dir), "MASTERY_QUEUE_URL": ""}
        env.pop("MASTERY_DATABASE_URL", None)
        for command in (["db", "upgrade"], ["seed-demo", "--no-videos"]):
            subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT,
                           env=env, check=True, capture_output=True)
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{free_port()}"
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "serve",
             "--port", self.url.rsplit(":", 1)[1], *extra],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self._collector = threading.Thread(target=self._collect, daemon=True)
        self._collector.start()

    def _collect(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def line_matching(self, pattern: str, after: int = 0) -> re.Match | None:
        for line in self.lines[after:]:
            if match := re.search(pattern, line):
                return match
        return None

    def healthy(self) -> bool:
        try:
            return requests.get(f"{self.url}/healthz", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._collector.join(timeout=30)
        self.process.stdout.close()

    def output(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(*extra: str) -> Serve:
        server = Serve(tmp_path / "data", *extra)
        started.append(server)
        assert wait_until(server.healthy), f"the app did not come up:\n{server.output()}"
        return server

    yield start
    for server in started:
        server.stop()


def _worker_pid(server: Serve, after: int = 0) -> int:
    match = wait_until(lambda: server.line_matching(r"worker pid (\d+)", after))
    assert match, f"no worker pid:\n{server.output()}"
    return int(match.group(1))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A reaped child is gone; a zombie is what the old `flask serve` left behind.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def _token(server: Serve) -> dict[str, str]:
    response = requests.post(f"{server.url}/api/v1/tokens", auth=TEACHER, timeout=30)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _share(server: Serve, auth, clip: Path) -> int:
    data = [(key, "true" if value is True else value) for key, value in DETAILS.items()
            if key != "practices"] + [("practices", slug) for slug in DETAILS["practices"]]
    with clip.open("rb") as handle:
        response = requests.post(f"{server.url}/api/v1/videos", headers=auth, data=data,
                                 files={"file": (clip.name, handle, "video/mp4")}, timeout=120)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def _video(server: Serve, auth, video_id: int) -> dict:
    return requests.get(f"{server.url}/api/v1/videos/{video_id}", headers=auth, timeout=30).json()


def test_a_worker_killed_under_serve_is_restarted_and_a_later_upload_becomes_ready(
        serve, tmp_path):
    server = serve()
    first = _worker_pid(server)
    assert wait_until(lambda: _alive(first))
    os.kill(first, signal.SIGKILL)

    restarted = wait_until(lambda: server.line_matching(r"Worker restarted: pid (\d+)"))
    assert restarted, f"the worker was not restarted:\n{server.output()}"
    second = int(restarted.group(1))
    assert second != first and _alive(second)
    assert not _alive(first), "the killed worker was left a zombie"
    # The log says what happened and how soon the worker comes back.
    assert server.line_matching(rf"Worker pid {first} stopped \(killed by SIGKILL\); "
                                r"restarting it in 1 s")

    auth = _token(server)
    video_id = _share(server, auth, make_clip(tmp_path / "after.mp4", seconds=2))
    done = wait_until(lambda: _video(server, auth, video_id)["status"] in ("ready", "failed"),
                      timeout=PROCESSING_CEILING_S)
    assert done, f"the video never left the queue:\n{server.output()}"
    assert _video(server, auth, video_id)["status"] == "ready"


def test_a_worker_killed_mid_transcode_under_serve_still_finishes_the_video(serve, tmp_path):
    server = serve()
    auth = _token(server)
    clip = make_clip(tmp_path / "long.mp4", size="1280x720", seconds=MID_TRANSCODE_CLIP_S,
                     codec=["-c:v", "mpeg4", "-q:v", "6"])
    video_id = _share(server, auth, clip)

    def transcoding():
        video = _video(server, auth, video_id)
        return video["status"] == "processing" and 0 < video["progress"] < 100

    assert wait_until(transcoding, timeout=PROCESSING_CEILING_S), "processing never started"
    os.kill(_worker_pid(server), signal.SIGKILL)
    assert wait_until(lambda: server.line_matching(r"Worker restarted: pid \d+")), \
        server.output()

    # `ready` comes with the first playable rendition; 100% once every rendition is made.
    finished = wait_until(lambda: _video(server, auth, video_id)["status"] == "failed"
                          or _video(server, auth, video_id)["progress"] == 100,
                          timeout=PROCESSING_CEILING_S)
    assert finished, f"the video was left behind:\n{server.output()}"
    video = _video(server, auth, video_id)
    assert video["status"] == "ready", video["error"]
    assert {rendition["label"] for rendition in video["renditions"]} >= {"360p", "720p"}


def _sign_in(server: Serve) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{server.url}/sign-in", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = browser.post(f"{server.url}/sign-in", timeout=30, data={
        "csrf_token": token, "email": TEACHER[0], "password": TEACHER[1]})
    assert response.status_code == 200 and "Sign out" in response.text
    return browser


def test_a_worker_that_keeps_dying_pauses_processing_and_waiting_videos_say_so(serve, tmp_path):
    dies_at_once = f"{sys.executable} -c 'import sys; sys.exit(3)'"
    server = serve("--worker-command", dies_at_once)
    auth = _token(server)
    video_id = _share(server, auth, make_clip(tmp_path / "waiting.mp4", seconds=2))

    paused = wait_until(lambda: (state := read_worker_state(server.data_dir)) and state.paused)
    assert paused, f"the crash loop was not noticed:\n{server.output()}"
    assert server.line_matching(r"stopped \(exit code 3\); restarting it in \d+ s "
                                r"\(processing is paused\)")
    # Backed off: each wait is twice the last, never a tight loop.
    delays = [int(match) for match in re.findall(r"restarting it in (\d+) s", server.output())]
    assert delays[:3] == [1, 2, 4]

    browser = _sign_in(server)
    watch = browser.get(f"{server.url}/videos/{video_id}", timeout=30).text
    assert "Processing is paused" in watch and "Your video is safe" in watch
    assert "Processing is paused" in browser.get(f"{server.url}/videos/mine", timeout=30).text
    status = browser.get(f"{server.url}/videos/{video_id}/status.json", timeout=30).json()
    assert status["status"] == "queued" and status["paused"].startswith("Processing is paused")


def test_a_healthy_worker_shows_no_pause_and_stopping_serve_clears_its_state(serve, tmp_path):
    server = serve()
    _worker_pid(server)
    state = read_worker_state(server.data_dir)
    assert state is not None and state.state == "running" and not state.paused
    server.stop()
    assert read_worker_state(server.data_dir) is None


def test_sigterm_during_a_transcode_loses_no_video(serve, tmp_path, monkeypatch):
    """A service manager stops `flask serve` (SIGTERM to its pid alone) while a video is being
    transcoded: every process ends, and the next start finishes that video."""
    # The next start takes the abandoned video over once its heartbeat is this old.
    monkeypatch.setenv("MASTERY_PROCESSING_STALE_AFTER_S", "5")
    server = serve()
    auth = _token(server)
    clip = make_clip(tmp_path / "long.mp4", size="1280x720", seconds=MID_TRANSCODE_CLIP_S,
                     codec=["-c:v", "mpeg4", "-q:v", "6"])
    video_id = _share(server, auth, clip)
    assert wait_until(lambda: _video(server, auth, video_id)["status"] == "processing",
                      timeout=PROCESSING_CEILING_S), "processing never started"
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=120)
    assert wait_until(lambda: subprocess.run(["pgrep", "-g", str(server.process.pid)],
                                             capture_output=True).stdout.strip() == b""), \
        f"processes outlived flask serve:\n{server.output()}"

    again = serve()
    finished = wait_until(lambda: _video(again, auth, video_id)["progress"] == 100,
                          timeout=PROCESSING_CEILING_S)
    assert finished, f"the video was left behind:\n{again.output()}"
    assert _video(again, auth, video_id)["status"] == "ready"

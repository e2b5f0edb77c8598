"""A playlist or concat list posing as a video must fail without reading what it names.

Two detectors make "read nothing else" observable:

* a FIFO canary: opening a FIFO for writing blocks until somebody opens it for reading,
  so a writer thread that got through means ffprobe opened the canary;
* a loopback HTTP server that counts requests.

The control tests run ffprobe without the format whitelist on the same kind of file and
show both detectors do fire, so the zero counts in the real tests mean something.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mastery_share.media import MediaError, probe


class Canary:
    """A FIFO that records whether anything opened it for reading."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self._cleanup = threading.Event()
        self.opened = False
        self._thread = threading.Thread(target=self._wait_for_reader, daemon=True)
        self._thread.start()

    def _wait_for_reader(self) -> None:
        with open(self.path, "wb"):
            self.opened = not self._cleanup.is_set()

    def close(self) -> None:
        self._cleanup.set()
        if self._thread.is_alive():  # nobody read it: open it ourselves to release the writer
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            self._thread.join(timeout=5)
            os.close(fd)


class RequestCounter(ThreadingHTTPServer):
    requests: list[str]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[RequestCounter]:
    server = RequestCounter(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def canary(tmp_path: Path) -> Iterator[Canary]:
    canary = Canary(tmp_path / "canary.ts")
    yield canary
    canary.close()


def _hls(targets: list[str]) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:10", "#EXT-X-MEDIA-SEQUENCE:0"]
    for target in targets:
        lines += ["#EXTINF:10.0,", target]
    return "\n".join(lines + ["#EXT-X-ENDLIST", ""])


def _url(server: RequestCounter) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/segment.ts"


@pytest.mark.parametrize("name", ["lesson.mp4", "lesson.m3u8"])
def test_hls_playlist_posing_as_video_fails_without_reading_anything(
    tmp_path, canary, http_server, name
):
    playlist = tmp_path / name
    playlist.write_text(_hls([str(canary.path), "file:///etc/passwd", _url(http_server)]))
    with pytest.raises(MediaError) as caught:
        probe(playlist, timeout=10)
    assert caught.value.reason == "This file is not a video we can read."
    assert not canary.opened
    assert http_server.requests == []


def test_ffconcat_file_posing_as_video_fails_without_reading_anything(tmp_path, canary):
    concat = tmp_path / "lesson.mp4"
    concat.write_text(f"ffconcat version 1.0\nfile {canary.path.name}\nfile /etc/passwd\n")
    with pytest.raises(MediaError, match="not a video we can read"):
        probe(concat, timeout=10)
    assert not canary.opened


def _plain_ffprobe(path: Path, *options: str) -> None:
    subprocess.run(["ffprobe", "-v", "quiet", *options, str(path)], timeout=20, check=False)


def test_control_plain_ffprobe_does_open_the_canary_named_in_a_playlist(tmp_path, canary):
    playlist = tmp_path / "control.m3u8"
    playlist.write_text(_hls([str(canary.path)]))
    _plain_ffprobe(playlist)
    assert canary.opened


def test_control_ffprobe_with_http_allowed_does_call_the_url_named_in_a_playlist(
    tmp_path, http_server
):
    playlist = tmp_path / "control.m3u8"
    playlist.write_text(_hls([_url(http_server)]))
    # A local playlist may only open local files by ffmpeg's default; widening the
    # protocols, as a careless "fix" might, is what lets a playlist reach the network.
    _plain_ffprobe(playlist, "-protocol_whitelist", "file,http,tcp")
    assert http_server.requests


def test_control_plain_ffprobe_does_open_the_canary_named_in_a_concat_list(tmp_path, canary):
    concat = tmp_path / "control.ffconcat"
    concat.write_text(f"ffconcat version 1.0\nfile {canary.path.name}\n")
    _plain_ffprobe(concat)
    assert canary.opened

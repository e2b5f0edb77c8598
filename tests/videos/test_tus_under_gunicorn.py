"""tus under gunicorn, the production server, where chunk bodies are spliced from the socket:
tuspy's uploads arrive byte for byte, with sync and threaded workers, on keep-alive
connections, cut off half-way, or stalled by a client that stops sending."""
import hashlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
import requests
from tusclient import client as tus_client

from tests.conftest import PASSWORD, free_port
from tests.topology import process_environment
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
IDLE_TIMEOUT_S = 1
# gthread closes an idle keep-alive connection after --keep-alive seconds (2 by default); on a
# busy CI machine a pipelined request can wait longer than that to be read.
KEEP_ALIVE_S = 30


class Gunicorn:
    def __init__(self, app, worker_class: str):
        data_dir = Path(app.config["DATA_DIR"])
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **process_environment(app),
               "MASTERY_UPLOAD_IDLE_TIMEOUT_S": str(IDLE_TIMEOUT_S)}
        env.pop("MASTERY_ENV", None)
        self.log = data_dir / "gunicorn.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "1", "-k", worker_class,
                 "--threads", "4", "--keep-alive", str(KEEP_ALIVE_S),
                 "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).ok:
                    return
            except requests.RequestException:  # not listening yet, or slow to answer
                time.sleep(0.1)
        pytest.fail(f"gunicorn did not come up: {self.log.read_text()[-2000:]}")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture(params=["gthread", "sync"])
def gunicorn(request, app):
    server = Gunicorn(app, request.param)
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()


@pytest.fixture
def gthread(app):
    server = Gunicorn(app, "gthread")
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()


def _headers(server, teacher) -> dict:
    response = requests.post(f"{server.url}/api/v1/tokens", auth=(teacher.email, PASSWORD),
                             timeout=10)
    return {"Authorization": f"Bearer {response.json()['token']}", "Tus-Resumable": "1.0.0"}


def _create(server, headers, size) -> str:
    created = requests.post(f"{server.url}/api/v1/uploads", timeout=10,
                            headers={**headers, "Upload-Length": str(size)})
    assert created.status_code == 201
    return created.headers["Location"]


def _stored(server, location) -> bytes:
    return (server.data_dir / "uploads" / f"{location.rsplit('/', 1)[1]}.part").read_bytes()


def _offset(location, headers) -> int:
    return int(requests.head(location, headers=headers, timeout=10).headers["Upload-Offset"])


def _patch_head(path, headers, offset, length) -> bytes:
    lines = [f"PATCH {path} HTTP/1.1", "Host: 127.0.0.1", f"Upload-Offset: {offset}",
             "Content-Type: application/offset+octet-stream", f"Content-Length: {length}",
             *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_tuspy_upload_arrives_byte_for_byte(gunicorn, teacher, tmp_path):
    data = os.urandom(5 * 1024 * 1024 + 321)
    source = tmp_path / "lesson.mp4"
    source.write_bytes(data)
    headers = _headers(gunicorn, teacher)
    with open(source, "rb") as stream:
        uploader = tus_client.TusClient(f"{gunicorn.url}/api/v1/uploads", headers=headers) \
            .uploader(file_stream=stream, chunk_size=1024 * 1024, metadata={"filename": "a.mp4"})
        uploader.upload()
    assert _offset(uploader.url, headers) == len(data)
    assert hashlib.sha256(_stored(gunicorn, uploader.url)).digest() == \
        hashlib.sha256(data).digest()


def test_chunks_and_a_pipelined_request_share_one_keep_alive_connection(gthread, teacher):
    headers = _headers(gthread, teacher)
    data = os.urandom(3 * 1024 * 1024)
    location = _create(gthread, headers, len(data))
    path = location.split(str(gthread.port), 1)[1]
    third = len(data) // 3
    with closing(http.client.HTTPConnection("127.0.0.1", gthread.port, timeout=30)) as connection:
        for start in (0, third):
            connection.request("PATCH", path, body=data[start:start + third], headers={
                **headers, "Upload-Offset": str(start),
                "Content-Type": "application/offset+octet-stream"})
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 204 and int(answer.headers["Upload-Offset"]) == start + third
        # The last chunk with a HEAD pipelined right behind its body, in one send.
        rest = data[2 * third:]
        connection.sock.sendall(_patch_head(path, headers, 2 * third, len(rest)) + rest + (
            f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n").encode())
        # Both answers are bodiless and may arrive in one segment: one reader takes them in turn.
        with connection.sock.makefile("rb") as answers:
            patched_status, patched_headers = _bodiless_answer(answers)
            head_status, head_headers = _bodiless_answer(answers)
    assert patched_status == 204 and int(patched_headers["Upload-Offset"]) == len(data)
    assert head_status == 200 and int(head_headers["Upload-Offset"]) == len(data)
    assert _stored(gthread, location) == data


def _bodiless_answer(answers) -> tuple[int, http.client.HTTPMessage]:
    status = int(answers.readline().split()[1])
    return status, http.client.parse_headers(answers)


def test_a_chunk_cut_off_half_way_keeps_its_bytes_and_resumes(gunicorn, teacher):
    headers = _headers(gunicorn, teacher)
    data = os.urandom(4 * 1024 * 1024)
    location = _create(gunicorn, headers, len(data))
    path = location.split(str(gunicorn.port), 1)[1]
    half = len(data) // 2
    with socket.create_connection(("127.0.0.1", gunicorn.port)) as raw:
        raw.sendall(_patch_head(path, headers, 0, len(data)) + data[:half])
    wait_until(lambda: _offset(location, headers) == half)
    assert _offset(location, headers) == half
    resumed = requests.patch(location, data=data[half:], timeout=10, headers={
        **headers, "Upload-Offset": str(half), "Content-Type": "application/offset+octet-stream"})
    assert resumed.status_code == 204 and int(resumed.headers["Upload-Offset"]) == len(data)
    assert _stored(gunicorn, location) == data


def test_a_client_that_stops_sending_is_let_go_and_its_bytes_kept(gthread, teacher):
    headers = _headers(gthread, teacher)
    data = os.urandom(2 * 1024 * 1024)
    location = _create(gthread, headers, len(data))
    path = location.split(str(gthread.port), 1)[1]
    sent = len(data) - 4096
    with socket.create_connection(("127.0.0.1", gthread.port)) as raw:
        raw.sendall(_patch_head(path, headers, 0, len(data)) + data[:sent])
        raw.settimeout(IDLE_TIMEOUT_S + 10)
        # The server answers with the offset it holds, then closes the connection.
        reply = raw.makefile("rb")
        status = reply.readline()
        rest = reply.read()
    assert b"204" in status
    assert f"Upload-Offset: {sent}".encode() in rest
    assert _offset(location, headers) == sent
    assert _stored(gthread, location) == data[:sent]

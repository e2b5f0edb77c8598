"""A 1 GiB tus upload on loopback to the app served by gunicorn in its own process:

* the server's peak memory growth during the uploads (master + worker RSS, sampled every
  50 ms) against the issue's 64 MiB bar;
* upload throughput against copying the same file on the same disk, in the same run
  (interleaved rounds, medians). The client sends with sendfile(2) (bench/tus_sendfile.py),
  so the figure is the server's; chunked uploads and tuspy's own speed are reported beside it.
"""
from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import tus_sendfile
from .harness import Result, note, scratch_dir

NAME = "upload"
MIB = 1024 * 1024
FILE_BYTES = 1024 * MIB
CHUNK_BYTES = 64 * MIB
PAGE_CHUNK_BYTES = 8 * MIB  # static/js/upload.js
MEMORY_BAR_MIB = 64
SAMPLE_S = 0.05
ROUNDS = 5
ROOT = Path(__file__).resolve().parent.parent
TEACHER = "maria.lopez@riverside.example.org"


def run() -> list[Result]:
    import requests
    from tusclient import client as tus

    from mastery_share.demo import DEMO_PASSWORD

    with scratch_dir() as scratch:
        data_dir = scratch / "data"
        env = {**os.environ, "MASTERY_DATA_DIR": str(data_dir)}
        env.pop("MASTERY_ENV", None)
        for command in (["db", "upgrade"], ["seed-demo", "--no-videos"]):
            _check([sys.executable, "-m", "flask", "--app", "wsgi", *command], env)

        big = scratch / "upload.bin"
        _write_file(big, FILE_BYTES)
        os.sync()  # the file's own write-back must not land inside any timing

        port = _free_port()
        with open(scratch / "gunicorn.log", "wb") as log:  # the server keeps its own copy
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "4",
                 "--timeout", "300", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server, scratch / "gunicorn.log")
            basic = base64.b64encode(f"{TEACHER}:{DEMO_PASSWORD}".encode()).decode()
            response = requests.post(f"{base}/api/v1/tokens",
                                     headers={"Authorization": f"Basic {basic}"}, timeout=30)
            if response.status_code not in (200, 201):
                raise RuntimeError(f"POST /api/v1/tokens: {response.status_code} {response.text}")
            bearer = {"Authorization": f"Bearer {response.json()['token']}",
                      "Tus-Resumable": "1.0.0"}
            uploads = tus.TusClient(f"{base}/api/v1/uploads", headers=bearer)

            # A small upload first, so the baseline is a worker that has served tus already.
            warm = scratch / "warm.bin"
            _write_file(warm, 2 * MIB)
            requests.delete(_upload(uploads, warm, CHUNK_BYTES), headers=bearer, timeout=30)

            pids = [server.pid, *_children(server.pid)]
            if len(pids) < 2:
                raise RuntimeError("could not find gunicorn's worker process")
            create_url = f"{base}/api/v1/uploads"

            def timed_upload(chunk_bytes: int = FILE_BYTES) -> tuple[float, float, float]:
                cpu_before, own_before = _cpu_of(pids), _own_cpu()
                started = time.perf_counter()
                url = tus_sendfile.upload(create_url, big, bearer, chunk_bytes)
                elapsed = time.perf_counter() - started
                cpu = (_cpu_of(pids) - cpu_before, _own_cpu() - own_before)
                received = int(requests.head(url, headers=bearer, timeout=30)
                               .headers.get("Upload-Offset", -1))
                if received != FILE_BYTES:
                    raise RuntimeError(f"the server holds {received} of {FILE_BYTES} bytes")
                requests.delete(url, headers=bearer, timeout=30)
                os.sync()
                return elapsed, *cpu

            sampler = RssSampler(pids)
            baseline = sampler.sample()
            sampler.start()
            # The first gigabyte this VM writes after a while costs several times the next
            # (fresh pages for the page cache), so one untimed round of each goes first.
            _timed_copy(big, scratch / "copy.bin", durable=False)
            timed_upload()
            # This disk's speed swings several-fold from one second to the next (a shared
            # VM), so copy and upload take turns and each figure is the median of its rounds.
            copies, durable_copies, upload_times, server_cpu, client_cpu = [], [], [], [], []
            for _ in range(ROUNDS):
                copies.append(_timed_copy(big, scratch / "copy.bin", durable=False))
                elapsed, server_seconds, client_seconds = timed_upload()
                upload_times.append(elapsed)
                server_cpu.append(server_seconds)
                client_cpu.append(client_seconds)
                durable_copies.append(_timed_copy(big, scratch / "copy.bin", durable=True))
            # Chunked uploads pay one round trip per chunk, during which the link idles.
            chunked = {size: [timed_upload(size)[0] for _ in range(3)]
                       for size in (CHUNK_BYTES, PAGE_CHUNK_BYTES)}
            tuspy_times = []
            for _ in range(2):
                started = time.perf_counter()
                url = _upload(uploads, big, CHUNK_BYTES)
                tuspy_times.append(time.perf_counter() - started)
                requests.delete(url, headers=bearer, timeout=30)
                os.sync()
            sampler.stop.set()
            sampler.join()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    growth = (sampler.peak - baseline) / MIB
    rate = lambda times: FILE_BYTES / MIB / statistics.median(times)
    upload_rate, copy_rate = rate(upload_times), rate(copies)
    seconds = lambda values: "/".join(f"{value:.2f}" for value in values)
    note(NAME, f"rounds (s): upload {seconds(upload_times)}, copy {seconds(copies)}, "
               f"copy + fsync {seconds(durable_copies)} (median {rate(durable_copies):.0f} MiB/s); "
               f"CPU per upload: server {seconds(server_cpu)} s, client {seconds(client_cpu)} s")
    note(NAME, "the whole file in one PATCH, as tus-js-client and tuspy send it by default; "
               "under gunicorn the server splices the body from the socket into the file; "
               "neither side fsyncs")
    note(NAME, f"server RSS, sampled through every upload here, tuspy's included "
               f"(gunicorn master + worker): baseline {baseline / MIB:.1f} MiB, peak "
               f"{sampler.peak / MIB:.1f} MiB over {sampler.samples} samples")
    return [
        Result(benchmark=NAME,
               figure="server peak RSS growth during 1 GiB tus uploads vs the bar",
               measured=growth, reference=MEMORY_BAR_MIB, unit="MiB", bar="under 64 MiB",
               passed=growth < MEMORY_BAR_MIB),
        Result(benchmark=NAME,
               figure="1 GiB tus upload on loopback vs copying the file on the same disk",
               measured=upload_rate, reference=copy_rate, unit="MiB/s",
               bar="at least half the copy", passed=upload_rate >= 0.5 * copy_rate),
        *(Result(benchmark=NAME,
                 figure=f"the same upload in {size // MIB} MiB chunks{label} vs copying the file",
                 measured=rate(times), reference=copy_rate, unit="MiB/s", bar="reported",
                 passed=True)
          for (size, times), label in zip(chunked.items(), ("", ", as the upload page sends"))),
        Result(benchmark=NAME,
               figure="the same upload sent by tuspy in 64 MiB chunks (Python client, each "
                      "chunk read into memory) vs copying the file",
               measured=rate(tuspy_times), reference=copy_rate, unit="MiB/s", bar="reported",
               passed=True),
    ]


class RssSampler(threading.Thread):
    """Peak summed VmRSS of some processes, read from /proc every SAMPLE_S seconds."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = 0
        self.samples = 0
        self.stop = threading.Event()

    def sample(self) -> int:
        total = 0
        for pid in self.pids:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        return total

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.sample())
            self.samples += 1
            time.sleep(SAMPLE_S)
        self.peak = max(self.peak, self.sample())


def _timed_copy(source: Path, target: Path, durable: bool) -> float:
    started = time.perf_counter()
    shutil.copyfile(source, target)
    if durable:
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())
    elapsed = time.perf_counter() - started
    target.unlink()
    os.sync()
    return elapsed


def _cpu_of(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _upload(uploads, path: Path, chunk_size: int) -> str:
    with open(path, "rb") as stream:
        uploader = uploads.uploader(file_stream=stream, chunk_size=chunk_size,
                                    metadata={"filename": path.name}, retries=0)
        uploader.upload()
        return uploader.url


def _write_file(path: Path, size: int) -> None:
    block = os.urandom(MIB)  # incompressible; repeating it keeps generation fast
    with open(path, "wb") as out:
        out.writelines(block for _ in range(size // MIB))


def _check(argv: list[str], env: dict) -> None:
    completed = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[2:])} failed: {completed.stderr.strip()[-2000:]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()]


def _wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=10).ok and _children(server.pid):
                return
        except requests.RequestException:
            pass  # not listening yet, or still importing the app on a busy machine
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 120 s: {log.read_text()[-2000:]}")

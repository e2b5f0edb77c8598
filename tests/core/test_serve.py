"""What `make run` starts: the web app and the Huey worker as two processes; mail queued by
the web process is delivered by the worker; Ctrl-C (SIGINT to the group) stops both."""
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.conftest import free_port
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _flask(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env=env, check=True, capture_output=True, text=True, timeout=120,
                          **kwargs)


def _wait_for(predicate) -> bool:
    return bool(wait_until(predicate, interval=0.2))


def _healthy(url):
    try:
        return requests.get(f"{url}/healthz", timeout=10).status_code == 200
    except requests.RequestException:  # not listening yet, or slow to answer on a busy machine
        return False


def _worker_pid(server) -> int:
    """The pid of the worker `flask serve` started (its child running `flask worker`)."""
    found = subprocess.run(["pgrep", "-P", str(server.pid), "-f", "wsgi worker"],
                           capture_output=True, text=True).stdout.split()
    assert found, "flask serve has no worker"
    return int(found[0])


def test_serve_runs_web_and_worker_and_ctrl_c_stops_both(tmp_path):
    env = {**os.environ, "MASTERY_DATA_DIR": str(tmp_path), "MASTERY_QUEUE_URL": ""}
    env.pop("MASTERY_DATABASE_URL", None)
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo", "--no-videos")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--port", str(port)],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: _healthy(url)), "the web app did not come up"
        with requests.Session() as browser:
            page = browser.get(f"{url}/forgot-password", timeout=30).text
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            response = browser.post(f"{url}/forgot-password", timeout=30, data={
                "csrf_token": token, "email": "maria.lopez@riverside.example.org"})
            assert response.status_code == 200
        outbox = tmp_path / "outbox"
        # The web process only queues the mail; the worker process writes it.
        assert _wait_for(lambda: outbox.exists() and any(outbox.glob("*.eml"))), \
            "the worker did not deliver the queued mail"
        mail = next(outbox.glob("*.eml")).read_text()
        assert f"{url}/reset-password/" in mail.replace("=\n", "")
        # Mail the worker builds itself (visits, comments) links to this port too.
        worker_pid = _worker_pid(server)
        environ = Path(f"/proc/{worker_pid}/environ").read_bytes().split(b"\0")
        assert f"MASTERY_PUBLIC_URL={url}".encode() in environ
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise
    # A clean stop, as a service manager should record it (not click's "Aborted!", exit 1).
    assert server.returncode == 0 and "Aborted!" not in output, output[-2000:]
    leftovers = subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", f"processes left running: {leftovers.stdout}"
    assert "Worker:" in output
    # Ctrl-C reaches the worker first; the supervisor must not take that for a crash.
    assert "restarting it" not in output and "Worker restarted" not in output


def test_sigterm_to_serve_alone_stops_the_worker_too(tmp_path):
    """A service manager stops `flask serve` with SIGTERM to its own pid: no orphan worker."""
    env = {**os.environ, "MASTERY_DATA_DIR": str(tmp_path), "MASTERY_QUEUE_URL": ""}
    env.pop("MASTERY_DATABASE_URL", None)
    _flask(env, "db", "upgrade")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--port", str(port)],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        assert _wait_for(lambda: _healthy(f"http://127.0.0.1:{port}")), "the app did not come up"
        assert _wait_for(lambda: subprocess.run(["pgrep", "-g", str(server.pid), "-f", "worker"],
                                                capture_output=True).returncode == 0)
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
        assert _wait_for(lambda: subprocess.run(["pgrep", "-g", str(server.pid)],
                                                capture_output=True).stdout.strip() == b""), \
            "the worker outlived the web process"
    finally:
        os.killpg(server.pid, signal.SIGKILL) if server.poll() is None else None

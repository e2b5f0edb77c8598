"""`flask worker` (the Huey consumer) and `flask serve` (web + worker, what `make run` starts)."""
from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once.")
@with_appcontext
def worker_command(workers: int):
    """Run the background job consumer in this process until interrupted."""
    from .job_slots import keep_a_thread_for_uploads
    from .jobs import huey, use_app_for_worker
    from .videos.tasks import requeue_stalled_videos

    # Jobs run in this process's app rather than building a second one.
    use_app_for_worker(current_app._get_current_object())
    requeued = requeue_stalled_videos()
    if requeued:
        click.echo(f"Worker: requeued {requeued} video(s) left unfinished by a stopped worker")
    keep_a_thread_for_uploads(workers)
    consumer = huey.create_consumer(workers=workers, worker_type="thread",
                                          periodic=True, check_worker_health=True)
    click.echo(f"Worker: {workers} threads on {type(huey.storage).__name__}")
    consumer.run()


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="HOST or 127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int,
              show_default="PORT or 5000")
@click.option("--consumers", default=1, show_default=True, type=click.IntRange(1, 16),
              help="Worker processes, each supervised (make run-prod starts two).")
# Tests start a worker that dies at once to see the crash-loop backoff; nobody else needs it.
@click.option("--worker-command", hidden=True, default=None)
@with_appcontext
def serve_command(host: str, port: int, consumers: int, worker_command: str | None):
    """Serve the web app and run the worker beside it, restarted if it dies; Ctrl-C stops both."""
    from .links import served_url
    from .worker_supervisor import WorkerSupervisor

    if not current_app.config.get("PUBLIC_URL"):
        # Links in mail point where this server is; the worker sends most of them.
        public_url = served_url(host, port)
        current_app.config["PUBLIC_URL"] = os.environ["MASTERY_PUBLIC_URL"] = public_url
        if host in ("0.0.0.0", "::"):
            click.echo(f"Links in mail use {public_url}: set MASTERY_PUBLIC_URL to the address "
                       "other machines use.", err=True)
    argv = shlex.split(worker_command) if worker_command else \
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
    workers = [WorkerSupervisor(argv, os.environ.copy(), current_app.config["DATA_DIR"],
                                log=lambda line: click.echo(line, err=True), number=number)
               for number in range(1, consumers + 1)]
    for worker in workers:
        worker.start()
    pids = ", ".join(str(worker.pid) for worker in workers)
    click.echo(f"Mastery Share on http://{host}:{port}  (worker pid {pids}; Ctrl-C stops all)")
    # `kill PID` (a service manager's stop) must stop the worker too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    web = _start_gunicorn(host, port)
    try:
        code = web.wait()
        if code:
            click.echo(f"The web server stopped ({code}).", err=True)
    except KeyboardInterrupt:
        # Ctrl-C is how a person stops the server: a clean stop, not click's "Aborted!" and
        # exit 1, which a service manager would record as a failure.
        code = 0
    finally:
        for worker in workers:
            worker.stopping()
        _stop(web)
        for worker in workers:
            worker.stop()
    sys.exit(1 if code else 0)


# gthread: a teacher's slow upload holds one thread, not a whole process. Two processes of
# eight threads on this 2-core machine, measured with wrk (README: 4x8 served a little more
# but with tails up to 378 ms; 1x16 half as much).
WEB_PROCESSES = os.environ.get("MASTERY_WEB_PROCESSES", "2")
WEB_THREADS = os.environ.get("MASTERY_WEB_THREADS", "8")


def _start_gunicorn(host: str, port: int) -> subprocess.Popen:
    """Gunicorn as a child process beside the worker: its master reaps only its own web
    processes (in this process it would reap the supervised worker's exit status too)."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return subprocess.Popen([
        sys.executable, "-m", "gunicorn", "--worker-class", "gthread",
        "--workers", WEB_PROCESSES, "--threads", WEB_THREADS, "--bind", bind,
        # Each process listens on its own socket and the kernel spreads new connections over
        # them: on one shared socket a gthread process often accepted every keep-alive
        # connection of a burst and the other sat idle (measured with wrk).
        "--reuse-port",
        # A chunk of a large upload over slow school Wi-Fi may take a while.
        "--timeout", "120", "--graceful-timeout", "20", "--keep-alive", "2",
        "--access-logfile", "-", "wsgi:app"], env=os.environ.copy())


def _stop(web: subprocess.Popen) -> None:
    """Ctrl-C has reached it already; a SIGTERM to `flask serve` alone has not."""
    if web.poll() is None:
        web.send_signal(signal.SIGTERM)
        try:
            web.wait(timeout=30)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait()

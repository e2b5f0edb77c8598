"""`make run-prod`: the scale-out topology on this one machine, for a try-out.

PostgreSQL (data and search) and Redis (jobs, rate limits) on loopback, started when they
are not running; moto's S3 server standing in for S3; then `flask serve` with four gunicorn
processes and two supervised Huey consumers. The same code as `make run`: only environment
variables differ (docs/deploy.md).

moto keeps its objects in memory, so each start is a fresh try-out: the database and the
queue are emptied and the demo district is seeded again. Nothing here imports the app: its
settings are read from the environment this sets.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN = os.environ.get("MASTERY_TRYOUT_POSTGRES",
                                "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "mastery_tryout"
REDIS_URL = os.environ.get("MASTERY_TRYOUT_REDIS", "redis://127.0.0.1:6379")
S3_PORT = int(os.environ.get("MASTERY_TRYOUT_S3_PORT", "5055"))
BUCKET = "mastery-tryout"
DATA_DIR = ROOT / "instance-prod"
WEB_PROCESSES, CONSUMERS = "4", "2"
WAIT_S = 30


def say(line: str) -> None:
    print(f"run-prod: {line}", flush=True)


def _wait(ready, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not ready():
        if time.monotonic() > deadline:
            sys.exit(f"run-prod: {what} did not start within {WAIT_S} s")
        time.sleep(0.2)


def _postgres_answers() -> bool:
    try:
        psycopg.connect(POSTGRES_ADMIN, connect_timeout=2).close()
        return True
    except psycopg.OperationalError:
        return False


def ensure_postgres() -> None:
    if _postgres_answers():
        return
    clusters = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not clusters or shutil.which("pg_ctlcluster") is None:
        sys.exit("run-prod: PostgreSQL is not running at 127.0.0.1:5432 and is not installed "
                 "here (apt-get install postgresql), or set MASTERY_TRYOUT_POSTGRES")
    say(f"starting PostgreSQL {clusters[-1]}")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"],
                   check=True)
    _wait(_postgres_answers, "PostgreSQL")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def ensure_redis() -> None:
    if _redis_answers():
        return
    if shutil.which("redis-server") is None:
        sys.exit("run-prod: Redis is not running at 127.0.0.1:6379 and is not installed here "
                 "(apt-get install redis-server), or set MASTERY_TRYOUT_REDIS")
    say("starting Redis")
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port",
                    "6379", "--save", "", "--appendonly", "no"], check=True)
    _wait(_redis_answers, "Redis")


def fresh_state() -> None:
    """An empty try-out database, queue and data dir (moto's objects died with it)."""
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    for database in (2, 3):  # jobs, rate limits (scale_out_environment)
        redis.Redis.from_url(f"{REDIS_URL}/{database}").flushdb()
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    DATA_DIR.mkdir(parents=True)


def start_s3() -> subprocess.Popen:
    server = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")),
                               "-H", "127.0.0.1", "-p", str(S3_PORT)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def answers() -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{S3_PORT}/", timeout=2).close()
            return True
        except OSError:
            return server.poll() is not None  # exited: reported below

    _wait(answers, "moto's S3 server")
    if server.poll() is not None:
        sys.exit(f"run-prod: moto's S3 server could not start on port {S3_PORT} "
                 "(set MASTERY_TRYOUT_S3_PORT to a free one)")
    import boto3

    boto3.client("s3", endpoint_url=f"http://127.0.0.1:{S3_PORT}", region_name="us-east-1",
                 aws_access_key_id="tryout", aws_secret_access_key="tryout"
                 ).create_bucket(Bucket=BUCKET)
    return server


def scale_out_environment(*, database_url: str, redis_url: str, s3_endpoint: str,
                          bucket: str, data_dir: Path, redis_databases: tuple[int, int] = (2, 3)
                          ) -> dict[str, str]:
    """The settings of the scale-out topology (the end-to-end test uses them too)."""
    return {
        **os.environ,
        "MASTERY_DATA_DIR": str(data_dir),
        "MASTERY_DATABASE_URL": database_url,
        "MASTERY_QUEUE_URL": f"{redis_url}/{redis_databases[0]}",
        "MASTERY_RATELIMIT_STORAGE_URL": f"{redis_url}/{redis_databases[1]}",
        "MASTERY_STORAGE": "s3",
        "MASTERY_S3_BUCKET": bucket,
        "MASTERY_S3_ENDPOINT_URL": s3_endpoint,
        "MASTERY_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "tryout",
        "AWS_SECRET_ACCESS_KEY": "tryout",
        "MASTERY_SEARCH": "postgres",
    }


def main() -> None:
    ensure_postgres()
    ensure_redis()
    fresh_state()
    s3 = start_s3()
    postgres = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    environment = {**scale_out_environment(
        database_url=f"{postgres}/{DATABASE}", redis_url=REDIS_URL,
        s3_endpoint=f"http://127.0.0.1:{S3_PORT}", bucket=BUCKET, data_dir=DATA_DIR),
        "MASTERY_WEB_PROCESSES": WEB_PROCESSES}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    try:
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run([*flask, *command], cwd=ROOT, env=environment, check=True)
        say(f"PostgreSQL {DATABASE}, Redis {REDIS_URL}/2, S3 (moto) on port {S3_PORT}, "
            f"search in PostgreSQL; {WEB_PROCESSES} web processes, {CONSUMERS} consumers")
        server = subprocess.Popen([*flask, "serve", "--consumers", CONSUMERS], cwd=ROOT,
                                  env=environment)
        # Ctrl-C in a terminal reaches the whole group; a signal sent to this process alone
        # is passed on, and `flask serve` stops its web processes and consumers.
        signal.signal(signal.SIGTERM, lambda *_: server.send_signal(signal.SIGTERM))
        try:
            server.wait()
        except KeyboardInterrupt:
            server.send_signal(signal.SIGINT)
            server.wait()
    finally:
        s3.terminate()
        s3.wait(timeout=10)


if __name__ == "__main__":
    main()

"""Shared pieces: a result row, timing, and a throwaway app on a temporary data dir."""
from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    benchmark: str
    figure: str
    measured: float
    reference: float
    unit: str
    bar: str  # the target, as the issue names it
    passed: bool

    @property
    def ratio(self) -> float:
        return self.measured / self.reference if self.reference else float("inf")


def time_calls(function, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return timings


def median_ms(timings: list[float]) -> float:
    return statistics.median(timings) * 1000


@contextmanager
def temporary_app(**overrides):
    """A migrated app on a temporary data dir, its app context pushed."""
    from flask_migrate import upgrade

    from mastery_share import create_app
    from mastery_share.extensions import db

    data_dir = Path(tempfile.mkdtemp(prefix="mastery-bench-"))
    app = create_app({"DATA_DIR": str(data_dir), **overrides})
    try:
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# --- media and process helpers shared by the video pipeline benchmarks ---------------------

FFMPEG_QUIET = ("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error")
_notes: list[tuple[str, str]] = []


def note(benchmark: str, text: str) -> None:
    """An informational line (a breakdown, a figure without a bar) for the run's report."""
    print(f"   [{benchmark}] {text}", flush=True)
    _notes.append((benchmark, text))


def take_notes() -> list[tuple[str, str]]:
    taken = list(_notes)
    _notes.clear()
    return taken


_sections: list[tuple[str, str]] = []


def section(title: str, markdown: str) -> None:
    """A section of its own in RESULTS.md ("## title"), replacing the one of that title that
    an earlier run wrote; sections this run does not write are kept."""
    _sections.append((title, markdown.strip()))


def take_sections() -> list[tuple[str, str]]:
    taken = list(_sections)
    _sections.clear()
    return taken


@contextmanager
def scratch_dir(prefix: str = "mastery-bench-"):
    """A temporary folder on the same disk as the app's data dir, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run_ffmpeg_bare(args: list[str], what: str = "ffmpeg") -> float:
    """Run `ffmpeg <args>` with nothing around it; seconds taken, or raise with stderr."""
    import subprocess

    start = time.perf_counter()
    completed = subprocess.run([*FFMPEG_QUIET, *args], stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {completed.returncode}): "
                           f"{completed.stderr.strip()[-2000:]}")
    return elapsed


def generate_source(path: Path, width: int, height: int, seconds: int, rate: int = 30) -> Path:
    """A synthetic H.264/AAC MP4 (testsrc2 picture, sine tone); ultrafast so it is quick to make."""
    run_ffmpeg_bare([
        "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={rate}:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-shortest", "-movflags", "+faststart", str(path),
    ], what=f"generating the {width}x{height} test source")
    if not path.is_file() or path.stat().st_size == 0:
        raise RuntimeError(f"ffmpeg made no test source at {path}")
    return path


VIDEO_DETAILS = {"title": "Bench", "description": "", "practices": ["blended-learning"],
                 "grade_band": "3-5", "subject": "Math", "visibility": "school",
                 "media_release": True}
BENCH_TEACHER = "maria.lopez@riverside.example.org"


def queued_video(source: Path, **details):
    """Seed the demo district and record a `queued` video of `source` for BENCH_TEACHER,
    without starting its processing (so the caller can time `process_video` itself)."""
    from unittest import mock

    from sqlalchemy import select

    from mastery_share.accounts.models import User
    from mastery_share.demo import seed_demo
    from mastery_share.extensions import db
    from mastery_share.videos import services

    seed_demo()
    owner = db.session.scalar(select(User).where(User.email == BENCH_TEACHER))
    if owner is None:
        raise RuntimeError(f"seed_demo() made no {BENCH_TEACHER}")
    # The test config runs Huey tasks immediately; holding the job back lets us time it alone.
    with mock.patch.object(services, "_enqueue_processing", lambda video_id: None):
        video = services.create_video(owner, {**VIDEO_DETAILS, **details}, source=source,
                                      filename=source.name)
    return video.id

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

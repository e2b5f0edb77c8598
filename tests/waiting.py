"""Waiting for a state, not for a time: a test polls what it checks and goes on the moment it
holds. The ceiling is only there so a broken build fails instead of hanging, and it is
generous because CI is a busy 2-core machine where a thread, a mail or a socket can lag
seconds behind a fast laptop."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

CEILING_S = 60.0


def wait_until(check: Callable[[], T], timeout: float = CEILING_S, interval: float = 0.05) -> T:
    """Call `check` until it returns something truthy and return that; after `timeout`
    seconds return its last (falsy) answer, for the caller's assert to explain."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(interval)

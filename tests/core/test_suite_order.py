"""The suite's own scheduling: the files tests/conftest.py sends first still exist (a renamed
file would silently fall back to the end, where it once held a worker alone for minutes)."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import SLOWEST_FILES

ROOT = Path(__file__).resolve().parents[2]


def test_every_file_named_to_run_first_exists_once():
    assert len(set(SLOWEST_FILES)) == len(SLOWEST_FILES)
    assert [path for path in SLOWEST_FILES if not (ROOT / path).is_file()] == []


def test_the_slowest_files_are_collected_first(request):
    collected = []
    for item in request.session.items:
        path = item.nodeid.split("::", 1)[0]
        if not collected or collected[-1] != path:
            collected.append(path)
    present = [path for path in SLOWEST_FILES if path in collected]
    assert collected[:len(present)] == present

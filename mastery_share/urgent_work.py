"""Work that must not wait on this machine, announced to the work that can.

A new upload's first playable rendition is what a teacher is waiting for; a transcription
can wait. Niceness alone does not make the encoder fast while Whisper runs: the two share
caches and memory bandwidth, and the first rendition took 1.7 times as long. So while any
urgent encode runs, transcriptions on the same machine stop altogether (speech_process.py
polls `urgent_work_running`).

An urgent job holds a lease: an empty file named after its process in a folder of the data
directory. Files survive the process that made them only when it was killed; a lease whose
process is gone is ignored and removed. The folder is per data directory because CPU is per
machine: in the scale-out topology each machine has its own.
"""
from __future__ import annotations

import os
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

FOLDER = "urgent-work"


def lease_folder(data_dir: str | Path) -> Path:
    return Path(data_dir) / FOLDER


class UrgentLease:
    """Held from `take()` to `release()` (both idempotent)."""

    def __init__(self, data_dir: str | Path, name: str):
        folder = lease_folder(data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        # pid first: a reader tells a dead holder's lease by it.
        self.path = folder / (f"{os.getpid()}-{threading.get_native_id()}-"
                              f"{uuid.uuid4().hex[:8]}-{name}")

    def take(self) -> UrgentLease:
        self.path.touch()
        return self

    def release(self) -> None:
        self.path.unlink(missing_ok=True)


@contextmanager
def urgent_work(data_dir: str | Path, name: str):
    lease = UrgentLease(data_dir, name).take()
    try:
        yield lease
    finally:
        lease.release()


def urgent_work_running(data_dir: str | Path) -> bool:
    """True while a live process holds an urgent lease in this data directory."""
    try:
        entries = list(os.scandir(lease_folder(data_dir)))
    except FileNotFoundError:
        return False
    running = False
    for entry in entries:
        if _holder_alive(entry.name):
            running = True
        else:
            Path(entry.path).unlink(missing_ok=True)
    return running


def _holder_alive(name: str) -> bool:
    pid_text = name.split("-", 1)[0]
    if not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True

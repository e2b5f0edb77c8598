"""Media storage in a local folder: the embedded default (one machine, ``make run``)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from .base import ObjectNotFound, Storage, StorageError, check_key, check_prefix


class LocalStorage(Storage):
    """Objects are files under ``root``; writes are atomic (temp file + rename)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = self.root / check_key(key)
        # check_key already forbids "..": this also catches a symlink planted inside root.
        if not path.resolve().is_relative_to(self.root):
            raise StorageError(f"storage key escapes the storage root: {key!r}")
        return path

    def save(self, key: str, local_path: str | os.PathLike[str]) -> None:
        """Copy into a hidden temp file beside the target, fsync, then rename over it, so a
        reader (or a crash) never sees half a video under the final name."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as temp, open(local_path, "rb") as source:
                shutil.copyfileobj(source, temp, length=1024 * 1024)
                temp.flush()
                os.fsync(temp.fileno())
            os.chmod(temp_name, 0o644)
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except (FileNotFoundError, IsADirectoryError):
            raise ObjectNotFound(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise ObjectNotFound(key)
        return path.stat().st_size

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        folder = self._path(check_prefix(prefix).rstrip("/"))
        if not folder.is_dir():
            return 0
        count = sum(1 for item in folder.rglob("*") if item.is_file())
        shutil.rmtree(folder)
        return count

    def list_prefix(self, prefix: str) -> list[str]:
        folder = self._path(check_prefix(prefix).rstrip("/"))
        if not folder.is_dir():
            return []
        return sorted(item.relative_to(self.root).as_posix()
                      for item in folder.rglob("*") if item.is_file())

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

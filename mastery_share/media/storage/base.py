"""The storage contract every backend keeps, and the key rules they share.

Keys are relative, slash-separated names such as ``videos/42/720p.mp4``. Both backends
reject the same malformed keys, so code that works on a laptop's local folder behaves the
same against S3, and a key built from user input can never escape the storage root.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class StorageError(Exception):
    """A storage call failed or was given a key it refuses."""


class ObjectNotFound(StorageError):
    """No object is stored under that key."""


def check_key(key: str) -> str:
    """Return ``key`` if it is a safe relative name; raise ``StorageError`` otherwise."""
    segments = key.split("/")
    if not key or any(not _SEGMENT.match(segment) for segment in segments):
        # Also refuses "..", ".", empty segments (so "/abs" and "a//b"), backslashes, NUL.
        raise StorageError(f"invalid storage key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A folder-like prefix, normalised to end with "/" so "videos/1" never matches "videos/10"."""
    return check_key(prefix.rstrip("/")) + "/"


class Storage(ABC):
    """Where originals, renditions, posters and captions live."""

    @abstractmethod
    def save(self, key: str, local_path: str | os.PathLike[str]) -> None:
        """Store the file at ``local_path`` under ``key``, replacing any old object whole."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the object; the caller closes it."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""

    @abstractmethod
    def size(self, key: str) -> int:
        """The object's size in bytes; ``ObjectNotFound`` when absent."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove one object; absent objects are not an error."""

    @abstractmethod
    def delete_prefix(self, prefix: str) -> int:
        """Remove every object under the folder ``prefix``; returns how many were removed."""

    @abstractmethod
    def list_prefix(self, prefix: str) -> list[str]:
        """The keys of every object under the folder ``prefix`` (retention checks nothing of a
        deleted video is left)."""

    def read_bytes(self, key: str) -> bytes:
        """The whole object; for small files such as captions."""
        with self.open(key) as stream:
            return stream.read()

    def local_path(self, key: str) -> Path | None:
        """A filesystem path the web server can serve with HTTP Range, when there is one."""
        return None

    def presigned_url(
        self, key: str, expires_s: int = 3600, *, cache_control: str | None = None,
        download_name: str | None = None,
    ) -> str | None:
        """A time-limited URL the browser can fetch directly, when the backend offers one;
        ``cache_control`` is the Cache-Control header the store answers it with, and
        ``download_name`` makes it a download under that file name."""
        return None

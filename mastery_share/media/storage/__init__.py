"""Storage backends behind one small interface, chosen by configuration (local or S3)."""

from __future__ import annotations

from typing import Any

from .base import ObjectNotFound, Storage, StorageError, check_key
from .local import LocalStorage

__all__ = [
    "LocalStorage",
    "ObjectNotFound",
    "S3Storage",
    "Storage",
    "StorageError",
    "build_storage",
    "check_key",
]


def build_storage(kind: str, **settings: Any) -> Storage:
    """``build_storage("local", root=...)`` or ``build_storage("s3", bucket=..., ...)``."""
    if kind == "local":
        return LocalStorage(**settings)
    if kind == "s3":
        from .s3 import S3Storage  # boto3 is only imported by deployments that use it

        return S3Storage(**settings)
    raise ValueError(f"unknown storage kind {kind!r}; expected 'local' or 's3'")


def __getattr__(name: str) -> Any:
    if name == "S3Storage":
        from .s3 import S3Storage

        return S3Storage
    raise AttributeError(name)

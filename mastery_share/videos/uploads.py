"""Resumable uploads (tus 1.0 core, creation, termination), streamed to disk in chunks.

The bytes on disk are the truth for the offset: whatever was written before a dropped
connection counts, so a client that asks with HEAD resumes exactly there.
"""
from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import ClientDisconnected

from ..accounts.models import User
from ..db_types import utcnow
from ..errors import Conflict, Invalid, NotFound, TooLarge
from ..extensions import db
from ..transaction import commit
from .models import Upload

CHUNK_BYTES = 1024 * 1024
UPLOAD_TTL = timedelta(days=2)


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def upload_dir() -> Path:
    path = Path(current_app.config["DATA_DIR"]) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(upload: Upload) -> Path:
    return upload_dir() / f"{upload.id}.part"


def check_upload_size(length: int | None) -> int:
    """Refuse a declared size over the limit before any byte is taken (413)."""
    if length is None or length < 0:
        raise Invalid("Upload-Length must be a whole number of bytes.")
    limit = max_upload_bytes()
    if length > limit:
        raise TooLarge(f"This file is {length / 1024 / 1024:.0f} MB; the limit is "
                       f"{limit // 1024 // 1024} MB.")
    return length


def create_upload(owner: User, length: int, filename: str = "", filetype: str = "") -> Upload:
    """Reserve an upload of `length` bytes for `owner`."""
    check_upload_size(length)
    upload = Upload(id=uuid.uuid4().hex, owner_id=owner.id, length=length,
                    filename=os.path.basename(filename or "")[:255], filetype=filetype[:100],
                    expires_at=utcnow() + UPLOAD_TTL)
    db.session.add(upload)
    upload_path(upload).touch()
    commit()
    return upload


def get_upload(owner: User, upload_id: str) -> Upload:
    """The owner's own upload; another member's id is simply not found."""
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.owner_id != owner.id or not upload_path(upload).exists():
        raise NotFound("No such upload: it finished, expired or was cancelled.")
    return upload


def upload_offset(upload: Upload) -> int:
    return upload_path(upload).stat().st_size


@contextmanager
def _exclusive(path: Path) -> Iterator[BinaryIO]:
    with open(path, "r+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise Conflict("Another request is still sending this upload.") from error
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def append_chunk(owner: User, upload_id: str, offset: int, stream: BinaryIO,
                 declared_length: int | None) -> int:
    """Append the body at `offset`; return the new offset, which survives a dropped connection."""
    upload = get_upload(owner, upload_id)
    path = upload_path(upload)
    with _exclusive(path) as handle:
        current = os.fstat(handle.fileno()).st_size
        if offset != current:
            raise Conflict(f"Upload-Offset {offset} does not match the {current} bytes received.")
        remaining = upload.length - current
        if declared_length is not None and declared_length > remaining:
            raise TooLarge("This chunk goes past the declared Upload-Length.")
        handle.seek(current)
        try:
            _copy(stream, handle, remaining)
        finally:
            handle.flush()
            os.fsync(handle.fileno())
        return handle.tell()


def _copy(stream: BinaryIO, handle: BinaryIO, remaining: int) -> None:
    # Fixed-size reads keep memory flat whatever the file size.
    while remaining > 0:
        try:
            chunk = stream.read(min(CHUNK_BYTES, remaining))
        except (OSError, ValueError, ClientDisconnected):
            return  # the client went away; what arrived is kept
        if not chunk:
            return
        handle.write(chunk)
        remaining -= len(chunk)


def terminate_upload(owner: User, upload_id: str) -> None:
    """Cancel an upload and free its disk space."""
    upload = get_upload(owner, upload_id)
    upload_path(upload).unlink(missing_ok=True)
    db.session.delete(upload)
    commit()


def completed_upload(owner: User, upload_id: str) -> tuple[Upload, Path]:
    """A fully received upload of `owner`, not yet turned into a video."""
    upload = get_upload(owner, upload_id)
    if upload.claimed_at is not None:
        raise Conflict("This upload has already been turned into a video.")
    received = upload_offset(upload)
    if received != upload.length:
        raise Invalid(f"The upload is not complete yet: {received} of {upload.length} bytes.",
                      {"upload_id": "The upload is not complete."})
    return upload, upload_path(upload)


def purge_expired_uploads() -> int:
    """Free the disk of uploads abandoned past their expiry; returns how many went."""
    expired = list(db.session.scalars(select(Upload).where(Upload.expires_at < utcnow())))
    for upload in expired:
        upload_path(upload).unlink(missing_ok=True)
        db.session.delete(upload)
    commit()
    return len(expired)


def upload_from_posted_file(owner: User, stream: BinaryIO, filename: str,
                            filetype: str = "") -> Upload:
    """Keep a file posted in one multipart request as a finished upload, so a form error
    never costs the teacher the bytes they already sent."""
    upload = Upload(id=uuid.uuid4().hex, owner_id=owner.id, length=0,
                    filename=os.path.basename(filename or "")[:255], filetype=filetype[:100],
                    expires_at=utcnow() + UPLOAD_TTL)
    path = upload_path(upload)
    limit = max_upload_bytes()
    with open(path, "wb") as handle:
        while chunk := stream.read(CHUNK_BYTES):
            handle.write(chunk)
            if handle.tell() > limit:
                break
        size = handle.tell()
    if size > limit:
        path.unlink(missing_ok=True)
        raise TooLarge(f"The file is larger than the {limit // 1024 // 1024} MB limit.")
    upload.length = size
    db.session.add(upload)
    commit()
    return upload

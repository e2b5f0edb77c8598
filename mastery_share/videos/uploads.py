"""Resumable uploads (tus 1.0 core, creation, termination), streamed to disk in chunks.

The bytes on disk are the truth for the offset: whatever was written before a dropped
connection counts, so a client that asks with HEAD resumes exactly there.
"""
from __future__ import annotations

import errno
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

from ..accounts.models import User
from ..db_types import utcnow
from ..errors import (
    Conflict,
    Forbidden,
    InsufficientStorage,
    Invalid,
    NotFound,
    TooLarge,
)
from ..extensions import db
from ..transaction import commit
from .models import Upload
from .request_body import RequestBody

# Admins belong to the district, not to a school, and a video belongs to a school.
NO_SCHOOL_MESSAGE = ("Only members of a school can share videos (an admin belongs to the "
                     "district): ask a teacher of the school to share it.")

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
    """Reserve an upload of `length` bytes for `owner`: refused before any byte is sent to
    someone who could not share the video it becomes (create_video's rule)."""
    if owner.school_id is None:
        raise Forbidden(NO_SCHOOL_MESSAGE)
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
def _exclusive(path: Path) -> Iterator[int]:
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise Conflict("Another request is still sending this upload.") from error
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def append_chunk(owner: User, upload_id: str, offset: int, body: RequestBody,
                 declared_length: int | None) -> int:
    """Append the body at `offset`; return the new offset, which survives a dropped connection.

    Chunks are not fsynced one by one: the offset is the file's size, so after a crash the
    client resumes from what the disk holds, and the original is made durable when it is
    stored for processing.
    """
    upload = get_upload(owner, upload_id)
    with _exclusive(upload_path(upload)) as fd:
        current = os.fstat(fd).st_size
        if offset != current:
            raise Conflict(f"Upload-Offset {offset} does not match the {current} bytes received.")
        remaining = upload.length - current
        if declared_length is not None and declared_length > remaining:
            raise TooLarge("This chunk goes past the declared Upload-Length.")
        os.lseek(fd, current, os.SEEK_SET)
        try:
            body.copy_to(fd, remaining)
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise InsufficientStorage("The server has no room for this upload right now; "
                                          "it resumes where it stopped once there is.") from error
            raise
        return os.fstat(fd).st_size


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

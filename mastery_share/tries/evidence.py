"""A check-in's optional photo or short clip: kept privately, opened only by the try's owner.

A classroom photo shows children: it is stored under a key no media URL can name, and served
to the teacher alone, never cached by anyone. The type is read from the file's first bytes,
not from the name or the browser's word, so a renamed page or script is refused.
"""
from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from ..accounts.models import User
from ..errors import Invalid, NotFound, TooLarge
from ..extensions import db
from ..videos.storage_access import media_storage
from .fields import clean_check_in_fields
from .models import CheckIn
from .services import add_check_in, get_own_try, today_for

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "video/mp4": "mp4",
                  "video/webm": "webm"}
# ISO base media files whose brand is a still image (an iPhone's HEIC photo), not a clip.
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif"}
_CHUNK = 1024 * 1024
TYPE_MESSAGE = ("Choose a JPEG or PNG photo, or an MP4 or WebM clip. (On an iPhone, a HEIC "
                "photo can be shared as JPEG from the Photos app.)")
SIZE_MESSAGE = f"The photo or clip must be at most {MAX_EVIDENCE_BYTES // 1024 // 1024} MB."


def sniff_media_type(head: bytes) -> str | None:
    """The evidence type the file's first bytes show, or None when it is none of them."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[4:8] == b"ftyp" and head[8:12] not in _IMAGE_BRANDS:
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "video/webm"
    return None


def _spool(stream: BinaryIO) -> str:
    """Copy the posted file to a temporary file, stopping (TooLarge) past the limit."""
    handle, path = tempfile.mkstemp(prefix="evidence-")
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(_CHUNK):
                out.write(chunk)
                if out.tell() > MAX_EVIDENCE_BYTES:
                    raise TooLarge(SIZE_MESSAGE, {"media": SIZE_MESSAGE})
    except BaseException:
        os.unlink(path)
        raise
    return path


def _checked_file(stream: BinaryIO) -> tuple[str, str]:
    """(temporary path, media type) of an acceptable photo or clip; Invalid otherwise."""
    try:
        path = _spool(stream)
    except TooLarge as error:
        raise Invalid(error.message, error.fields) from None
    with open(path, "rb") as spooled:
        media_type = sniff_media_type(spooled.read(64))
    if media_type is None:
        os.unlink(path)
        raise Invalid(TYPE_MESSAGE, {"media": TYPE_MESSAGE})
    return path, media_type


def check_in_with_evidence(teacher: User, try_id: int, raw: dict,
                           media: BinaryIO | None = None) -> CheckIn:
    """A check-in on the teacher's own try, with its photo or clip stored privately.

    Everything is checked before anything is kept: the try's owner, the fields and the file.
    A file stored for a check-in whose transaction then fails is removed again.
    """
    try_ = get_own_try(teacher, try_id)
    if media is None:
        return add_check_in(teacher, try_.id, raw)
    clean_check_in_fields(raw, today=today_for(teacher))  # a wrong field stores no file
    path, media_type = _checked_file(media)
    key = f"tries/{try_.id}/check-ins/{uuid.uuid4().hex}.{EVIDENCE_TYPES[media_type]}"
    storage = media_storage()
    try:
        storage.save(key, path)
    finally:
        os.unlink(path)
    try:
        check_in = add_check_in(teacher, try_.id, raw, media_key=key, media_type=media_type)
    except Exception:
        storage.delete(key)
        raise
    return check_in


@dataclass(frozen=True)
class Evidence:
    key: str
    media_type: str


def evidence_for_owner(viewer: User, check_in_id: int) -> Evidence:
    """The check-in's stored photo or clip, for the try's owner only: anyone else, even a
    reader of the try, gets NotFound."""
    check_in = db.session.get(CheckIn, check_in_id)
    if (check_in is None or check_in.media_key is None or viewer is None
            or check_in.try_.owner_id != viewer.id):
        raise NotFound("No such photo or clip.")
    return Evidence(check_in.media_key, check_in.media_type or "application/octet-stream")

"""The rules for videos: sharing one, seeing one, changing or removing one."""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import District, Practice, User
from ..db_types import utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..jobs import enqueue
from ..transaction import after_commit, commit, rollback
from ..tries.share_back import check_share_back, claim_share_back, share_back_try_id
from .captions import parse_captions, store_captions
from .events import video_details_changed
from .face_blur import forget_faces
from .fields import clean_video_fields
from .models import Rendition, Upload, Video, VideoStatus, video_practices
from .processing import PROCESS_JOB
from .release import check_release, check_reviewed_captions
from .retention import checked_retain_until, remove_video
from .storage_access import media_storage
from .uploads import NO_SCHOOL_MESSAGE, completed_upload
from .visibility import can_manage, can_view, visible_to

ALLOWED_EXTENSIONS = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".3gp", ".mts", ".ts"}


def _original_key(prefix: str, filename: str) -> str:
    extension = Path(filename or "").suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        extension = ".bin"  # the probe decides what it really is
    return f"{prefix}original{extension}"


def _enqueue_processing(video_id: int) -> None:
    after_commit(enqueue, PROCESS_JOB, video_id)


def create_video(owner: User, raw: dict, *, source: Path, filename: str,
                 captions: tuple[str, bytes] | None = None, upload_id: str | None = None) -> Video:
    """Store the original privately, record the video and queue its processing.

    The original is stored before the (short) transaction, so a slow copy never holds the
    database; if the transaction fails the stored objects are removed again.
    """
    if owner.school_id is None:
        raise Forbidden(NO_SCHOOL_MESSAGE)
    values = clean_video_fields(raw)
    district = db.session.get(District, owner.district_id)
    if "blur_faces" not in values:
        values["blur_faces"] = bool(district and district.blur_faces_by_default)
    check_release(values["visibility"], values["release_tier"],
                  district.widest_without_blur if district else "network", values["blur_faces"])
    values.pop("captions_reviewed", None)  # only uploaded captions can be, and they are
    retain_until = values.pop("retain_until", None)
    check_reviewed_captions(values["visibility"], captions is not None,
                            bool(district and district.reviewed_captions_beyond_school))
    share_back = share_back_try_id(raw)
    if share_back is not None:
        check_share_back(owner, share_back)
    captions_vtt = parse_captions(*captions) if captions else None
    prefix = f"videos/{uuid.uuid4().hex}/"
    storage = media_storage()
    original_key = _original_key(prefix, filename)
    storage.save(original_key, source)
    try:
        video = Video(owner_id=owner.id, school_id=owner.school_id,
                      district_id=owner.district_id, media_release=True,
                      status=VideoStatus.QUEUED.value, media_prefix=prefix,
                      original_key=original_key,
                      original_filename=os.path.basename(filename or "video")[:255],
                      original_bytes=source.stat().st_size, **values)
        db.session.add(video)
        if captions_vtt is not None:
            store_captions(video, captions_vtt, source="uploaded")
        db.session.flush()
        video.retain_until = checked_retain_until(video, retain_until)
        if upload_id is not None:
            _claim_upload(upload_id, video.id)
        if share_back is not None:
            claim_share_back(owner, share_back, video.id)
        _enqueue_processing(video.id)
        commit()
    except Exception:
        rollback()
        storage.delete_prefix(prefix)
        raise
    return video


def _claim_upload(upload_id: str, video_id: int) -> None:
    claimed = db.session.execute(
        update(Upload).where(Upload.id == upload_id, Upload.claimed_at.is_(None))
        .values(claimed_at=utcnow(), video_id=video_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Conflict("This upload has already been turned into a video.")


def _widest_without_blur(district_id: int) -> str:
    return db.session.scalar(select(District.widest_without_blur)
                             .where(District.id == district_id)) or "network"


def create_video_from_upload(owner: User, upload_id: str, raw: dict,
                             captions: tuple[str, bytes] | None = None) -> Video:
    """Turn a finished tus upload into a video exactly once, even if asked twice at once."""
    upload, path = completed_upload(owner, upload_id)
    video = create_video(owner, raw, source=path, filename=upload.filename, captions=captions,
                         upload_id=upload.id)
    path.unlink(missing_ok=True)
    return video


def get_video(viewer: User, video_id: int, *, with_people: bool = True) -> Video:
    """A video `viewer` may watch; NotFound otherwise, so hidden videos do not leak. Its
    teacher and school come in the same query: every page of a video names them. The
    busiest callers that name nobody (each media range request, the status poll, the
    player's play reports) pass `with_people=False` and load the video's row alone."""
    options = [joinedload(Video.owner), joinedload(Video.school)] if with_people else []
    video = db.session.get(Video, video_id, options=options)
    if video is None or not can_view(viewer, video):
        raise NotFound("No such video, or you cannot watch it.")
    return video


def get_managed_video(actor: User, video_id: int) -> Video:
    video = get_video(actor, video_id)
    if not can_manage(actor, video):
        raise Forbidden("Only the teacher who shared this video (or an admin) can change it.")
    return video


def update_video(actor: User, video_id: int, raw: dict) -> Video:
    """Edit the details of a video the actor manages."""
    video = get_managed_video(actor, video_id)
    values = clean_video_fields(raw, partial=True, require_release=False)
    # A new visibility or release is checked against the same rule as on upload; a title
    # edit is not refused because the district narrowed its policy since the video was shared.
    visibility = values.get("visibility", video.visibility)
    release_tier = values.get("release_tier", video.release_tier)
    blur = values.get("blur_faces", video.blur_faces)
    if "retain_until" in values:
        chosen = checked_retain_until(video, values.pop("retain_until"))
        if chosen != video.retain_until:
            video.retain_until, video.retention_notice_at = chosen, None
    if "captions_reviewed" in values:
        _mark_captions_reviewed(actor, video, values.pop("captions_reviewed"))
    if visibility != video.visibility:
        district = db.session.get(District, video.district_id)
        check_reviewed_captions(visibility, video.captions_reviewed
                                or video.transcript_status == "silent",
                                bool(district and district.reviewed_captions_beyond_school))
    if (visibility, release_tier, blur) != (video.visibility, video.release_tier,
                                            video.blur_faces):
        check_release(visibility, release_tier, _widest_without_blur(video.district_id), blur)
    blur_changed = blur != video.blur_faces
    if blur_changed and video.status == VideoStatus.PROCESSING.value:
        raise Conflict("This video is being processed right now; change the face blur when "
                       "it is done.")
    if blur_changed and video.original_deleted_at is not None:
        raise Conflict("The original file was deleted under your district's retention rule, "
                       "so the face blur of this video can no longer be changed.")
    for name, value in values.items():
        setattr(video, name, value)
    if blur_changed:
        _process_again_for_blur(video)
    video_details_changed(video)
    commit()
    return video


def _mark_captions_reviewed(actor: User, video: Video, reviewed: bool) -> None:
    if video.owner_id != actor.id:
        raise Forbidden("Only the teacher who shared this video marks its captions reviewed.")
    if reviewed and not video.captions_key:
        raise Invalid("This video has no captions to review yet.",
                      {"captions_reviewed": "No captions yet."})
    video.captions_reviewed = reviewed


def _process_again_for_blur(video: Video) -> None:
    """Face blur switched on or off: nothing made before may be served any more (the poster
    and renditions show the faces as they were), so all of it is made again."""
    forget_faces(video)
    stale = [key for key in [video.poster_key,
                             *(rendition.storage_key for rendition in video.renditions)] if key]
    video.poster_key = None
    _back_in_the_queue(video)
    for rendition in video.renditions:
        rendition.storage_key = None
    after_commit(_delete_keys, stale)
    _enqueue_processing(video.id)


def _back_in_the_queue(video: Video) -> None:
    """Processed again from the start: its renditions are not served meanwhile."""
    video.status = VideoStatus.QUEUED.value
    video.progress = 0
    video.error = None
    video.attempts = 0
    for rendition in video.renditions:
        rendition.status = VideoStatus.QUEUED.value
        rendition.progress = 0


def _delete_keys(keys: list[str]) -> None:
    storage = media_storage()
    for key in keys:
        storage.delete(key)


def replace_captions(actor: User, video_id: int, filename: str, data: bytes) -> Video:
    """Use an uploaded .vtt/.srt as the video's captions (replacing automatic ones)."""
    video = get_managed_video(actor, video_id)
    store_captions(video, parse_captions(filename, data), source="uploaded")
    video_details_changed(video)
    commit()
    return video


def delete_video(actor: User, video_id: int) -> None:
    """Remove the video and, after the commit, every stored object of it."""
    remove_video(get_managed_video(actor, video_id))
    commit()


def reprocess_video(actor: User | None, video_id: int) -> Video:
    """Start processing again from the kept original (owner, admin, or the command line)."""
    video = db.session.get(Video, video_id)
    if video is None or (actor is not None and not can_manage(actor, video)):
        raise NotFound("No such video, or you cannot change it.")
    if video.status == VideoStatus.PROCESSING.value:
        raise Conflict("This video is being processed right now.")
    if video.original_deleted_at is not None:
        raise Conflict("The original file was deleted under your district's retention rule, "
                       "so this video cannot be processed again.")
    if video.status == VideoStatus.READY.value and video.worker is not None:
        raise Conflict("This video's larger sizes are being made right now; reprocess it "
                       "when they are done.")
    _back_in_the_queue(video)
    # Not watchable until processed again: out of search meanwhile (it is indexed when ready).
    video_details_changed(video)
    _enqueue_processing(video.id)
    commit()
    return video


@dataclass
class VideoFilters:
    practice: str | None = None
    grade_band: str | None = None
    subject: str | None = None
    school_id: int | None = None
    owner_id: int | None = None
    level: str | None = None
    words: str | None = None  # each word in the title, the teacher's name or a practice


# A picker's search box, not full-text search (search/): a few words are plenty.
MAX_FILTER_WORDS = 8


def _matches_words(words: str):
    """Every word (any case, taken literally) in the title, the teacher's name or the name
    of one of the video's practices."""
    clauses = []
    for word in words.split()[:MAX_FILTER_WORDS]:
        clauses.append(or_(
            Video.title.icontains(word, autoescape=True),
            Video.owner_id.in_(select(User.id).where(User.name.icontains(word, autoescape=True))),
            Video.id.in_(select(video_practices.c.video_id).join(Practice)
                         .where(Practice.name.icontains(word, autoescape=True))),
        ))
    return and_(*clauses)


@dataclass
class Page:
    items: list[Video]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_videos(viewer: User, filters: VideoFilters, *, page: int = 1, per_page: int = 12,
                ready_only: bool = True, with_renditions: bool = False) -> Page:
    """Videos the viewer may watch, newest first, filtered in the query so totals are right.
    Pages' cards show no renditions; the API's videos list them (`with_renditions`)."""
    page = max(1, page)
    per_page = min(max(1, per_page), 100)
    query = select(Video).where(visible_to(viewer))
    if ready_only:
        query = query.where(Video.status == VideoStatus.READY.value)
    if filters.practice:
        query = query.where(Video.id.in_(
            select(video_practices.c.video_id).join(Practice).where(Practice.slug == filters.practice)
        ))
    for column, value in ((Video.grade_band, filters.grade_band), (Video.subject, filters.subject),
                          (Video.school_id, filters.school_id), (Video.owner_id, filters.owner_id),
                          (Video.level, filters.level)):
        if value:
            query = query.where(column == value)
    if filters.words and filters.words.split():
        query = query.where(_matches_words(filters.words))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    query = query.options(selectinload(Video.practices), joinedload(Video.owner),
                          joinedload(Video.school))
    if with_renditions:
        query = query.options(selectinload(Video.renditions))
    items = db.session.scalars(
        query.order_by(Video.created_at.desc(), Video.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(items=list(items), total=total or 0, page=page, per_page=per_page)


def my_videos(owner: User) -> list[Video]:
    return list(db.session.scalars(
        select(Video).where(Video.owner_id == owner.id)
        .options(selectinload(Video.practices), selectinload(Video.renditions))
        .order_by(Video.created_at.desc())
    ))


def rendition_for(viewer: User, video_id: int, label: str) -> Rendition:
    video = get_video(viewer, video_id)
    for rendition in video.renditions:
        if rendition.label == label and rendition.status == VideoStatus.READY.value:
            return rendition
    raise NotFound("That version of the video is not available.")

"""API views for videos: create (multipart or a finished tus upload), list, read, edit,
delete, replace captions."""
from __future__ import annotations

from flask import g, request, url_for
from flask_smorest import Blueprint
from marshmallow import ValidationError

from ..api.auth import BEARER, token_required
from ..api.docs import error_responses
from ..errors import Invalid, TooLarge, UnsupportedMediaType
from .face_models import MAX_KEPT_FACES
from .face_review import faces_for_review, review_faces
from .media_urls import media_url, rendition_name
from .originals import original_for, original_response
from .retention import end_of_video
from .schemas import (
    CaptionsUploadSchema,
    FaceReviewSchema,
    FacesSchema,
    VideoCreateJsonSchema,
    VideoEditSchema,
    VideoListArgsSchema,
    VideoPageSchema,
    VideoSchema,
)
from .services import (
    VideoFilters,
    create_video_from_upload,
    delete_video,
    get_video,
    list_videos,
    replace_captions,
    update_video,
)
from .uploads import max_upload_bytes, upload_from_posted_file

blp = Blueprint("videos_api", __name__, description="Videos of classroom practice")

_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)




def video_to_dict(viewer, video) -> dict:
    return {
        "id": video.id, "title": video.title, "description": video.description,
        "practices": [practice.slug for practice in video.practices],
        "grade_band": video.grade_band, "subject": video.subject,
        "visibility": video.visibility, "release_tier": video.release_tier,
        "blur_faces": video.blur_faces,
        "level": video.level, "status": video.status,
        "progress": video.progress,
        "error": video.error, "duration_s": video.duration_s, "width": video.width,
        "height": video.height,
        "renditions": [
            {"label": r.label, "width": r.width, "height": r.height, "bytes": r.bytes,
             "mime": r.mime, "url": media_url(viewer, video, rendition_name(r.label), external=True)}
            for r in video.playable_renditions
        ],
        "poster_url": media_url(viewer, video, "poster.jpg", external=True) if video.poster_key else None,
        "captions_url": (media_url(viewer, video, "captions.vtt", external=True)
                         if video.captions_key else None),
        "captions_source": video.captions_source,
        "captions_reviewed": video.captions_reviewed,
        "descriptions_url": (media_url(viewer, video, "descriptions.vtt", external=True)
                             if video.descriptions_key else None),
        "text_description": video.text_description,
        "retain_until": end_of_video(video),
        "captions_language": video.captions_language,
        "owner": {"id": video.owner.id, "name": video.owner.name},
        "school": {"id": video.school.id, "name": video.school.name},
        "created_at": video.created_at,
    }


_CREATE_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": "VideoCreateJsonSchema"},
        "multipart/form-data": {"schema": "VideoCreateMultipartSchema"},
    },
}


@blp.route("/videos", methods=["POST"])
@blp.doc(security=BEARER, requestBody=_CREATE_BODY)
@blp.response(202, VideoSchema)
@error_responses(blp, *_ERRORS)
@token_required
def create_video():
    """Share a video: a multipart upload, or JSON naming a finished tus upload."""
    if request.mimetype == "multipart/form-data":
        video = _create_from_multipart()
    elif request.mimetype == "application/json":
        video = _create_from_json()
    else:
        raise UnsupportedMediaType("Send multipart/form-data with a file, or JSON with an upload_id.")
    return video_to_dict(g.api_user, video)


def _create_from_json():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object.")
    try:
        data = VideoCreateJsonSchema().load(body)
    except ValidationError as error:
        raise Invalid("Some fields are not valid.", _flat(error.messages)) from error
    upload_id = data.pop("upload_id")
    return create_video_from_upload(g.api_user, upload_id, data)


def _create_from_multipart():
    if (request.content_length or 0) > max_upload_bytes() + 1024 * 1024:
        raise TooLarge(f"The limit is {max_upload_bytes() // 1024 // 1024} MB.")
    posted = request.files.get("file")
    if posted is None or not posted.filename:
        raise Invalid("Attach the video as the form field 'file'.", {"file": "Missing."})
    raw = {key: request.form.get(key) for key in
           ("title", "description", "grade_band", "subject", "visibility", "media_release",
            "release_tier", "blur_faces", "level", "try_id")}
    raw["practices"] = [slug for value in request.form.getlist("practices")
                        for slug in value.split(",")]
    captions = request.files.get("captions")
    captions_data = (captions.filename, captions.read(2 * 1024 * 1024 + 1)) if captions and captions.filename else None
    upload = upload_from_posted_file(g.api_user, posted.stream, posted.filename, posted.mimetype or "")
    return create_video_from_upload(g.api_user, upload.id, raw, captions=captions_data)


def _flat(messages: dict) -> dict[str, str]:
    return {name: "; ".join(map(str, problems)) if isinstance(problems, list) else str(problems)
            for name, problems in messages.items()}


@blp.route("/videos", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(VideoListArgsSchema, location="query")
@blp.response(200, VideoPageSchema)
@error_responses(blp, 401, 422)
@token_required
def list_all(args):
    """Videos the member may watch, newest first."""
    filters = VideoFilters(practice=args.get("practice"), grade_band=args.get("grade_band"),
                           subject=args.get("subject"), school_id=args.get("school"),
                           owner_id=args.get("owner"), level=args.get("level"))
    page = list_videos(g.api_user, filters, page=args["page"], per_page=args["per_page"],
                       with_renditions=True)
    return {"total": page.total, "page": page.page, "per_page": page.per_page,
            "items": [video_to_dict(g.api_user, video) for video in page.items]}


@blp.route("/videos/<id:video_id>", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, VideoSchema)
@error_responses(blp, 401, 404)
@token_required
def read(video_id: int):
    """One video, with its playable renditions as signed URLs."""
    return video_to_dict(g.api_user, get_video(g.api_user, video_id))


@blp.route("/videos/<id:video_id>", methods=["PATCH"])
@blp.doc(security=BEARER)
@blp.arguments(VideoEditSchema)
@blp.response(200, VideoSchema)
@error_responses(blp, 400, 401, 403, 404, 422)
@token_required
def edit(data, video_id: int):
    """Change the details of a video you shared."""
    return video_to_dict(g.api_user, update_video(g.api_user, video_id, data))


@blp.route("/videos/<id:video_id>", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.response(204)
@error_responses(blp, 401, 403, 404)
@token_required
def remove(video_id: int):
    """Delete a video you shared, with every stored file of it."""
    delete_video(g.api_user, video_id)
    return ""


@blp.route("/videos/<id:video_id>/captions", methods=["PUT"])
@blp.doc(security=BEARER)
@blp.arguments(CaptionsUploadSchema, location="files")
@blp.response(200, VideoSchema)
@error_responses(blp, 400, 401, 403, 404, 415, 422)
@token_required
def replace_captions_view(files, video_id: int):
    """Replace the captions with an uploaded .vtt or .srt file."""
    posted = files["captions"]
    video = replace_captions(g.api_user, video_id, posted.filename,
                             posted.read(2 * 1024 * 1024 + 1))
    return video_to_dict(g.api_user, video)


_FILE = {"schema": {"type": "string", "format": "binary"}}


@blp.route("/videos/<id:video_id>/original", methods=["GET"])
@blp.doc(security=BEARER, responses={
    "200": {"description": "The file as uploaded, as an attachment never cached (local store).",
            "content": {"video/*": _FILE, "application/octet-stream": _FILE}},
    "302": {"description": "From S3: a short presigned URL of the file as uploaded."}})
@error_responses(blp, 401, 403, 404)
@token_required
def original(video_id: int):
    """The original as uploaded, for the teacher who shared it alone.

    With face blur on it is the only copy showing the children's faces: a colleague who may
    watch the video and the district's admin are refused (403). 404 once the district's
    retention rule deleted it, saying when."""
    return original_response(original_for(g.api_user, video_id))


@blp.route("/videos/<id:video_id>/faces", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, FacesSchema)
@error_responses(blp, 401, 403, 404)
@token_required
def faces(video_id: int):
    """The faces found in a video you shared with face blur on (the owner only)."""
    return faces_to_dict(*faces_for_review(g.api_user, video_id))


@blp.route("/videos/<id:video_id>/faces/review", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(FaceReviewSchema)
@blp.response(202, VideoSchema)
@error_responses(blp, 400, 401, 403, 404, 409, 422)
@token_required
def review(data, video_id: int):
    """Keep at most two faces unblurred; the others are blurred and the video published."""
    return video_to_dict(g.api_user, review_faces(g.api_user, video_id, data["keep"]))


def faces_to_dict(video, tracks) -> dict:
    return {"status": video.status, "reviewed": video.faces_reviewed_at is not None,
            "max_kept": MAX_KEPT_FACES,
            "faces": [{"id": track.id, "position": track.position, "first_s": track.first_s,
                       "last_s": track.last_s, "keep": track.keep,
                       "thumbnail_url": url_for("videos.face_thumbnail", video_id=video.id,
                                                track_id=track.id, _external=True)}
                      for track in tracks]}

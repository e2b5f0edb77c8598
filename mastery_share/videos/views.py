"""Pages: browse, my videos, share a video, watch, edit, delete, reprocess, and media."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.api_tokens import user_for_api_token
from ..accounts.models import GRADE_BANDS, SUBJECTS, Practice, School
from ..api.auth import bearer_secret
from ..errors import Conflict, DomainError, Invalid, NotFound
from ..extensions import db
from ..forms_support import show_error_on_form
from ..media.storage import ObjectNotFound
from ..query_args import query_int, query_page, query_seconds, whole_number
from ..tries.lineage import video_lineage
from ..tries.presentation import can_start_try, share_back_offer
from ..worker_state import processing_paused_message
from .forms import EditVideoForm, UploadVideoForm, VideoActionForm, practice_choices
from .media_urls import check_media_signature, media_url
from .models import PracticeLevel, Upload, Visibility
from .originals import original_for, original_response
from .playback import media_response, player_context
from .release import set_widest_without_blur
from .release_report import videos_beyond_policy
from .retention import MAX_RETENTION_DAYS, end_of_video, set_retention_policy
from .services import (
    VideoFilters,
    create_video_from_upload,
    delete_video,
    get_managed_video,
    get_video,
    list_videos,
    my_videos,
    reprocess_video,
    update_video,
)
from .uploads import NO_SCHOOL_MESSAGE, max_upload_bytes, upload_from_posted_file
from .visibility import can_manage
from .watch_page import watch_panels

bp = Blueprint("videos", __name__)


@bp.app_context_processor
def media_helpers():
    def poster_url(video):
        return media_url(current_user, video, "poster.jpg") if video.poster_key else None

    return {"poster_url": poster_url}


def _practices() -> list[Practice]:
    return list(db.session.scalars(select(Practice).order_by(Practice.position)))


def _details_from(form) -> dict:
    return {"title": form.title.data, "description": form.description.data,
            "practices": form.practices.data or [], "grade_band": form.grade_band.data,
            "subject": form.subject.data, "visibility": form.visibility.data,
            "level": form.level.data, "release_tier": form.release_tier.data,
            "blur_faces": form.blur_faces.data,
            **({"retain_until": form.retain_until.data} if hasattr(form, "retain_until") else {})}


@bp.route("/videos")
@login_required
def index():
    filters = VideoFilters(practice=request.args.get("practice") or None,
                           grade_band=request.args.get("grade_band") or None,
                           subject=request.args.get("subject") or None,
                           school_id=query_int("school"), level=_level_arg())
    page = list_videos(current_user, filters, page=query_page())
    schools = db.session.scalars(select(School).where(
        School.district_id == current_user.district_id).order_by(School.name)).all()
    return render_template("videos/index.html", page=page, filters=filters,
                           practices=_practices(), schools=schools, grade_bands=GRADE_BANDS,
                           subjects=SUBJECTS, levels=list(PracticeLevel))


def _level_arg() -> str | None:
    """?level=, when it names a level (anything else filters nothing)."""
    level = request.args.get("level")
    return level if level in {each.value for each in PracticeLevel} else None


@bp.route("/videos/mine")
@login_required
def mine():
    videos = my_videos(current_user)
    return render_template("videos/mine.html", videos=videos, action_form=VideoActionForm(),
                           processing_paused=_processing_paused(videos))


def _processing_paused(videos) -> str | None:
    """Why waiting videos do not move, when `flask serve`'s worker keeps dying."""
    if not any(video.status in ("queued", "processing") for video in videos):
        return None
    return processing_paused_message(current_app.config["DATA_DIR"])


@bp.route("/videos/new", methods=["GET", "POST"])
@login_required
def new():
    if current_user.school_id is None:  # said before a file is chosen, not after it is sent
        abort(403, description=NO_SCHOOL_MESSAGE)
    if request.method == "POST" and (request.content_length or 0) > max_upload_bytes() + 1024**2:
        abort(413, description=f"The file is larger than the {max_upload_bytes() // 1024**2} MB limit.")
    form = UploadVideoForm()
    form.practices.choices = practice_choices(_practices())
    pending_upload = None
    share_back = _share_back_offer()
    if share_back and share_back.video is None and request.method == "GET":
        form.practices.data = [share_back.try_.practice.slug]
    if request.method == "GET":
        form.blur_faces.data = current_user.district.blur_faces_by_default
    if form.validate_on_submit():
        try:
            upload_id = _upload_id_for(form)
            pending_upload = db.session.get(Upload, upload_id) if upload_id else None
            if not upload_id:
                raise Invalid("Choose a video file to upload.", {"file": "Choose a video file."})
            linked = share_back.try_.id if share_back and share_back.video is None else None
            video = create_video_from_upload(current_user, upload_id,
                                             {**_details_from(form), "try_id": linked},
                                             captions=_captions_from(form))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Your video is uploaded. It will be ready to watch in a few minutes.", "success")
            return redirect(url_for("videos.watch", video_id=video.id))
    status = 422 if request.method == "POST" else 200
    return render_template("videos/new.html", form=form, pending_upload=pending_upload,
                           share_back=share_back,
                           max_mb=max_upload_bytes() // 1024**2), status


def _share_back_offer():
    """The member's own try named by ?try= (or the form's try_id) that this video shares
    back; None when the page was not opened from a try."""
    raw = request.form.get("try_id") if request.method == "POST" else request.args.get("try")
    if not raw:
        return None
    try_id = whole_number(raw)
    if try_id is None:
        raise NotFound("No such try of yours.")
    return share_back_offer(current_user, try_id)


def _upload_id_for(form: UploadVideoForm) -> str | None:
    """The tus upload the page's script finished, or the plain file posted without script."""
    if form.upload_id.data:
        return form.upload_id.data
    posted = form.file.data
    if posted and getattr(posted, "filename", ""):
        upload = upload_from_posted_file(current_user, posted.stream, posted.filename,
                                         posted.mimetype or "")
        form.upload_id.data = upload.id  # kept on the re-rendered form if a field is wrong
        return upload.id
    return None


def _captions_from(form) -> tuple[str, bytes] | None:
    posted = form.captions.data
    if posted and getattr(posted, "filename", ""):
        return posted.filename, posted.read(2 * 1024 * 1024 + 1)
    return None


@bp.route("/videos/<id:video_id>")
@login_required
def watch(video_id: int):
    video = get_video(current_user, video_id)
    manage = can_manage(current_user, video)
    return render_template("videos/watch.html", video=video, action_form=VideoActionForm(),
                           can_manage=manage, panels=watch_panels(current_user, video, manage),
                           lineage=video_lineage(current_user, video),
                           can_try=can_start_try(current_user)
                           and video.owner_id != current_user.id,
                           processing_paused=_processing_paused([video]),
                           start_at=query_seconds("t"),
                           **player_context(current_user, video))


@bp.route("/videos/<id:video_id>/status.json")
@login_required
def status(video_id: int):
    video = get_video(current_user, video_id, with_people=False)
    return jsonify(status=video.status, progress=video.progress, error=video.error,
                   paused=_processing_paused([video]),
                   renditions=[{"label": r.label, "status": r.status, "progress": r.progress}
                               for r in video.renditions])


@bp.route("/videos/<id:video_id>/edit", methods=["GET", "POST"])
@login_required
def edit(video_id: int):
    video = get_managed_video(current_user, video_id)
    form = EditVideoForm(obj=video)
    if request.method == "GET" and video.retain_until:
        form.retain_until.data = video.retain_until.date()
    form.practices.choices = practice_choices(_practices())
    if request.method == "GET":
        form.practices.data = [practice.slug for practice in video.practices]
    if form.validate_on_submit():
        try:
            update_video(current_user, video.id, _details_from(form))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("The video's details are saved.", "success")
            return redirect(url_for("videos.watch", video_id=video.id))
    return render_template("videos/edit.html", form=form, video=video,
                           action_form=VideoActionForm(),
                           retention_end=end_of_video(video),
                           is_owner=video.owner_id == current_user.id), 422 if form.errors else 200


@bp.route("/videos/<id:video_id>/original")
@login_required
def original(video_id: int):
    """The original as uploaded, for its owner alone (with blur, the only unblurred copy)."""
    return original_response(original_for(current_user, video_id))


@bp.route("/videos/<id:video_id>/delete", methods=["POST"])
@login_required
def delete(video_id: int):
    if not VideoActionForm().validate_on_submit():
        abort(400)
    delete_video(current_user, video_id)
    flash("The video and all its files are deleted.", "success")
    return redirect(url_for("videos.mine"))


@bp.route("/videos/release-policy", methods=["POST"])
@login_required
def release_policy():
    """An admin sets how far a classroom video may be shared with students' faces unblurred."""
    chosen = request.form.get("widest_without_blur", "")
    try:
        set_widest_without_blur(
            current_user, chosen,
            blur_by_default=request.form.get("blur_faces_by_default") == "on",
            reviewed_captions=request.form.get("reviewed_captions_beyond_school") == "on")
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(f"Saved: classroom videos are shared at most with \u201c"
              f"{Visibility(chosen).label}\u201d unless faces are blurred.", "success")
    return redirect(url_for("accounts.staff") + "#release-policy-heading")


@bp.route("/videos/beyond-policy")
@login_required
def beyond_policy():
    """For the admin: videos shared wider than the district's rules now allow unblurred."""
    return render_template("videos/beyond_policy.html", report=videos_beyond_policy(current_user),
                           widest=Visibility(current_user.district.widest_without_blur),
                           visibility_label=lambda value: Visibility(value).label)


RETENTION_FIELDS = ("retain_videos_days", "retain_originals_days", "retain_views_days")


@bp.route("/videos/retention-policy", methods=["POST"])
@login_required
def retention_policy():
    """An admin sets how long classroom videos, their originals and their plays are kept."""
    try:
        set_retention_policy(current_user, *(_days(request.form.get(name))
                                             for name in RETENTION_FIELDS))
    except DomainError as error:
        flash(error.message, "danger")
        # The staff page shows what was typed again, not the saved values.
        session["retention_typed"] = {name: (request.form.get(name) or "")[:20]
                                      for name in RETENTION_FIELDS}
    else:
        flash("Saved: the retention of classroom videos.", "success")
    return redirect(url_for("accounts.staff") + "#retention-heading")


def _days(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    days = whole_number(raw, maximum=MAX_RETENTION_DAYS)
    if days is None or days < 1:
        raise Invalid(f"Give a whole number of days from 1 to {MAX_RETENTION_DAYS:,} (about "
                      f"100 years), or leave it empty.")
    return days


@bp.route("/videos/<id:video_id>/reprocess", methods=["POST"])
@login_required
def reprocess(video_id: int):
    if not VideoActionForm().validate_on_submit():
        abort(400)
    try:
        reprocess_video(current_user, video_id)
    except Conflict as error:
        # Not now (being processed, larger sizes being made, original deleted): say why on
        # the video's page rather than on an error page.
        flash(error.message, "warning")
    else:
        flash("Processing starts again from your original file.", "info")
    return redirect(url_for("videos.watch", video_id=video_id))


def _media_viewer():
    """The member asking: the browser's session, or an API client's bearer token."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    secret = bearer_secret()
    return user_for_api_token(secret) if secret else None


@bp.route("/media/<id:video_id>/<name>")
def media(video_id: int, name: str):
    """Serve a rendition, the poster or the captions to the member the URL was signed for."""
    signed_for = check_media_signature(video_id, name, request.args.get("u"),
                                       request.args.get("e"), request.args.get("s"))
    viewer = _media_viewer()
    if signed_for is None or viewer is None or viewer.id != signed_for:
        abort(403, description="This media link is not valid for you, or it has expired.")
    video = get_video(viewer, video_id, with_people=False)
    try:
        return media_response(video, name)
    except (ObjectNotFound, NotFound):
        abort(404)

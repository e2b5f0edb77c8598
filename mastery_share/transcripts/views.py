"""Pages and JSON for transcripts: the cues for the player, the owner's editor and switches."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from ..errors import DomainError, Invalid
from ..forms_support import show_error_on_form
from ..videos.models import Video
from ..videos.playback import player_context
from ..videos.services import get_managed_video, get_video, replace_captions
from ..videos.visibility import can_manage
from .cues import read_cues as parse_cues
from .forms import (
    AutoTranscriptsForm,
    CaptionsUploadForm,
    CueEditForm,
    TranscriptActionForm,
)
from .services import (
    captions_text,
    captions_version,
    read_cues,
    retranscribe,
    set_auto_transcripts,
    transcript_as_text,
    transcripts_available,
    update_cue_texts,
)

bp = Blueprint("transcripts", __name__)
MAX_CAPTIONS_UPLOAD = 2 * 1024 * 1024


def _watch(video_id: int):
    return redirect(url_for("videos.watch", video_id=video_id) + "#transcript")


def _status(video: Video) -> dict:
    return {"status": video.transcript_status, "progress": video.transcript_progress,
            "error": video.transcript_error}


@bp.route("/videos/<id:video_id>/transcript.json")
@login_required
def transcript_json(video_id: int):
    video = get_video(current_user, video_id)
    body = {"source": video.captions_source, "auto_generated": video.captions_source == "auto",
            "available": transcripts_available(), "cues": read_cues(current_user, video.id)}
    if can_manage(current_user, video):
        body.update(_status(video))
    return jsonify(body)


@bp.route("/videos/<id:video_id>/transcript.txt")
@login_required
def transcript_text(video_id: int):
    """The transcript to read or keep, as a download."""
    found = transcript_as_text(current_user, video_id)
    if found is None:
        abort(404)
    video, text = found
    name = secure_filename(video.title)[:80] or "video"
    return Response(text, mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="{name}-transcript.txt"',
        "Cache-Control": "private, no-store"})


@bp.route("/videos/<id:video_id>/transcript/status.json")
@login_required
def status_json(video_id: int):
    video = get_managed_video(current_user, video_id)
    return jsonify(_status(video))


@bp.route("/videos/<id:video_id>/transcript/edit", methods=["GET", "POST"])
@login_required
def edit(video_id: int):
    video = get_managed_video(current_user, video_id)
    form = CueEditForm()
    text = captions_text(video)
    if text is None:
        flash("This video has no transcript or captions to edit yet.", "info")
        return _watch(video.id)
    cues = parse_cues(text)
    player = player_context(current_user, video)
    if form.validate_on_submit():
        changed = _changed_cues(cues)
        reviewed = request.form.get("reviewed") == "yes"
        try:
            update_cue_texts(current_user, video.id, changed, expected_version=form.version.data,
                             reviewed=reviewed)
        except DomainError as error:
            show_error_on_form(form, error)
            errors = error.fields if isinstance(error, Invalid) else {}
            return render_template("transcripts/edit.html", video=video, form=form,
                                   cues=_with_posted_text(cues), errors=errors,
                                   player=player), 422
        saved = (f"Saved {len(changed)} corrected cue{'s' if len(changed) != 1 else ''}."
                 if changed else "Nothing was changed.")
        flash(f"{saved} The captions are marked as reviewed." if reviewed else saved, "success")
        return _watch(video.id)
    form.version.data = captions_version(text)
    return render_template("transcripts/edit.html", video=video, form=form, cues=cues,
                           errors={}, player=player)


def _changed_cues(cues: list[dict]) -> dict[int, str]:
    changed = {}
    for cue in cues:
        posted = request.form.get(f"cue-{cue['index']}")
        if posted is not None and " ".join(posted.split()) != " ".join(cue["text"].split()):
            changed[cue["index"]] = posted
    return changed


def _with_posted_text(cues: list[dict]) -> list[dict]:
    return [{**cue, "text": request.form.get(f"cue-{cue['index']}", cue["text"])}
            for cue in cues]


@bp.route("/videos/<id:video_id>/transcript/auto", methods=["POST"])
@login_required
def switch_auto(video_id: int):
    form = AutoTranscriptsForm()
    if not form.validate_on_submit():
        abort(400)
    enabled = form.enabled.data == "on"
    video = set_auto_transcripts(current_user, video_id, enabled)
    if enabled:
        flash("Automatic transcripts are on for this video.", "success")
    else:
        flash("Automatic transcripts are off: this video has no automatic transcript.", "success")
    return _watch(video.id)


@bp.route("/videos/<id:video_id>/transcript/again", methods=["POST"])
@login_required
def transcribe_again(video_id: int):
    if not TranscriptActionForm().validate_on_submit():
        abort(400)
    try:
        retranscribe(current_user, video_id)
    except DomainError as error:
        if error.status != 409:
            raise
        flash(error.message, "warning")
    else:
        flash("A new automatic transcript is being made.", "info")
    return _watch(video_id)


@bp.route("/videos/<id:video_id>/transcript/captions", methods=["POST"])
@login_required
def upload_captions(video_id: int):
    get_managed_video(current_user, video_id)
    form = CaptionsUploadForm()
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        flash("Choose a .vtt or .srt captions file to upload.", "danger")
        return _watch(video_id)
    posted = form.captions.data
    try:
        replace_captions(current_user, video_id, posted.filename or "",
                         posted.read(MAX_CAPTIONS_UPLOAD + 1))
    except Invalid as error:
        flash(error.message, "danger")
    else:
        flash("Your captions are now used for this video.", "success")
    return _watch(video_id)

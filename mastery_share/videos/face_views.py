"""Pages for the owner's review of the faces found in a video (on the videos blueprint)."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import DomainError
from ..query_args import whole_number
from .face_models import MAX_KEPT_FACES
from .face_review import faces_for_review, review_faces, thumbnail_key
from .forms import VideoActionForm
from .storage_access import media_storage
from .views import bp


@bp.route("/videos/<id:video_id>/faces", methods=["GET", "POST"])
@login_required
def review_faces_page(video_id: int):
    video, tracks = faces_for_review(current_user, video_id)
    form = VideoActionForm()
    error = None
    chosen = {track.id for track in tracks if track.keep}
    if request.method == "POST" and form.validate_on_submit():
        chosen = {number for raw in request.form.getlist("keep")
                  if (number := whole_number(raw)) is not None}
        try:
            review_faces(current_user, video.id, sorted(chosen))
        except DomainError as problem:
            error = problem.message
        else:
            kept = len(chosen)
            flash("Thank you. The other faces are being blurred; the video is published when "
                  "it is ready." if kept else "Thank you. Every face is being blurred; the "
                  "video is published when it is ready.", "success")
            return redirect(url_for("videos.watch", video_id=video.id))
    status = 422 if request.method == "POST" else 200
    return render_template("videos/faces.html", video=video, tracks=tracks, form=form,
                           chosen=chosen, error=error, max_kept=MAX_KEPT_FACES), status


@bp.route("/videos/<id:video_id>/faces/<id:track_id>.jpg")
@login_required
def face_thumbnail(video_id: int, track_id: int):
    """An unblurred face: its owner's browser only, never cached anywhere else."""
    key = thumbnail_key(current_user, video_id, track_id)
    response = Response(media_storage().read_bytes(key), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response

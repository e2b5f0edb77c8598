"""The owner's page for a video's audio description and text description (on videos.bp)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import DomainError, Invalid
from .descriptions import description_lines, set_descriptions
from .forms import VideoActionForm
from .services import get_managed_video
from .views import bp


@bp.route("/videos/<id:video_id>/descriptions", methods=["GET", "POST"])
@login_required
def descriptions(video_id: int):
    video = get_managed_video(current_user, video_id)
    form = VideoActionForm()
    lines, text = description_lines(video), video.text_description
    errors: dict[str, str] = {}
    message = None
    if request.method == "POST" and form.validate_on_submit():
        lines = request.form.get("lines", "")
        text = request.form.get("text_description", "")
        try:
            set_descriptions(current_user, video.id, lines, text)
        except DomainError as error:
            message = error.message
            errors = error.fields if isinstance(error, Invalid) else {}
        else:
            flash("The audio description and text description are saved.", "success")
            return redirect(url_for("videos.watch", video_id=video.id))
    status = 422 if request.method == "POST" else 200
    return render_template("videos/descriptions.html", video=video, form=form, lines=lines,
                           text=text, errors=errors, message=message), status

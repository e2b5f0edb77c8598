"""The player's reports: a play started, and how long it has played. Session + CSRF (the
watch page sends the token in a header, or as a form field from a beacon on leaving)."""
from __future__ import annotations

import math

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from ..errors import Invalid
from .services import report_watched, start_view

bp = Blueprint("viewing", __name__)


@bp.route("/videos/<id:video_id>/plays", methods=["POST"])
@login_required
def play(video_id: int):
    view = start_view(current_user, video_id)
    if view is None:  # the owner watching their own video
        return "", 204
    return jsonify(id=view.id), 201


@bp.route("/plays/<id:view_id>", methods=["POST"])
@login_required
def watched(view_id: int):
    try:
        seconds = float(request.form.get("watched_s", ""))
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds):
        raise Invalid("watched_s must be a number of seconds.")
    report_watched(current_user, view_id, seconds)
    return "", 204

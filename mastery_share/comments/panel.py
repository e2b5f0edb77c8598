"""The conversation panel of the watch page (templates/comments/_panel.html)."""
from __future__ import annotations

from flask import session

from ..accounts.models import User
from ..videos.models import Video
from .forms import BADGES, KIND_LABELS, CommentActionForm, CommentForm
from .services import MAX_BODY, can_edit, can_remove, kinds_for, list_comments


def comment_form(user: User) -> CommentForm:
    form = CommentForm()
    form.kind.choices = [(kind.value, KIND_LABELS[kind.value]) for kind in kinds_for(user)]
    return form


def comments_panel(viewer: User, video: Video) -> dict:
    """The threads under the player, the form, and what the viewer may do with each."""
    threads = list_comments(viewer, video.id)
    form = comment_form(viewer)
    draft = session.get("comment_draft")
    if draft and draft.get("video_id") == video.id:
        session.pop("comment_draft")
        form.body.data, form.at.data = draft["body"], draft["at"]
        if draft["kind"] in dict(form.kind.choices):
            form.kind.data = draft["kind"]
    return {"threads": threads, "form": form,
            "action_form": CommentActionForm(), "badges": BADGES, "max_body": MAX_BODY,
            "can_edit": lambda comment: can_edit(viewer, comment),
            "can_remove": lambda comment: can_remove(viewer, comment, video),
            "count": sum(1 + len(thread.replies) for thread in threads)}

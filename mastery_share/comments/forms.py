"""Forms of the conversation beside the player."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..text_fields import PlainText
from .models import CommentKind
from .services import MAX_BODY

KIND_LABELS = {
    CommentKind.QUESTION.value: "Question to the teacher",
    CommentKind.NOTE.value: "Note",
    CommentKind.AFFIRMATION.value: "Affirmation (recognise the risk-taking)",
}
BADGES = {CommentKind.QUESTION.value: "Question", CommentKind.NOTE.value: "Note",
          CommentKind.AFFIRMATION.value: "Affirmation"}


class CommentForm(FlaskForm):
    """A comment at a moment, or (with parent_id) a reply in a thread.

    The page's script keeps `at_s` on the player's current time; without script the member
    types the moment as m:ss in `at`.
    """

    at_s = HiddenField()
    at = StringField("Moment (m:ss)", validators=[
        Optional(), Regexp(r"^\s*(\d{1,2}:)?\d{1,3}(:\d{1,2})?(\.\d+)?\s*$",
                           message="Write the moment as m:ss, e.g. 1:05.")])
    kind = SelectField("Kind", default=CommentKind.QUESTION.value)
    body = TextAreaField("Your comment", validators=[
        InputRequired(message="Write your comment."), Length(max=MAX_BODY),
        PlainText(multiline=True)],
        render_kw={"rows": 3, "maxlength": MAX_BODY})
    parent_id = HiddenField()


class EditCommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[
        InputRequired(message="Write your comment."), Length(max=MAX_BODY),
        PlainText(multiline=True)])


class CommentActionForm(FlaskForm):
    """CSRF only: the delete buttons."""


def parse_moment(at_s: str | None, typed: str | None) -> float | None:
    """Seconds from the script-filled hidden field, else from a typed h:mm:ss / m:ss / s."""
    for raw in (at_s, typed):
        value = (raw or "").strip()
        if not value:
            continue
        try:
            seconds = 0.0
            for part in value.split(":"):
                seconds = seconds * 60 + float(part)
        except ValueError:
            return None
        return seconds
    return None

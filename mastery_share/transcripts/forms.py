from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import AnyOf


class TranscriptActionForm(FlaskForm):
    """CSRF only: the "transcribe again" button."""


class AutoTranscriptsForm(FlaskForm):
    enabled = HiddenField(validators=[AnyOf(["on", "off"])])


class CaptionsUploadForm(FlaskForm):
    captions = FileField("Captions file (.vtt or .srt)",
                         validators=[FileRequired("Choose a .vtt or .srt file.")])


class CueEditForm(FlaskForm):
    """CSRF and the version of the captions the editor was opened on; the cues' textareas
    are named cue-<index> and read by the view, since their number varies."""

    version = HiddenField()

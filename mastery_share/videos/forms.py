from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..accounts.forms import CheckboxListField
from ..accounts.models import GRADE_BANDS, SUBJECTS
from ..text_fields import PlainText
from .models import PracticeLevel, Visibility
from .release import ReleaseTier

# One line per level, so a teacher knows which to pick (and a new teacher which to watch).
LEVEL_HINT = ("Getting started: a first try, for colleagues new to the practice. Refining: it "
              "runs, and you are tuning it. Advanced: a mature practice that goes further.")


BLUR_HINT = ("Every face is blurred in what others watch; before it is published you choose "
             "up to two to keep (yours, a co-teacher's). A blurred video may be shared beyond "
             "the students' releases.")


def release_choices() -> list[SelectChoice]:
    return [SelectChoice("", "Choose…")] + [SelectChoice(tier.value, tier.label)
                                            for tier in ReleaseTier]


def level_choices() -> list[SelectChoice]:
    return [SelectChoice(level.value, level.label) for level in PracticeLevel]


def practice_choices(practices) -> list[SelectChoice]:
    return [SelectChoice(practice.slug, practice.name) for practice in practices]


class VideoDetailsForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=200), PlainText()],
                        description="What a colleague would search for, e.g. "
                        "“Math centers with a must-do / may-do board”.")
    description = TextAreaField(
        "What problem it solved and how to try it",
        validators=[Optional(), Length(max=5000), PlainText(multiline=True)],
        render_kw={"rows": 5},
        description="What you were trying to fix, what you and the learners do, and one tip "
                    "for a colleague trying it tomorrow.")
    practices = CheckboxListField("Practices shown (at least one)")
    grade_band = SelectField("Grade band", choices=[SelectChoice("", "Choose…")]
                             + [SelectChoice(band) for band in GRADE_BANDS])
    subject = SelectField("Subject", choices=[SelectChoice("", "Choose…")]
                          + [SelectChoice(subject) for subject in SUBJECTS])
    visibility = SelectField("Who can watch", default=Visibility.SCHOOL.value,
                             choices=[SelectChoice(v.value, v.label) for v in Visibility])
    # Not validated here: clean_video_fields refuses an unknown level with its own message.
    level = SelectField("Level", default=PracticeLevel.GETTING_STARTED.value,
                        choices=level_choices(), validate_choice=False, description=LEVEL_HINT)


class UploadVideoForm(VideoDetailsForm):
    release_tier = SelectField(
        "Media releases on file", choices=release_choices(), validate_choice=False,
        description="The widest release every student who can be identified has. Who can "
                    "watch may not reach further, and the video shows nothing private.")
    blur_faces = BooleanField("Blur students' faces", description=BLUR_HINT)
    captions = FileField("Captions (optional, .vtt or .srt)")
    file = FileField("Video file")
    upload_id = HiddenField()


class EditVideoForm(VideoDetailsForm):
    release_tier = SelectField("Media releases on file", choices=release_choices(),
                               validate_choice=False,
                               description="Widen it when the releases on file do.")
    blur_faces = BooleanField("Blur students' faces", description=BLUR_HINT + " Changing it "
                              "processes the video again.")
    retain_until = DateField("Delete this video on (optional)", validators=[Optional()],
                             description="An earlier end than your district's, if you want "
                             "one: the video and every file of it are deleted that day; you are "
                             "told 14 days before.")


class VideoActionForm(FlaskForm):
    """CSRF only: delete and reprocess buttons."""

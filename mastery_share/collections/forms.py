from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms_support import ClockField
from ..query_args import MAX_ID
from ..text_fields import PlainText
from ..videos.models import Visibility
from .curation import PURPOSE_MAX, TITLE_MAX
from .items import MAX_SECONDS, NOTE_MAX, PROMPT_MAX


class CollectionForm(FlaskForm):
    title = StringField("Title", validators=[InputRequired(message="Give the collection a title."),
                                             Length(max=TITLE_MAX), PlainText()],
                        description="e.g. “Flexible grouping in 3–5 math”.")
    purpose = TextAreaField("Purpose", validators=[Optional(), Length(max=PURPOSE_MAX),
                                                   PlainText(multiline=True)],
                            render_kw={"rows": 3},
                            description="What the team should take away from the meeting.")
    meeting_date = DateField("Meeting date", validators=[Optional()])
    visibility = SelectField("Who can see it", default=Visibility.SCHOOL.value,
                             choices=[SelectChoice(v.value, v.label) for v in Visibility],
                             description="Videos inside stay visible only to those who may "
                                         "watch them.")
    # Choices (the practices) are set by the view; the service checks the slug.
    start_here_for = SelectField(
        "Start-here path for new teachers", choices=[], validate_choice=False,
        description="Shown first, in this order, on the practice's page to members new to it. "
                    "It replaces the practice's current path in your district, and needs "
                    "“Who can see it” set to the district or every member.")


def _clock_field(label: str, description: str) -> ClockField:
    return ClockField(label, maximum=MAX_SECONDS, render_kw={"placeholder": "m:ss",
                                                             "autocomplete": "off"},
                      description=description)


class ItemForm(FlaskForm):
    note = TextAreaField("Your note", validators=[Optional(), Length(max=NOTE_MAX),
                                                  PlainText(multiline=True)],
                         render_kw={"rows": 3},
                         description="What to notice, or why you chose this video.")
    prompt = TextAreaField("Discussion prompt", validators=[Optional(), Length(max=PROMPT_MAX),
                                                            PlainText(multiline=True)],
                           render_kw={"rows": 2},
                           description="Shown large in PLC mode, e.g. “What would this look "
                                       "like in our classrooms?”")
    start_s = _clock_field("Clip start", "m:ss, e.g. 1:30. Leave empty to start at the beginning.")
    end_s = _clock_field("Clip end", "m:ss, e.g. 2:45. Leave empty to play to the end.")


class AddItemForm(ItemForm):
    # Chosen from the picker's search results (radio buttons); add_item checks that the
    # curator may watch it, so any video found by any search can be posted.
    video_id = IntegerField("Video", validators=[InputRequired(message="Choose a video."),
                                                 NumberRange(min=1, max=MAX_ID,
                                                             message="Choose a video.")])


class ActionForm(FlaskForm):
    """CSRF only: move, remove, save and delete buttons."""

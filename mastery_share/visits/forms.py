from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..accounts.forms import CheckboxListField
from ..accounts.models import GRADE_BANDS, SUBJECTS
from ..query_args import row_id
from ..text_fields import PlainText
from ..videos.forms import level_choices
from .local_time import repeated_time_choices
from .slots import DURATION_RANGE, MAX_CAPACITY, MAX_REPEAT_WEEKS


class SlotForm(FlaskForm):
    date = DateField("Day", validators=[InputRequired(message="Choose the day.")])
    start_time = TimeField("Start time", validators=[InputRequired(message="Choose the time.")],
                           description="In your school's time zone.")
    # Offered only when the day and time happen twice (the fall-back night): see
    # offer_repeated_time. Its choices are set per request, so they are not validated here;
    # the service refuses anything but "first" or "second" by asking again.
    occurrence = RadioField("Which one?", choices=[], validate_choice=False,
                            validators=[Optional()])
    duration_min = IntegerField("Length (minutes)", default=45,
                                validators=[InputRequired(message="Enter the minutes."),
                                            NumberRange(*DURATION_RANGE)])
    capacity = IntegerField("Seats for visitors", default=3,
                            validators=[InputRequired(message="Enter the number of seats."),
                                        NumberRange(1, MAX_CAPACITY)])
    room = StringField("Room", validators=[Optional(), Length(max=80), PlainText()],
                       description="Where visitors go, e.g. “Room 12, east wing”.")
    focus = TextAreaField("What visitors will see",
                          validators=[InputRequired(message="Describe the focus of the visit."),
                                      Length(max=2000), PlainText()],
                          render_kw={"rows": 3},
                          description="e.g. “Station rotation in 4th grade math: watch the "
                                      "teacher-led table and the must-do board.”")
    practices = CheckboxListField("Practices visitors will see")
    video_ids = CheckboxListField("Your videos of this practice", coerce=row_id)
    grade_band = SelectField("Grade band", default="", choices=[SelectChoice("", "Choose…")]
                             + [SelectChoice(band) for band in GRADE_BANDS])
    subject = SelectField("Subject", default="", choices=[SelectChoice("", "Choose…")]
                          + [SelectChoice(subject) for subject in SUBJECTS])
    level = SelectField("Level", default="", choices=[SelectChoice("", "Any level")]
                        + level_choices(),
                        description="Who gets the most from this visit: teachers getting "
                                    "started, refining the practice, or going further.")
    repeat_weekly = SelectField(
        "Repeat", coerce=int, default=0,
        choices=[SelectChoice(0, "Just this once")]
        + [SelectChoice(n, f"Every week for {n} more week{'s' if n > 1 else ''}")
           for n in range(1, MAX_REPEAT_WEEKS + 1)],
        description="Each week has its own seats and the same local time. On the night the "
                    "clocks spring forward, a time they skip moves an hour later that week "
                    "(2:30 AM becomes 3:30 AM); on the night they fall back, a time they show "
                    "twice is the first one.")


def offer_repeated_time(form: SlotForm, zone_name: str) -> None:
    """Ask which one when the form's day and start time happen twice in the zone (1:30 AM on
    the fall-back night), instead of guessing."""
    day, at = form.date.data, form.start_time.data
    form.occurrence.choices = repeated_time_choices(day, at, zone_name) if day and at else []
    if form.occurrence.choices:
        form.occurrence.label.text = (f"{at.strftime('%I:%M').lstrip('0')} {at:%p} happens twice "
                                      "that night (the clocks fall back an hour): which one?")


class EditSlotForm(SlotForm):
    repeat_weekly = None


class ActionForm(FlaskForm):
    """CSRF only: book, cancel, approve and decline buttons."""


class ReflectionForm(FlaskForm):
    saw = TextAreaField("What I saw", validators=[InputRequired(message="Write a sentence or two."),
                                                  Length(max=2000), PlainText(multiline=True)],
                        render_kw={"rows": 4})
    will_try = TextAreaField("What I will try",
                             validators=[InputRequired(message="Write a sentence or two."),
                                         Length(max=2000), PlainText(multiline=True)],
                             render_kw={"rows": 4})
    practices = CheckboxListField("Practices this visit was about")


class VisitRulesForm(FlaskForm):
    requires_visit_approval = BooleanField(
        "Teachers need my approval to visit other schools (release time and coverage)")
    visit_signup_cutoff_hours = IntegerField(
        "Sign-up closes this many hours before a visit here", default=12,
        validators=[InputRequired(), NumberRange(0, 14 * 24)])
    visit_cancel_cutoff_hours = IntegerField(
        "Visitors cannot cancel within this many hours of a visit here (0: any time)",
        default=0, validators=[InputRequired(), NumberRange(0, 14 * 24)])
    monthly_visit_limit = IntegerField(
        "Visits per teacher per month (empty: no limit)",
        validators=[Optional(), NumberRange(1, 100)])

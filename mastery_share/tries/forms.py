"""Forms of the try pages. The rules (required text, dates near today, who sees it) live in
the services, which answer each field by name; these forms parse and carry the values."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from .evidence import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES
from .models import TryVisibility


def _text(label: str, rows: int = 3, description: str | None = None, *,
          id: str | None = None) -> TextAreaField:
    return TextAreaField(label, render_kw={"rows": rows}, description=description, id=id)


class PlanFieldsForm(FlaskForm):
    plan = _text("Plan: what I will do", 4,
                 "In a sentence or two, e.g. “A must-do / may-do board for my math centers.”")
    students = _text("With which students", 2, "e.g. “My 3rd period, the two reading groups.”")
    target_date = DateField("By when", validators=[Optional()],
                            description="The day you will check in on how it went.")
    success_looks_like = _text("What success will look like", 3,
                               "What you will see or hear from your students if it works.")
    learn_notes = _text("Learn: notes", 3,
                        "What you noticed in the video or visit, and what you want to find "
                        "out.")
    visibility = RadioField("Who can read this try", default=TryVisibility.LEADERS.value,
                            choices=[SelectChoice(v.value, v.label) for v in TryVisibility])


class NewTryForm(PlanFieldsForm):
    practice = SelectField("Practice", default="")
    # The spark, carried from the link that opened the form (see presentation.spark_specs).
    video = HiddenField()
    booking = HiddenField()
    item = HiddenField()


class EditTryForm(PlanFieldsForm):
    adjust = _text("Adjust: what I will change next", 3)


class CheckInForm(FlaskForm):
    on = DateField("Date", validators=[Optional()], description="Leave empty for today.")
    what_happened = _text("What happened", 3)
    evidence = _text("Evidence", 2, "Student work, a count, a quote: what shows how it went.")
    # The try page shows this form and AdjustForm together: one HTML id each.
    adjust = _text("What I will adjust", 2, id="check-in-adjust")
    media = FileField("A photo or short clip (optional, private)",
                      description=f"JPEG, PNG, MP4 or WebM, up to "
                                  f"{MAX_EVIDENCE_BYTES // 1024 // 1024} MB. Only you can "
                                  f"open it.",
                      render_kw={"accept": ",".join(EVIDENCE_TYPES)})


class AdjustForm(FlaskForm):
    adjust = _text("What I will change next", 3, id="next-adjust")


class SetAsideForm(FlaskForm):
    set_aside_reason = _text("Why you are setting it aside", 2,
                             "e.g. “Not the right time of year; I will pick it up in spring.”")


class ActionForm(FlaskForm):
    """CSRF only: pick up again, and turning a reflection into a try."""

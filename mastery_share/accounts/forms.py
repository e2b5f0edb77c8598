from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from ..errors import Invalid
from ..forms_support import RowSelectField
from ..text_fields import PlainText
from .models import GRADE_BANDS, SUBJECTS
from .services import MIN_PASSWORD_LENGTH, normalize_email


class ValidEmail:
    """The service's own address check, run with the form's other checks so every field's
    error shows at once (the service checks again)."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        try:
            normalize_email(field.data)
        except Invalid as error:
            raise ValidationError(error.message) from error


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _grade_band_field():
    return CheckboxListField("Grade bands", choices=[SelectChoice(b) for b in GRADE_BANDS])


def _subject_field():
    return CheckboxListField("Subjects", choices=[SelectChoice(s) for s in SUBJECTS])


class NewPasswordMixin:
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()], render_kw={"autocomplete": "username"})
    password = PasswordField(
        "Password", validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField("Keep me signed in on this device")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()], render_kw={"autocomplete": "email"})


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120), PlainText()],
                       render_kw={"autocomplete": "name"})


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120), PlainText()],
                       render_kw={"autocomplete": "name"})
    grade_bands = _grade_band_field()
    subjects = _subject_field()
    # Choices (the practices) are set by the view; named apart from User.new_to_practices so
    # the form's obj= does not fill it with Practice rows.
    new_to = CheckboxListField(
        "Practices I'm new to",
        description="Their pages show you a coach's “Start here” path and getting-started "
                    "videos first. Untick one when you are ready to go further.")


class InviteForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(message="Enter their work email."),
                                            ValidEmail()])
    name = StringField("Name", validators=[DataRequired(message="Enter their name."),
                                           Length(max=120), PlainText()])
    role = SelectField("Role")
    school_id = RowSelectField("School")
    grade_bands = _grade_band_field()
    subjects = _subject_field()


class StaffCsvForm(FlaskForm):
    school_id = RowSelectField("School")
    csv_file = FileField("CSV file", validators=[Optional(), FileAllowed(["csv", "txt"], "Upload a .csv file.")])
    csv_text = TextAreaField(
        "Or paste the rows",
        description="One person a line: email, name, role, grade bands, subjects. "
        "Separate several grade bands or subjects with semicolons.",
        render_kw={"rows": 8},
    )


class StaffChangeForm(FlaskForm):
    """A member's role, school and access, on the staff member page (choices set by the view)."""
    role = SelectField("Role")
    school_id = RowSelectField("School", validate_choice=False)
    active = SelectField("Access", choices=[SelectChoice("yes", "Can sign in"),
                                            SelectChoice("no", "Deactivated: cannot sign in")])


class HandVideosForm(FlaskForm):
    to_user_id = RowSelectField("Give their videos to", validate_choice=False)


class StaffActionForm(FlaskForm):
    """CSRF only: resend and revoke buttons."""


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[DataRequired(message="Enter your current password.")],
                                     render_kw={"autocomplete": "current-password"})

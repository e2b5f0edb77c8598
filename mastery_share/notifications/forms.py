"""Forms of the notifications list and the mail settings."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from ..query_args import MAX_ID
from .kinds import MailTopic


class MarkReadForm(FlaskForm):
    """Mark one notification read (`notification_id`), or all of them (no id)."""
    notification_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])


class UnsubscribeForm(FlaskForm):
    """The confirm button of an unsubscribe link; CSRF-free (the link's signature is the
    proof), as mail clients post one-click unsubscribes without a session."""

    class Meta:
        csrf = False

    confirm = HiddenField(default="yes")


def mail_settings_form(current: dict, formdata=None):
    """A radio group per mail topic, each offering only the topic's own choices."""

    class MailSettingsForm(FlaskForm):
        pass

    for topic in MailTopic:
        setattr(MailSettingsForm, topic.value, RadioField(
            topic.label, description=topic.hint,
            choices=[SelectChoice(choice.value, choice.label) for choice in topic.choices],
            default=current[topic].value))
    return MailSettingsForm(formdata=formdata)

"""Form helpers: a service's Invalid error shown on the form the member is looking at, and
moments typed as m:ss."""
from __future__ import annotations

import math

import wtforms
from flask import flash
from flask_wtf import FlaskForm

from .errors import DomainError
from .query_args import row_id


def show_error_on_form(form: FlaskForm, error: DomainError) -> None:
    """Attach each field's message to that field; anything else is flashed above the form."""
    unplaced = []
    for name, message in (error.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), message]
        else:
            unplaced.append(message)
    if unplaced or not error.fields:
        flash(error.message, "danger")


_CLOCK_MESSAGE = "Write the time as m:ss, for example 1:30 (or as seconds, like 90)."


def parse_clock(text: str) -> float:
    """Seconds from "1:30", "1:30.5", "1:02:03" or plain seconds ("90", "90.5");
    ValueError for anything else."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or any(not part.strip() for part in parts):
        raise ValueError(text)
    *whole, last = parts
    if any(not part.strip().isdigit() for part in whole):
        raise ValueError(text)
    seconds = float(last)
    if not math.isfinite(seconds) or seconds < 0 or (whole and seconds >= 60):
        raise ValueError(text)
    if len(whole) == 2 and int(whole[1]) >= 60:
        raise ValueError(text)
    total = 0
    for part in whole:
        total = total * 60 + int(part)
    return total * 60 + seconds


def format_clock(seconds: float | None) -> str:
    """m:ss (h:mm:ss past an hour), keeping a tenth of a second when there is one."""
    if seconds is None:
        return ""
    tenths = round(float(seconds) * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{text}.{tenth}" if tenth else text


class ClockField(wtforms.StringField):
    """A moment typed as m:ss (or plain seconds); `data` is seconds as a float, or None."""

    def __init__(self, label=None, validators=None, *, maximum: float, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.maximum = maximum

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        try:
            seconds = parse_clock(text)
        except ValueError as error:
            raise ValueError(_CLOCK_MESSAGE) from error
        if seconds > self.maximum:
            raise ValueError(f"At most {format_clock(self.maximum)}.")
        self.data = seconds

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_clock(self.data) if self.data is not None else ""


class RowSelectField(wtforms.SelectField):
    """A select naming a row (a school, a member): its value is the row's id, 0 for "none".
    A posted number past any database id (a forged form) is the field's error, not a 500."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", row_id)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Choose one from the list.") from None

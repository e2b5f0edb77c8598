"""The one rule for text a member types: what may be stored, checked the same way everywhere.

A name, a title, a room or a focus is shown on one line and goes into mail subjects and
calendar summaries, where a line break cannot be written (it once stopped other people's
mail): one-line text refuses every control character, and the invisible characters that
override the text's direction (they reverse the words shown beside a name). Longer text (descriptions, notes,
comments) keeps line breaks and tabs and refuses the other control characters. Neither may
hold a lone surrogate half (not text at all; databases refuse it) or NUL (PostgreSQL refuses
it in text). `PlainText` applies the rule to WTForms and marshmallow fields alike, and
`clean_text` to a service's raw input, so a form, the API, a CSV file and the command line
all refuse the same characters with the same message.
"""
from __future__ import annotations

import re

import marshmallow
import wtforms

from .errors import Invalid

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators that some mail
# readers and calendars treat as line breaks.
_NOT_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, minus tab, line feed and carriage return, which longer text keeps.
_NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Bidirectional embeddings, overrides and isolates: in a name or a title they reverse the
# words shown after it on the same line ("kraP radeC" in a list of visitors). Right-to-left
# languages never need them; the browser lays Arabic or Hebrew out by itself.
_DIRECTION_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")

ONE_LINE_MESSAGE = "Use one line of plain text: no line breaks, tabs or control characters."
TEXT_MESSAGE = "Remove the control characters (only line breaks and tabs are allowed)."
SURROGATE_MESSAGE = "This text contains characters that are not valid Unicode."
DIRECTION_MESSAGE = ("Remove the invisible text-direction characters: they would reverse the "
                     "words shown next to this one.")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored as typed text, or None when it can."""
    if _SURROGATE.search(value):
        return SURROGATE_MESSAGE
    if multiline:
        return TEXT_MESSAGE if _NOT_IN_TEXT.search(value) else None
    if _NOT_IN_A_LINE.search(value):
        return ONE_LINE_MESSAGE
    return DIRECTION_MESSAGE if _DIRECTION_CONTROLS.search(value) else None


def has_control_characters(value: str) -> bool:
    """True when `value` holds anything the multi-line rule refuses (used to audit storage)."""
    return bool(_NOT_IN_TEXT.search(value) or _SURROGATE.search(value))


class PlainText:
    """The validator for typed text on WTForms fields and marshmallow fields alike.

    WTForms calls a validator with (form, field), marshmallow with (value): one object
    serves both, so a form and the API can never disagree about a character.
    """

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, *args):
        if len(args) == 2:
            value = args[1].data
            error_class = wtforms.validators.ValidationError
        else:
            (value,) = args
            error_class = marshmallow.ValidationError
        problem = text_problem(value, multiline=self.multiline) if isinstance(value, str) else None
        if problem:
            raise error_class(problem)


def clean_text(value, *, field: str, limit: int, multiline: bool = False,
               required: str | None = None) -> str:
    """`value` trimmed and checked by the rule and `limit`; Invalid names `field` otherwise.

    `required` is the message for an empty value; without it empty text is allowed.
    """
    text = str(value if value is not None else "").strip()
    problem = text_problem(text, multiline=multiline)
    if problem:
        raise Invalid(problem, {field: problem})
    if required and not text:
        raise Invalid(required, {field: required})
    if len(text) > limit:
        raise Invalid(f"Keep the {field.replace('_', ' ')} under {limit} characters.",
                      {field: f"At most {limit} characters."})
    return text

"""Turning a service's Invalid error into messages on the form the member is looking at."""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from .errors import DomainError


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

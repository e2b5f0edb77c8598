"""Documenting error responses the same way in every API blueprint."""
from __future__ import annotations

from flask_smorest import Blueprint

from .schemas import ErrorSchema


def error_responses(blp: Blueprint, *statuses: int):
    """Decorator: each status is documented with the JSON error body errors.py sends."""

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, schema=ErrorSchema)(view)
        return view

    return decorate

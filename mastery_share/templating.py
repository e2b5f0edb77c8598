"""Values every template can use."""
from __future__ import annotations

from flask import Flask, has_request_context
from flask_login import current_user

from .videos.models import PracticeLevel


def unread_notifications() -> int:
    """The bell's count, queried only when a page draws the bell (once per page)."""
    from .notifications.services import unread_count

    return unread_count(current_user)


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def navigation():
        # The sign-out button posts the session's CSRF token itself: building a form object
        # for it on every render cost about a fifth of a millisecond a page.
        if not has_request_context() or not current_user.is_authenticated:
            return {}  # mail templates render outside requests
        return {"unread_notifications": unread_notifications}

    @app.template_filter("moment_param")
    def moment_param(seconds: float | None) -> str | None:
        """A moment for ?t=: to the millisecond, without trailing zeros (3.5, 12, 0.25)."""
        if seconds is None:
            return None
        return f"{max(0.0, float(seconds)):.3f}".rstrip("0").rstrip(".")

    @app.template_filter("level_label")
    def level_label(value: str | None) -> str:
        """A video's or open classroom's level in words; "Any level" when it has none."""
        if not value:
            return "Any level"
        try:
            return PracticeLevel(value).label
        except ValueError:
            return value

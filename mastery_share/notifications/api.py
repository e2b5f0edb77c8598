"""API views: my notifications, marking them read, and my mail preferences."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ..api.auth import BEARER, token_required
from ..api.docs import error_responses
from .member_mail import choices_for
from .preferences import set_mail_choices
from .schemas import (
    MailPreferencesSchema,
    MarkReadSchema,
    NotificationListSchema,
    NotificationQuerySchema,
    UnreadSchema,
)
from .services import latest, mark_read, unread_count

blp = Blueprint("notifications_api", __name__,
                description="What happened that concerns you, and which mail you get")


def _preferences(user) -> dict:
    return {topic.value: choice.value for topic, choice in choices_for(user).items()}


@blp.route("/me/notifications", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationListSchema)
@error_responses(blp, 401, 422)
@token_required
def notifications(args):
    """Your notifications, newest first, with how many are unread."""
    items = latest(g.api_user, unread_only=args["unread"], limit=args["limit"],
                   before_id=args.get("before"))
    return {"items": items, "unread": unread_count(g.api_user)}


@blp.route("/me/notifications/read", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(MarkReadSchema)
@blp.response(200, UnreadSchema)
@error_responses(blp, 400, 401, 422)
@token_required
def read(data):
    """Mark some (`ids`) or all of your notifications read; ids not yours are ignored."""
    marked = mark_read(g.api_user, data.get("ids"))
    return {"marked": marked, "unread": unread_count(g.api_user)}


@blp.route("/me/mail-preferences", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, MailPreferencesSchema)
@error_responses(blp, 401)
@token_required
def preferences():
    """Your choice per mail topic: immediately, weekly_digest or never."""
    return _preferences(g.api_user)


@blp.route("/me/mail-preferences", methods=["PUT"])
@blp.doc(security=BEARER)
@blp.arguments(MailPreferencesSchema)
@blp.response(200, MailPreferencesSchema)
@error_responses(blp, 400, 401, 422)
@token_required
def change_preferences(data):
    """Set the topics given; the others keep their choice."""
    set_mail_choices(g.api_user, data)
    return _preferences(g.api_user)

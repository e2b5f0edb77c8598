"""Pages: the notifications list, opening one, marking read, mail settings and unsubscribing."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import Invalid
from ..extensions import csrf
from ..forms_support import show_error_on_form
from ..query_args import query_int
from ..safe_redirect import is_safe_next
from .forms import MarkReadForm, UnsubscribeForm, mail_settings_form
from .kinds import MailTopic
from .member_mail import choices_for, read_unsubscribe_token
from .preferences import set_mail_choices, unsubscribe
from .services import (
    PAGE_SIZE,
    by_day,
    latest,
    mark_read,
    open_notification,
    unread_count,
)

bp = Blueprint("notifications", __name__)


def _zone(user) -> ZoneInfo:
    return ZoneInfo(user.school.time_zone if user.school is not None else "UTC")


@bp.get("/notifications")
@login_required
def index():
    before = query_int("before")
    unread_only = request.args.get("show") == "unread"
    items = latest(current_user, unread_only=unread_only, limit=PAGE_SIZE + 1, before_id=before)
    more = len(items) > PAGE_SIZE
    items = items[:PAGE_SIZE]
    zone = _zone(current_user)
    today = datetime.now(zone).date()
    return render_template(
        "notifications/index.html", days=by_day(items, lambda at: at.astimezone(zone).date()),
        today=today, zone=zone, unread=unread_count(current_user), unread_only=unread_only,
        older=items[-1].id if more else None, form=MarkReadForm())


@bp.post("/notifications/read")
@login_required
def read():
    form = MarkReadForm()
    if form.validate_on_submit():
        one = form.notification_id.data
        changed = mark_read(current_user, [one] if one else None)
        if not one:
            flash(f"Marked {changed} notification{'s' if changed != 1 else ''} as read.",
                  "success")
    unread_only = request.args.get("show") == "unread"
    # Back where the keyboard was: the item just marked (focusable), or the count when the
    # item left an unread-only list; not the top of the page.
    anchor = (f"notification-{form.notification_id.data}"
              if form.notification_id.data and not unread_only else "unread-summary")
    return redirect(url_for("notifications.index", show="unread" if unread_only else None,
                            _anchor=anchor))


@bp.get("/notifications/<id:notification_id>")
@login_required
def open_one(notification_id: int):
    """Follow a notification to its place, marking it read on the way."""
    notification = open_notification(current_user, notification_id)
    if notification is None:
        flash("That notification is not yours, or it no longer exists.", "info")
        return redirect(url_for("notifications.index"))
    target = notification.url if is_safe_next(notification.url) else url_for("main.home")
    return redirect(target)


@bp.route("/settings/mail", methods=["GET", "POST"])
@login_required
def mail_settings():
    form = mail_settings_form(choices_for(current_user),
                              formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            set_mail_choices(current_user, {topic.value: getattr(form, topic.value).data
                                            for topic in MailTopic})
        except Invalid as error:
            show_error_on_form(form, error)
        else:
            flash("Your mail settings are saved.", "success")
            return redirect(url_for("notifications.mail_settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("notifications/mail_settings.html", form=form,
                           topics=list(MailTopic)), status


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe_link(token: str):
    """Works signed out. GET only asks (mail scanners open links); POST turns the topic off,
    including the one-click POST a mail client sends (RFC 8058)."""
    signed = read_unsubscribe_token(token)
    if signed is None:
        return render_template("notifications/unsubscribe.html", broken=True), 404
    user_id, topic = signed
    if request.method == "POST":
        member = unsubscribe(user_id, topic)
        if request.form.get("List-Unsubscribe") == "One-Click":
            return ("Unsubscribed.\n", 200, {"Content-Type": "text/plain; charset=utf-8"})
        return render_template("notifications/unsubscribe.html", done=True, topic=topic,
                               member=member)
    return render_template("notifications/unsubscribe.html", topic=topic,
                           form=UnsubscribeForm())

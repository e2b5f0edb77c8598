"""The comments' background job: digests of new comments and replies."""
from __future__ import annotations

from huey import crontab

from ..jobs import periodic_job
from .notifications import send_comment_digests
from .thread_mail import send_reply_digests


@periodic_job("comments.digests", crontab(minute="*"))
def send_comment_digests_task() -> None:
    """Mail video owners about new comments, and the people in a conversation about its
    replies, several arriving within minutes in one message."""
    send_comment_digests()
    send_reply_digests()

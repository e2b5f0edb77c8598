"""Outgoing mail: `.eml` files in the data dir's outbox by default, SMTP when configured.

`queue_mail` is what services call: the message is built now and sent by a background job
after the surrounding transaction commits.
"""
from __future__ import annotations

import email.policy
import re
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

from .jobs import enqueue, job

DELIVER = "mail.deliver"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"
    # Content-Type parameters, e.g. {"method": "REQUEST"}: Outlook treats a text/calendar part
    # as an invitation only when it names its method.
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    # Extra headers, e.g. List-Unsubscribe; folded onto one line like every other.
    headers: tuple[tuple[str, str], ...] = ()


# Control characters, the Unicode line separators and lone surrogate halves: a header line
# cannot carry them, and the email package refuses a CR or LF outright.
_NOT_IN_A_HEADER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+")


def header_value(text: str) -> str:
    """`text` folded onto one line, so a name stored with a line break (before names were
    checked at input) can never stop a message from being built."""
    return " ".join(_NOT_IN_A_HEADER.sub(" ", text).split())


# Long header values (a List-Unsubscribe link) stay one unbroken token up to RFC 5322's
# 998-character line limit; the default 78 would fold them into encoded words that mail
# clients do not read as a link.
_POLICY = email.policy.default.clone(max_line_length=998)


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The message as sent; every header value is set here, and only here, folded onto a line."""
    message = EmailMessage(policy=_POLICY)
    message["From"] = header_value(sender)
    message["To"] = header_value(mail.to)
    message["Subject"] = header_value(mail.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="mastery-share.local")
    for name, value in mail.headers:
        message[name] = header_value(value)
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, subtype = attachment.mime_type.split("/", 1)
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename,
            params=dict(attachment.params) or None,
        )
    return message


def send_mail(mail: Mail) -> None:
    """Deliver one message now, through SMTP if MASTERY_SMTP_URL is set, else to the outbox."""
    config = current_app.config
    message = build_message(mail, config["MAIL_FROM"])
    if config.get("SMTP_URL"):
        _send_smtp(message, config["SMTP_URL"])
    else:
        _write_outbox(message, Path(config["DATA_DIR"]) / "outbox")


def _write_outbox(message: EmailMessage, outbox: Path) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    # Sortable by time, unique across processes.
    now_ns = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now_ns // 10**9))
    name = f"{stamp}.{now_ns % 10**9:09d}-{uuid.uuid4().hex[:8]}.eml"
    temporary = outbox / f".{name}.tmp"
    temporary.write_bytes(bytes(message))
    # Rename is atomic: a reader of the outbox never sees half a message.
    temporary.rename(outbox / name)


def _send_smtp(message: EmailMessage, url: str) -> None:
    """smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (TLS from the start)."""
    parts = urlsplit(url)
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if secure else smtplib.SMTP
    kwargs = {"context": context} if secure else {}
    with smtp_class(parts.hostname, port, timeout=30, **kwargs) as smtp:
        if not secure:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


def queue_mail(mail: Mail) -> None:
    """Send `mail` from a background job once the current transaction commits."""
    from .transaction import after_commit

    after_commit(enqueue, DELIVER, mail)


@job(DELIVER, retries=5, retry_delay=30)
def deliver_mail(mail: Mail) -> None:
    send_mail(mail)

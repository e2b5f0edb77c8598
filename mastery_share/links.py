"""Absolute links for mail and feeds: one public base URL, inside a request or outside it.

The base is MASTERY_PUBLIC_URL, or what `flask serve` (`make run`) is serving on. A request's
own Host header is never used: a mail built while answering a forged Host (a password reset
asked for by an attacker) would carry the attacker's address.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


def public_base_url() -> str:
    return (current_app.config.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")


def external_url(endpoint: str, **values) -> str:
    base = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, {key: value for key, value in values.items()
                                    if value is not None}, force_external=True)


def served_url(host: str, port: int) -> str:
    """The base URL of `flask serve --host HOST --port PORT`, as a browser on this machine
    reaches it (a wildcard address is reached on loopback)."""
    if host in ("0.0.0.0", "", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def app_path(endpoint: str, **values) -> str:
    """A path inside the app ("/visits/slots/4"), buildable in a request, a worker job or the
    scheduler alike: stored in notifications, which may be read on any address."""
    adapter = current_app.url_map.bind("localhost")
    return adapter.build(endpoint, {key: value for key, value in values.items()
                                    if value is not None})

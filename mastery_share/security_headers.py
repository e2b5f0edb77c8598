"""Response headers that keep pages and media from leaking or being framed."""
from __future__ import annotations

from flask import Flask, request

from .videos.storage_access import media_origins


def content_security_policy(config) -> str:
    """Scripts and styles only from our own origin. Media and posters also from the store
    that /media/ redirects to with a presigned URL (S3), and only that store: a <video>,
    its poster and its captions <track> follow the redirect under media-src and img-src."""
    store = "".join(f" {origin}" for origin in media_origins(config))
    return (
        f"default-src 'self'; img-src 'self' data: blob:{store}; media-src 'self' blob:{store}; "
        "script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def register_security_headers(app: Flask) -> None:
    csp = content_security_policy(app.config)

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Classroom media URLs must never travel to another site in a Referer.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", csp)
        if not request.path.startswith("/static/"):
            # Pages show children's classrooms and private data: never keep them in shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

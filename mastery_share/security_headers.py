"""Response headers that keep pages and media from leaking or being framed."""
from __future__ import annotations

from flask import Flask, request

# Scripts and styles only from our own origin; media may come from a presigned storage URL
# later (issue: S3 playback), added to media-src then.
_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Classroom media URLs must never travel to another site in a Referer.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", _CSP)
        if not request.path.startswith("/static/"):
            # Pages show children's classrooms and private data: never keep them in shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

"""The /api/v1 surface: one flask-smorest Api whose schemas both validate and document."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from .schemas import ErrorSchema


class MasteryApi(Api):
    # The documented error body is the one errors.py really sends.
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """errors.py answers every error, for pages and the API alike."""


def init_api(app: Flask) -> MasteryApi:
    """The Api, its converters and security schemes; the app factory registers each domain's
    blueprint on it (this package imports no domain, so the domains may import it)."""
    api = MasteryApi(
        app,
        spec_kwargs={
            "info": {
                "description": "Mastery Share: teachers share classroom practice videos "
                "and open their classrooms for visits.",
            },
            "servers": [{"url": "/"}],
        },
    )
    from .. import DatabaseIdConverter
    from ..query_args import MAX_ID

    api.register_converter(DatabaseIdConverter, lambda converter: {
        "type": "integer", "minimum": 1, "maximum": MAX_ID})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme("basicAuth", {"type": "http", "scheme": "basic"})

    return api

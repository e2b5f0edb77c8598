"""The /api/v1 surface: one flask-smorest Api whose schemas both validate and document."""
from __future__ import annotations

import threading

from flask import Flask
from flask_smorest import Api

from .schemas import ErrorSchema


class MasteryApi(Api):
    # The documented error body is the one errors.py really sends.
    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args, **kwargs) -> None:
        self._undocumented: list[tuple] = []
        self._documenting = threading.Lock()
        super().__init__(*args, **kwargs)

    def _register_error_handlers(self):
        """errors.py answers every error, for pages and the API alike."""

    # Documenting a blueprint's views walks every schema of every operation: it was nearly half
    # of building the app (75 ms), paid by every web process, CLI command and test. The routes
    # are registered at once; the document is completed the first time anything reads it
    # (GET /api/v1/openapi.json, `flask openapi`).
    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    @property
    def spec(self):
        if self._undocumented:
            with self._documenting:
                while self._undocumented:
                    blp, name, parameters = self._undocumented[0]
                    blp.register_views_in_doc(self, self._app, self._spec, name=name,
                                              parameters=parameters)
                    self._spec.tag({"name": name, "description": blp.description})
                    self._undocumented.pop(0)
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec = value


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

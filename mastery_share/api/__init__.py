"""The /api/v1 surface: one flask-smorest Api whose schemas both validate and document."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from ..extensions import csrf
from .schemas import ErrorSchema


class MasteryApi(Api):
    # The documented error body is the one errors.py really sends.
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """errors.py answers every error, for pages and the API alike."""


def init_api(app: Flask) -> MasteryApi:
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

    from ..accounts.api import blp as accounts_blp
    from ..accounts.staff_api import blp as staff_blp
    from ..collections.api import blp as collections_blp
    from ..comments.api import blp as comments_blp
    from ..notifications.api import blp as notifications_blp
    from ..search.api import blp as search_blp
    from ..tries.api import blp as tries_blp
    from ..tries.spread_api import blp as spread_blp
    from ..videos.api import blp as videos_blp
    from ..videos.schemas import VideoCreateJsonSchema, VideoCreateMultipartSchema
    from ..visits.api import blp as visits_blp

    # Documented by hand (one endpoint, two content types), so registered by name here.
    api.spec.components.schema("VideoCreateJsonSchema", schema=VideoCreateJsonSchema)
    api.spec.components.schema("VideoCreateMultipartSchema", schema=VideoCreateMultipartSchema)

    for blueprint in (accounts_blp, videos_blp, search_blp, visits_blp, comments_blp,
                      collections_blp, tries_blp, spread_blp, notifications_blp, staff_blp):
        # Bearer tokens, not cookies, authenticate the API, so CSRF does not apply.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    return api

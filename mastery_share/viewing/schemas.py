"""API shapes of the view record."""
from __future__ import annotations

from marshmallow import Schema, fields


class ViewerSchema(Schema):
    id = fields.Int()
    name = fields.Str()


class VideoViewSchema(Schema):
    viewer = fields.Nested(ViewerSchema)
    at = fields.DateTime()
    watched_s = fields.Float()

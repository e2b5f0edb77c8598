"""Request and response schemas of the spread API (the OpenAPI document is built from them)."""
from marshmallow import Schema, fields, validate

from ..api.schemas import RefSchema
from .school_year import TERM_KEYS, YEAR_PATTERN


class SpreadArgsSchema(Schema):
    year = fields.String(validate=validate.Regexp(YEAR_PATTERN, error="Write it as 2026-27."),
                         metadata={"description": "The school year, August to July, such as "
                                                  "2026-27; the current one when left out."})


class SparkFactSchema(Schema):
    from_school_id = fields.Integer(required=True, metadata={
        "description": "The school whose video or open classroom sparked the try."})
    to_school_id = fields.Integer(required=True, metadata={
        "description": "The school the try was made in (the same one: within a school)."})
    kind = fields.String(required=True, metadata={
        "description": "video, booking (a classroom visit) or collection_item"})
    on = fields.Date(required=True, metadata={"description": "The day the try was started."})
    term = fields.String(required=True, validate=validate.OneOf(TERM_KEYS), metadata={
        "description": "fall (Aug-Dec), winter (Jan-Mar) or spring (Apr-Jul)"})


class SpreadSchema(Schema):
    year = fields.String(required=True)
    schools = fields.List(fields.Nested(RefSchema), required=True)
    sparks = fields.List(fields.Nested(SparkFactSchema), required=True, metadata={
        "description": "One entry per spark; private tries count here too, never named."})
    came_back = fields.List(fields.Integer(), required=True, metadata={
        "description": "Schools where the practice began and to which a school it reached "
                       "later sparked it back."})

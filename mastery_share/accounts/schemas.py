from marshmallow import Schema, fields

from ..api.schemas import RefSchema


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True)
    school = fields.Nested(RefSchema, allow_none=True)
    grade_bands = fields.List(fields.String())
    subjects = fields.List(fields.String())


class PracticeSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String()


class SchoolSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    time_zone = fields.String(required=True)

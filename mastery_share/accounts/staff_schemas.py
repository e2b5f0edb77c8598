"""Schemas of the staff API: members of a district or school, and changes to them."""
from marshmallow import Schema, fields, validate

from ..api.schemas import RefSchema
from ..query_args import MAX_ID
from .models import Role

ROLES = [role.value for role in Role]


class StaffQuerySchema(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=120),
                      metadata={"description": "Words of the name or email."})
    school = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean(metadata={"description": "Only active (true) or deactivated (false)."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class StaffMemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    role = fields.String()
    active = fields.Boolean()
    school = fields.Nested(RefSchema, allow_none=True)


class StaffListSchema(Schema):
    items = fields.List(fields.Nested(StaffMemberSchema))
    total = fields.Integer()
    page = fields.Integer()


class StaffChangeSchema(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    school_id = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID))
    active = fields.Boolean(metadata={"description": "false deactivates: every session and "
                                      "token ends; true lets them back in."})


class InvitationSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    expires_at = fields.DateTime()

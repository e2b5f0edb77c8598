"""Request and response schemas of the comments API (the OpenAPI document is built from them)."""
from marshmallow import Schema, fields, validate

from ..api.schemas import RefSchema
from ..query_args import MAX_ID
from ..text_fields import PlainText
from .models import CommentKind
from .services import MAX_AT_S, MAX_BODY

KINDS = [kind.value for kind in CommentKind]


class CommentSchema(Schema):
    id = fields.Integer(required=True)
    video_id = fields.Integer(required=True)
    at_s = fields.Float(required=True, metadata={"description": "Seconds into the video."})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    body = fields.String(required=True, metadata={"description": "Plain text, never markup."})
    parent_id = fields.Integer(allow_none=True, required=True,
                               metadata={"description": "The thread's first comment, or null."})
    author = fields.Nested(RefSchema, required=True)
    created_at = fields.DateTime(required=True)
    edited_at = fields.DateTime(allow_none=True)


class CommentListSchema(Schema):
    items = fields.List(fields.Nested(CommentSchema), required=True, metadata={
        "description": "Threads in the order of the video (then of writing), each first "
                       "comment followed by its replies (parent_id set)."})


class CommentCreateSchema(Schema):
    at_s = fields.Float(validate=validate.Range(min=0, max=MAX_AT_S), metadata={
        "description": "Seconds into the video (clamped to its duration). Required for a new "
                       "thread; a reply takes its thread's moment."})
    kind = fields.String(load_default=CommentKind.NOTE.value, validate=validate.OneOf(KINDS),
                         metadata={"description": "affirmation: principals, coaches and admins "
                                                  "only, never on your own video."})
    body = fields.String(required=True, validate=[validate.Length(min=1, max=MAX_BODY),
                                                  PlainText(multiline=True)])
    parent_id = fields.Integer(allow_none=True,
                               validate=validate.Range(min=1, max=MAX_ID),
                               metadata={"description": "Reply to this comment's thread."})

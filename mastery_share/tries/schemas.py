"""Request and response schemas of the tries API (the OpenAPI document is built from them).

The schemas refuse what cannot be stored (wrong types, ids past a 32-bit integer, control
characters, impossible dates) with the API's 422 error shape; the service still checks every
rule (a practice that exists, sparks the teacher may see, dates near today).
"""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..api.schemas import RefSchema
from ..query_args import MAX_ID
from ..text_fields import PlainText
from .fields import MAX_TEXT
from .models import SparkKind, TryStatus, TryVisibility
from .sparks import MAX_SPARKS

VISIBILITIES = [v.value for v in TryVisibility]
STATUSES = [s.value for s in TryStatus]
SPARK_KEYS = ("video_id", "booking_id", "collection_item_id")


def _id(description: str):
    # strict: 1.5 or "12" is not an id (marshmallow would quietly make 1.5 into 1).
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID),
                          metadata={"description": description})


def _text(description: str, **kwargs):
    return fields.String(validate=[validate.Length(max=MAX_TEXT), PlainText(multiline=True)],
                         metadata={"description": description}, **kwargs)


class SparkRefSchema(Schema):
    """Exactly one of the three ids: what the teacher watched, attended or was shown."""

    video_id = _id("A video you can watch.")
    booking_id = _id("Your booking of a visit that has taken place.")
    collection_item_id = _id("An item of a collection you can see.")

    @validates_schema
    def _exactly_one(self, data, **kwargs):
        if sum(1 for key in SPARK_KEYS if key in data) != 1:
            raise ValidationError("Name exactly one of video_id, booking_id or "
                                  "collection_item_id.")


def _sparks(description: str):
    return fields.List(fields.Nested(SparkRefSchema),
                       validate=validate.Length(max=MAX_SPARKS),
                       metadata={"description": description})


class _TryFieldsSchema(Schema):
    plan = fields.String(validate=[validate.Length(min=1, max=MAX_TEXT),
                                   PlainText(multiline=True)],
                         metadata={"description": "What you will do, in a sentence or two."})
    students = _text("Which students, which class.")
    success_looks_like = _text("What you will see if it works.")
    target_date = fields.Date(allow_none=True, metadata={
        "description": "YYYY-MM-DD, within two years of today (null: none)."})
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES), metadata={
        "description": "only_me; leaders (your coach and principal); school; district"})


class TryCreateSchema(_TryFieldsSchema):
    practice = fields.String(required=True, validate=[validate.Length(min=1, max=80),
                                                      PlainText()],
                             metadata={"description": "The practice's slug."})
    plan = fields.String(required=True, validate=[validate.Length(min=1, max=MAX_TEXT),
                                                  PlainText(multiline=True)],
                         metadata={"description": "What you will do, in a sentence or two."})
    sparks = _sparks("What sparked it: up to 10 videos, visits or collection items.")


class TryEditSchema(_TryFieldsSchema):
    learn_notes = _text("What you learned getting ready.")
    adjust = _text("What you will adjust next time.")
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "planning, trying or set_aside (with set_aside_reason); a try becomes "
                       "shared_back by sharing a video from it (POST /videos with try_id)."})
    set_aside_reason = _text("Why you set it aside; read with status set_aside.")
    sparks = _sparks("More sparks to credit; those already credited are kept.")


class CheckInCreateSchema(Schema):
    on = fields.Date(metadata={"description": "YYYY-MM-DD, today or earlier (default today)."})
    what_happened = fields.String(required=True, validate=[
        validate.Length(min=1, max=MAX_TEXT), PlainText(multiline=True)])
    evidence = _text("What you saw or collected.")
    adjust = _text("What you will adjust.")


class PracticeRefSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class VideoRefSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class VisitRefSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The visit slot."})
    starts_at = fields.DateTime(required=True)


class TryRefSchema(Schema):
    id = fields.Integer(required=True)


class SparkSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in SparkKind]))
    available = fields.Boolean(required=True, metadata={
        "description": "false when the video was removed or you may not watch it (then "
                       "video and visit are null)."})
    label = fields.String(required=True)
    video = fields.Nested(VideoRefSchema, allow_none=True, required=True)
    visit = fields.Nested(VisitRefSchema, allow_none=True, required=True)
    school = fields.Nested(RefSchema, allow_none=True, required=True)


class CheckInSchema(Schema):
    id = fields.Integer(required=True)
    on = fields.Date(required=True)
    what_happened = fields.String(required=True)
    evidence = fields.String(required=True)
    adjust = fields.String(required=True)
    has_media = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class TrySchema(Schema):
    id = fields.Integer(required=True)
    practice = fields.Nested(PracticeRefSchema, required=True)
    owner = fields.Nested(RefSchema, required=True)
    school = fields.Nested(RefSchema, required=True)
    plan = fields.String(required=True)
    students = fields.String(required=True)
    success_looks_like = fields.String(required=True)
    target_date = fields.Date(allow_none=True, required=True)
    learn_notes = fields.String(required=True)
    adjust = fields.String(required=True)
    visibility = fields.String(required=True, validate=validate.OneOf(VISIBILITIES))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    set_aside_reason = fields.String(required=True)
    sparks = fields.List(fields.Nested(SparkSchema), required=True)
    check_ins = fields.List(fields.Nested(CheckInSchema), required=True)
    share_back_video = fields.Nested(VideoRefSchema, allow_none=True, required=True, metadata={
        "description": "The video shared back from this try; null until then, or when you "
                       "may not watch it."})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    can_edit = fields.Boolean(required=True)


class TryListSchema(Schema):
    items = fields.List(fields.Nested(TrySchema), required=True)


class LineageItemSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(
        ("video", "visit", "try", "removed")), metadata={
        "description": "video; visit (an open classroom); try (a try you may read whose "
                       "video, if any, you may not watch); removed (a video that is no "
                       "longer shared)"})
    label = fields.String(required=True)
    video = fields.Nested(VideoRefSchema, allow_none=True, required=True)
    visit = fields.Nested(VisitRefSchema, allow_none=True, required=True)
    # "try" is a Python keyword: read from the dict's "try" key, written as "try".
    try_ = fields.Nested(TryRefSchema, allow_none=True, required=True, attribute="try",
                         data_key="try")
    school = fields.Nested(RefSchema, allow_none=True, required=True)
    generation = fields.Integer(required=True, metadata={
        "description": "1: sparked this video directly; 2: sparked what sparked it; ..."})


class LineageSchema(Schema):
    sparked_by = fields.List(fields.Nested(LineageItemSchema), required=True)
    sparked = fields.List(fields.Nested(LineageItemSchema), required=True)
    hidden_count = fields.Integer(required=True, metadata={
        "description": "Items you may not see: counted, never named."})

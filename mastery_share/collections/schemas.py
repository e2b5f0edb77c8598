"""Request and response schemas of the collections API (the OpenAPI document is built from them)."""
from marshmallow import Schema, fields, validate

from ..api.schemas import RefSchema
from ..query_args import MAX_ID
from ..text_fields import PlainText
from .curation import PURPOSE_MAX, TITLE_MAX, VISIBILITIES
from .items import MAX_SECONDS, NOTE_MAX, PROMPT_MAX

SCOPES = ("mine", "shared", "saved")


def _seconds(description: str):
    return fields.Float(allow_none=True, validate=validate.Range(min=0, max=MAX_SECONDS),
                        metadata={"description": description})


class CollectionCreateSchema(Schema):
    title = fields.String(required=True, validate=[validate.Length(min=1, max=TITLE_MAX),
                                                   PlainText()])
    purpose = fields.String(validate=[validate.Length(max=PURPOSE_MAX),
                                       PlainText(multiline=True)])
    meeting_date = fields.Date(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    visibility = fields.String(load_default="school", validate=validate.OneOf(VISIBILITIES),
                               metadata={"description": "private, school, district or network"})


class CollectionEditSchema(Schema):
    title = fields.String(validate=[validate.Length(min=1, max=TITLE_MAX), PlainText()])
    purpose = fields.String(validate=[validate.Length(max=PURPOSE_MAX),
                                       PlainText(multiline=True)])
    meeting_date = fields.Date(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES),
                               metadata={"description": "private, school, district or network"})


class CollectionListArgsSchema(Schema):
    scope = fields.String(load_default="mine", validate=validate.OneOf(SCOPES), metadata={
        "description": "mine: those you curate; shared: others' collections shared with you; "
                       "saved: those you saved"})


class ItemEditSchema(Schema):
    video_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    note = fields.String(validate=[validate.Length(max=NOTE_MAX), PlainText(multiline=True)])
    prompt = fields.String(validate=[validate.Length(max=PROMPT_MAX), PlainText(multiline=True)],
                           metadata={"description": "The discussion prompt shown in PLC mode."})
    start_s = _seconds("Clip start in seconds (null: from the beginning).")
    end_s = _seconds("Clip end in seconds, after start_s and within the video (null: to the end).")
    position = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), metadata={
        "description": "1-based; past the end means last. The other items keep their order."})


class ItemCreateSchema(ItemEditSchema):
    video_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))


class ItemVideoSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    duration_s = fields.Float(allow_none=True)
    status = fields.String(required=True)
    owner = fields.Nested(RefSchema, required=True)


class ItemSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    available = fields.Boolean(required=True, metadata={
        "description": "false when the video was deleted or you may not watch it; then "
                       "video_id and video are null."})
    video_id = fields.Integer(allow_none=True, required=True)
    video = fields.Nested(ItemVideoSchema, allow_none=True, required=True)
    note = fields.String(required=True)
    prompt = fields.String(required=True)
    start_s = fields.Float(allow_none=True, required=True)
    end_s = fields.Float(allow_none=True, required=True)


class _CollectionDetailsSchema(Schema):
    """What a listing and a full read share."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    purpose = fields.String(required=True)
    meeting_date = fields.Date(allow_none=True, required=True)
    visibility = fields.String(required=True)
    curator = fields.Nested(RefSchema, required=True)
    updated_at = fields.DateTime(required=True)


class CollectionSummarySchema(_CollectionDetailsSchema):
    item_count = fields.Integer(required=True)


class CollectionListSchema(Schema):
    collections = fields.List(fields.Nested(CollectionSummarySchema), required=True)


class CollectionSchema(_CollectionDetailsSchema):
    can_edit = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    items = fields.List(fields.Nested(ItemSchema), required=True)
    created_at = fields.DateTime(required=True)

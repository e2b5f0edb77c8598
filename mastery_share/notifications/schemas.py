"""Schemas of the notifications and mail-preferences API."""
from marshmallow import Schema, fields, validate

from ..query_args import MAX_ID
from .kinds import MailTopic, NotificationKind


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": [kind.value for kind in NotificationKind]})
    text = fields.String()
    url = fields.String(metadata={"description": "A path inside the app."})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    unread = fields.Integer()


class NotificationQuerySchema(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "Only unread ones."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    before = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                            metadata={"description": "Only notifications older than this id."})


class MarkReadSchema(Schema):
    ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
                      validate=validate.Length(max=500),
                      metadata={"description": "Mark these read; leave out to mark all."})


class UnreadSchema(Schema):
    unread = fields.Integer()
    marked = fields.Integer()


_TOPIC_FIELDS = {
    topic.value: fields.String(validate=validate.OneOf([choice.value for choice in topic.choices]),
                               metadata={"description": f"{topic.label}: {topic.hint}"})
    for topic in MailTopic
}
MailPreferencesSchema = Schema.from_dict(_TOPIC_FIELDS, name="MailPreferencesSchema")

from marshmallow import Schema, fields


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.String())


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class RefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)

from ninja import Schema


class WebhookAck(Schema):
    received: bool

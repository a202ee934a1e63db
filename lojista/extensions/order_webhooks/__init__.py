"""Order webhooks: signed JSON POSTs of the shop's order events to the
owner's HTTPS endpoints, delivered after commit with retries
(docs/webhooks.md)."""

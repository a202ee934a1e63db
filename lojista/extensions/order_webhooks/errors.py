"""The order webhooks' domain errors (mapped to HTTP once, in lojista/api.py)."""

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, NotFound


class EndpointNotFound(NotFound):
    code = "webhook_endpoint_not_found"
    default_message = _("No such webhook endpoint.")


class DeliveryNotFound(NotFound):
    code = "webhook_delivery_not_found"
    default_message = _("No such webhook delivery.")


class DeliveryNotRetryable(Conflict):
    code = "webhook_delivery_not_retryable"
    default_message = _("Only a failed or waiting delivery can be sent again now.")


class EndpointDisabled(Conflict):
    code = "webhook_endpoint_disabled"
    default_message = _("This endpoint is disabled: enable it first.")


class TooManyEndpoints(Conflict):
    code = "too_many_webhook_endpoints"
    default_message = _("The shop has as many webhook endpoints as it may have: delete one first.")

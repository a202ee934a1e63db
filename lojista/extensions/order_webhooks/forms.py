"""The back office's form of an endpoint (the services check the URL)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lojista.extensions.order_webhooks.models import (
    DESCRIPTION_MAX_LENGTH,
    URL_MAX_LENGTH,
    Endpoint,
    EventType,
)


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=URL_MAX_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/webhooks"}),
        help_text=_("Where the events are sent: an https:// address on a public server."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        help_text=_("What it is for, e.g. “Accounting”."),
    )

    @staticmethod
    def initial_of(endpoint: Endpoint) -> dict[str, Any]:
        return {"url": endpoint.url, "events": endpoint.events, "description": endpoint.description}

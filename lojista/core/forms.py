"""What the web pages' forms share: a service's refusal shown on the form."""

from typing import Any

from django import forms

from lojista.core.errors import DomainError


def add_domain_error(form: forms.BaseForm, error: DomainError, *, prefix: str = "") -> None:
    """Show ``error`` on ``form``: each message of ``details.fields`` beside
    its field when the form has it (a service's ``shipping_address.city`` is
    the form's ``city`` with ``prefix="shipping_address."``), the rest (and
    the message itself when no field is named) at the top."""
    fields: dict[str, Any] = error.details.get("fields") or {}
    placed = False
    for name, messages in fields.items():
        field = name.removeprefix(prefix) if prefix else name
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(field if field in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))

"""What the web pages' forms share: a service's refusal shown on the form."""

from typing import Any

from django import forms

from lojista.core.errors import DomainError


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show ``error`` on ``form``: each message of ``details.fields`` beside
    its field when the form has it, the rest (and the message itself when no
    field is named) at the top."""
    fields: dict[str, Any] = error.details.get("fields") or {}
    placed = False
    for name, messages in fields.items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(name if name in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))

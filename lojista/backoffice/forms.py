"""Forms of the back office: they parse and validate what staff type; the
services they feed decide the rest. ``add_domain_error`` puts a service's
refusal beside the fields it names, so the page keeps what was typed."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)


class PasswordResetForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)


class PasswordResetConfirmForm(forms.Form):
    new_password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Email or name"), required=False, max_length=254, strip=True)

"""Forms of the back office: they parse and validate what staff type; the
services they feed decide the rest. ``add_domain_error`` puts a service's
refusal beside the fields it names, so the page keeps what was typed."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Re-exported: the back office's views import it from here.
from lojista.core.forms import add_domain_error as add_domain_error


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Email or name"), required=False, max_length=254, strip=True)

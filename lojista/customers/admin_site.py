"""The interim Django admin's site: owners only, behind the login throttle.

INSTALLED_APPS names ``lojista.customers.admin_apps.AdminConfig`` instead of
``django.contrib.admin``, so ``admin.site`` (and every ``@admin.register``) is this site.
"""

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from lojista.core.http import client_address
from lojista.customers.auth import OWNER_ROLES, has_role
from lojista.customers.errors import InvalidCredentials, TooManyLoginAttempts
from lojista.customers.models import User
from lojista.customers.services import login_credentials_check


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's login form: the API's one credential check
    (login_credentials_check), so it is counted by the same throttle (per
    email and per client address, before the password is checked), and open
    to owners only: plain staff work in the API."""

    throttled: TooManyLoginAttempts | None = None

    def clean_username(self) -> str:
        """Emails are stored lowercased, as the API's login reads them."""
        return User.objects.normalize_email(self.cleaned_data.get("username"))

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not (email and password):
            return super().clean()
        address = client_address(self.request) if self.request is not None else ""
        try:
            self.user_cache = login_credentials_check(
                email=email, password=password, client_address=address, roles=OWNER_ROLES
            )
        except TooManyLoginAttempts as exc:
            self.throttled = exc
            raise ValidationError(exc.message, code="throttled") from exc
        except InvalidCredentials as exc:
            raise self.get_invalid_login_error() from exc
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LojistaAdminSite(AdminSite):
    login_form = ThrottledAdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, OWNER_ROLES)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        throttled = getattr(form, "throttled", None)
        if throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(throttled.retry_after)
        return response

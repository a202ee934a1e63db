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
from lojista.customers.errors import TooManyLoginAttempts
from lojista.customers.models import User
from lojista.customers.services import login_attempt_start, login_failures_clear


def is_owner(user: Any) -> bool:
    return bool(user.is_active and user.is_staff and getattr(user, "role", "") == User.Role.OWNER)


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, counted by the same throttle as the API's
    login (per email and per client address, before the password is
    checked), and open to owners only: plain staff work in the API."""

    throttled: TooManyLoginAttempts | None = None

    def clean_username(self) -> str:
        """Emails are stored lowercased, as the API's login reads them."""
        return User.objects.normalize_email(self.cleaned_data.get("username"))

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        if not (email and self.cleaned_data.get("password")):
            return super().clean()
        address = client_address(self.request) if self.request is not None else ""
        try:
            login_attempt_start(email=email, client_address=address)
        except TooManyLoginAttempts as exc:
            self.throttled = exc
            raise ValidationError(exc.message, code="throttled") from exc
        cleaned = super().clean()
        login_failures_clear(email=email)
        return cleaned

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_owner(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class LojistaAdminSite(AdminSite):
    login_form = ThrottledAdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return is_owner(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        throttled = getattr(form, "throttled", None)
        if throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(throttled.retry_after)
        return response

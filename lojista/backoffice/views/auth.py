"""Logging in and out of the back office, changing one's password, and
resetting a forgotten one by email.

Login is ``customers.web.session_login``: the API's credential check, under
the same login throttle and rate limits, for staff and owners only."""

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from lojista.core.errors import DomainError, Throttled
from lojista.customers.auth import STAFF_ROLES, has_role
from lojista.customers.errors import InvalidCredentials
from lojista.customers.models import User
from lojista.customers.password_pages import password_reset_confirm_page, password_reset_page
from lojista.customers.services import user_language_set
from lojista.customers.web import (
    session_login,
    session_password_change,
    staff_required,
)

from ..forms import (
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    add_domain_error,
)

HOME = "backoffice:home"


def _next_url(request: HttpRequest) -> str | None:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and allowed and wanted.startswith("/backoffice/") else None


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if has_role(request.user, STAFF_ROLES):
        return redirect(_next_url(request) or HOME)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            session_login(
                request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                roles=STAFF_ROLES,
            )
        except InvalidCredentials:
            form.add_error(None, _("The email or password is incorrect, or this account is not staff."))
            status = 401
        except Throttled as exc:
            form.add_error(None, str(exc.message))
            response = render(request, "backoffice/login.html", {"form": form, "next": _next_url(request)})
            response.status_code = 429
            response["Retry-After"] = str(exc.retry_after)
            return response
        else:
            return redirect(_next_url(request) or HOME)
    elif request.method == "POST":
        status = 400
    context = {"form": form, "next": _next_url(request)}
    return render(request, "backoffice/login.html", context, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("backoffice:login")


@sensitive_post_parameters("current_password", "new_password")
@require_http_methods(["GET", "POST"])
@staff_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_password_change(
                request,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your password was changed. Your other sessions were logged out."))
            return redirect(HOME)
    status = 400 if form.errors else 200
    return render(request, "backoffice/password_change.html", {"form": form}, status=status)


@require_POST
@staff_required
def language(request: HttpRequest) -> HttpResponse:
    """The staff member's own back-office language."""
    form = LanguageForm(request.POST)
    if form.is_valid() and isinstance(request.user, User):
        user_language_set(user=request.user, language=form.cleaned_data["language"])
    return redirect(_next_url(request) or HOME)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Public: ask for a link to choose a new password."""
    return password_reset_page(
        request,
        template="backoffice/password_reset.html",
        sent_template="backoffice/password_reset_sent.html",
    )


@sensitive_post_parameters("new_password")
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Public: choose a new password with the emailed link."""
    return password_reset_confirm_page(
        request,
        uidb64=uidb64,
        token=token,
        template="backoffice/password_reset_confirm.html",
        login_url="backoffice:login",
    )

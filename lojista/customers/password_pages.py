"""The two pages of a password reset by email, the same in the back office
and the storefront: each passes its own templates and login page. The steps
themselves are ``web.session_password_reset_request`` / ``_confirm``."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojista.core.errors import DomainError, Throttled
from lojista.core.forms import add_domain_error
from lojista.customers.selectors import password_reset_account
from lojista.customers.web import session_password_reset_confirm, session_password_reset_request


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PasswordResetConfirmForm(forms.Form):
    new_password = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def password_reset_page(request: HttpRequest, *, template: str, sent_template: str) -> HttpResponse:
    """Ask for a link to choose a new password. The answer is the same
    whether or not the email has an account (the reset runs as a task, so
    its time tells nothing either); a rate limit answers 429."""
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            session_password_reset_request(request, email=email)
        except Throttled as exc:
            form.add_error(None, str(exc.message))
            response = render(request, template, {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return render(request, sent_template, {"email": email})
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


def password_reset_confirm_page(
    request: HttpRequest, *, uidb64: str, token: str, template: str, login_url: str
) -> HttpResponse:
    """Choose a new password with the emailed link, then log in with it at
    ``login_url`` (every session and token of the account was logged out).
    The token in the URL reaches no other site: the Referrer-Policy is
    same-origin (no-referrer would make browsers post "Origin: null", which
    the CSRF check refuses)."""
    account = password_reset_account(uid=uidb64, token=token)
    form = PasswordResetConfirmForm(request.POST or None)
    status = 200 if account is not None and request.method == "GET" else 400
    if account is not None and request.method == "POST" and form.is_valid():
        try:
            session_password_reset_confirm(
                request, uid=uidb64, token=token, new_password=form.cleaned_data["new_password"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status if isinstance(exc, Throttled) else 400
        else:
            messages.success(request, _("Your password was changed. Log in with it."))
            return redirect(login_url)
    context = {"form": form, "valid_link": account is not None}
    return render(request, template, context, status=status)

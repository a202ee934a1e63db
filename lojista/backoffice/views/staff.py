"""Settings (owners): staff accounts — the list, invitations by email,
roles, deactivation — and the public page where an invitee chooses their
password. The rules (nobody demotes or deactivates themselves, an active
owner always remains, a deactivated person is logged out everywhere) are
``customers.services``'."""

from collections.abc import Callable

from django import forms
from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lojista.core.errors import DomainError
from lojista.customers import selectors, services
from lojista.customers.models import User
from lojista.customers.web import owner_required

from ..forms import add_domain_error

STAFF = "backoffice:settings_staff"


class InviteForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Email"), max_length=254)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=User.Role.choices,
        initial=User.Role.STAFF,
        help_text=gettext_lazy(
            "Owners also manage the settings, the email templates and the staff accounts."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=User.Role.choices)


class InvitationForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Choose a password"), strip=False, widget=forms.PasswordInput
    )


def _owner(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _render_list(request: HttpRequest, *, form: InviteForm | None = None, status: int = 200) -> HttpResponse:
    context = {
        "members": selectors.staff_members(),
        "form": form or InviteForm(),
        "roles": User.Role.choices,
    }
    return render(request, "backoffice/settings/staff.html", context, status=status)


@require_GET
@owner_required
def staff_accounts(request: HttpRequest) -> HttpResponse:
    return _render_list(request)


@require_POST
@owner_required
def staff_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            user = services.staff_invite(**form.cleaned_data, invited_by=_owner(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("%(email)s is invited: we emailed them a link.") % {"email": user.email}
            )
            return redirect(STAFF)
    return _render_list(request, form=form, status=400)


def _changed(request: HttpRequest, change: Callable[[User], str]) -> HttpResponse:
    """Make ``change`` (by the owner; it returns what to tell them) and go
    back to the list; a refusal (yourself, the last owner…) is shown there,
    with its status."""
    try:
        done = change(_owner(request))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _render_list(request, status=exc.status)
    messages.success(request, done)
    return redirect(STAFF)


@require_POST
@owner_required
def staff_role(request: HttpRequest, user_id: int) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return _render_list(request, status=400)

    def change(actor: User) -> str:
        user = services.staff_role_set(user_id=user_id, role=form.cleaned_data["role"], actor=actor)
        return _("The role of %(email)s is now %(role)s.") % {
            "email": user.email,
            "role": user.get_role_display(),
        }

    return _changed(request, change)


@require_POST
@owner_required
def staff_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    def change(actor: User) -> str:
        user = services.staff_deactivate(user_id=user_id, actor=actor)
        return _("%(email)s is deactivated and logged out everywhere.") % {"email": user.email}

    return _changed(request, change)


@require_POST
@owner_required
def staff_activate(request: HttpRequest, user_id: int) -> HttpResponse:
    def change(actor: User) -> str:
        user = services.staff_activate(user_id=user_id, actor=actor)
        return _("%(email)s is active again: we emailed them a link to choose a new password.") % {
            "email": user.email
        }

    return _changed(request, change)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Public: the invitee chooses their password and is logged in. A link
    that is wrong, used or expired says so (and who to ask)."""
    invited = selectors.invitee(uid=uidb64, token=token)
    form = InvitationForm(request.POST or None)
    status = 200 if invited is not None else 400
    if invited is not None and request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(uid=uidb64, token=token, password=form.cleaned_data["password"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            auth.logout(request)
            auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your password is set; log in with it next time."))
            return redirect("backoffice:home")
        status = 400
    elif request.method == "POST":
        status = 400
    # The token in the URL reaches no other site: SecurityMiddleware's
    # Referrer-Policy is same-origin.
    return render(request, "backoffice/invitation.html", {"form": form, "invited": invited}, status=status)

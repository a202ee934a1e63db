"""Settings (owners): the email templates. Every email kind in every
language, and for one of them the editor: save, live preview (HTMX), test
send and reset to the shipped template. The same selectors and services as
the template API (``notifications.api``)."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from lojista.core import errors
from lojista.customers.models import User
from lojista.customers.web import owner_required
from lojista.notifications import selectors, services
from lojista.notifications.errors import EmailTemplateNotFound
from lojista.notifications.kinds import EmailKind
from lojista.notifications.rendering import RenderedEmail

from ..forms import add_domain_error


class TemplateForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), strip=False)
    body_text = forms.CharField(
        label=gettext_lazy("Text body"), strip=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    body_html = forms.CharField(
        label=gettext_lazy("HTML body"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy("The content only: the shop's layout (logo, footer) is put around it."),
    )


# What a preview's error is about (the template engine names the part).
PART_LABELS = {
    "subject": TemplateForm.base_fields["subject"].label,
    "body_text": TemplateForm.base_fields["body_text"].label,
    "body_html": TemplateForm.base_fields["body_html"].label,
}


class TestSendForm(forms.Form):
    to = forms.EmailField(label=gettext_lazy("Send a test to"), max_length=254)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _owner(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _template_key(request: HttpRequest, kind: str, language: str) -> tuple[EmailKind, str]:
    try:
        return selectors.template_key(kind=kind, language=language, user=_owner(request))
    except EmailTemplateNotFound:
        raise Http404(_("There is no such email.")) from None
    except errors.PermissionDenied:
        raise PermissionDenied from None


def _render_editor(
    request: HttpRequest,
    email_kind: EmailKind,
    language: str,
    *,
    form: TemplateForm | None = None,
    test_form: TestSendForm | None = None,
    preview: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    template = selectors.email_template(kind=email_kind, language=language)
    if form is None:
        form = TemplateForm(
            initial={
                "subject": template.subject,
                "body_text": template.body_text,
                "body_html": template.body_html,
            }
        )
    if test_form is None:
        test_form = TestSendForm(initial={"to": getattr(request.user, "email", "")})
    if preview is None:
        preview = _preview(email_kind, language, draft=None)
    context = {
        "template": template,
        "kind": email_kind,
        "form": form,
        "test_form": test_form,
        "preview": preview,
        "variables": selectors.email_variables(kind=email_kind, language=language),
        "language_name": dict(settings.LANGUAGES)[language],
    }
    return render(request, "backoffice/settings/email_template.html", context, status=status)


def _preview(email_kind: EmailKind, language: str, *, draft: dict[str, str] | None) -> dict[str, Any]:
    """The email as its sample would get it, with the draft typed (or the
    template in use); a broken draft gives its errors instead of a 500."""
    try:
        email: RenderedEmail | None = selectors.email_preview(
            kind=email_kind, language=language, **(draft or {})
        )
    except errors.InvalidInput as exc:
        fields = exc.details.get("fields") or {}
        problems = [
            (PART_LABELS.get(part, ""), str(message))
            for part, messages in fields.items()
            for message in messages
        ]
        return {"email": None, "errors": problems or [("", str(exc.message))]}
    return {"email": email, "errors": []}


@require_GET
@owner_required
def email_templates(request: HttpRequest) -> HttpResponse:
    names = dict(settings.LANGUAGES)
    templates = [(row, names[row.language]) for row in selectors.email_templates(user=_owner(request))]
    return render(request, "backoffice/settings/emails.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
@owner_required
def email_template(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    """The editor; a POST saves the merchant's version."""
    email_kind, language = _template_key(request, kind, language)
    if request.method == "GET":
        return _render_editor(request, email_kind, language)
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            services.email_template_save(
                kind=email_kind.key, language=language, actor=_owner(request), **form.cleaned_data
            )
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The template was saved: the next emails use it."))
            return redirect("backoffice:settings_email", kind=email_kind.key, language=language)
    preview = _preview(email_kind, language, draft=_draft(request))
    return _render_editor(request, email_kind, language, form=form, preview=preview, status=400)


def _draft(request: HttpRequest) -> dict[str, str]:
    return {part: request.POST.get(part, "") for part in ("subject", "body_text", "body_html")}


@require_POST
@owner_required
def email_template_preview(request: HtmxHttpRequest, kind: str, language: str) -> HttpResponse:
    """The preview of the draft posted: the preview panel alone for HTMX
    (the editor's live preview, always 200 so that HTMX shows its errors),
    the whole editor with it otherwise (the Preview button without JS)."""
    email_kind, language = _template_key(request, kind, language)
    preview = _preview(email_kind, language, draft=_draft(request))
    if request.htmx:
        return render(request, "backoffice/settings/email_preview.html", {"preview": preview})
    form = TemplateForm(request.POST)
    status = 400 if preview["errors"] or not form.is_valid() else 200
    return _render_editor(request, email_kind, language, form=form, preview=preview, status=status)


@require_POST
@owner_required
def email_template_test_send(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    """Queue the template in use (saved or shipped) to an address, as a test."""
    email_kind, language = _template_key(request, kind, language)
    test_form = TestSendForm(request.POST)
    if test_form.is_valid():
        to = test_form.cleaned_data["to"]
        try:
            services.email_test_send(kind=email_kind.key, language=language, to=to)
        except errors.DomainError as exc:
            add_domain_error(test_form, exc)
        else:
            messages.success(request, _("A test email is on its way to %(to)s.") % {"to": to})
            return redirect("backoffice:settings_email", kind=email_kind.key, language=language)
    return _render_editor(request, email_kind, language, test_form=test_form, status=400)


@require_POST
@owner_required
def email_template_reset(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    email_kind, language = _template_key(request, kind, language)
    services.email_template_reset(kind=email_kind.key, language=language)
    messages.success(request, _("The template is back to the shipped one."))
    return redirect("backoffice:settings_email", kind=email_kind.key, language=language)

"""The owners' settings: the shop, the order-notification list, shipping
and payments (email templates and staff accounts have their own views).

Each page parses its form and calls one service; a refusal is shown beside
the fields it names, keeping what was typed (status 400)."""

from typing import Any

from django import forms
from django.conf import settings as django_settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lojista.checkout.models import ShippingMethod, ShippingZone
from lojista.checkout.payment_methods import offered_payment_methods
from lojista.checkout.selectors import shipping_zones
from lojista.checkout.services import shipping_method_save, shipping_method_set_active, shipping_zone_save
from lojista.core.countries import country_name
from lojista.core.errors import InvalidInput
from lojista.core.selectors import shop_settings
from lojista.customers.web import owner_required
from lojista.notifications.models import NotificationSettings
from lojista.notifications.services.templates import notification_settings_update, shop_profile_update

from ..forms import add_domain_error
from ..settings_forms import (
    NotificationListForm,
    PaymentsForm,
    ShippingMethodForm,
    ShippingZoneForm,
    ShopForm,
    TranslatedForm,
)

SHIPPING = "backoffice:settings_shipping"

# The payment methods the shop may offer, in the order the checkout lists them.
PAYMENT_METHODS = {
    "offline": gettext_lazy("Offline: bank transfer or cash on delivery, marked as paid by staff"),
    "test": gettext_lazy("Test gateway: fake cards, for trying the shop out (never in production)"),
    "stripe": gettext_lazy("Cards, through Stripe"),
}
STRIPE_KEYS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")


def _refused(form: forms.Form, exc: InvalidInput) -> None:
    """``exc`` beside the form's fields (a translation's error beside its own field)."""
    fields = exc.details.get("fields") or {}
    if isinstance(form, TranslatedForm):
        fields = {form.field_of_error(name): problems for name, problems in fields.items()}
    add_domain_error(form, InvalidInput(exc.message, details={"fields": fields}))


def _page(request: HttpRequest, template: str, context: dict[str, Any], form: forms.Form) -> HttpResponse:
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, f"backoffice/settings/{template}", {**context, "form": form}, status=status)


@require_GET
@owner_required
def settings(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/settings/index.html")


@require_http_methods(["GET", "POST"])
@owner_required
def shop(request: HttpRequest) -> HttpResponse:
    row, sender = shop_settings(), NotificationSettings.load()
    initial = {
        "name": row.name,
        "details": row.details,
        "language": row.language,
        "checkout_hold_minutes": row.checkout_hold_minutes,
        "invoice_footer": row.invoice_footer,
        "sender_name": sender.sender_name,
        "sender_email": sender.sender_email,
        "logo_url": sender.logo_url,
    }
    form = ShopForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shop_profile_update(**form.cleaned_data)
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The shop settings were saved."))
            return redirect("backoffice:settings_shop")
    defaults = {
        "shop_name": django_settings.LOJISTA_SHOP_NAME,
        "hold_minutes": django_settings.LOJISTA_CHECKOUT_HOLD_MINUTES,
    }
    return _page(request, "shop.html", {"defaults": defaults}, form)


@require_http_methods(["GET", "POST"])
@owner_required
def notifications(request: HttpRequest) -> HttpResponse:
    current = "\n".join(NotificationSettings.load().order_notification_emails)
    form = NotificationListForm(request.POST or None, initial={"order_notification_emails": current})
    if request.method == "POST" and form.is_valid():
        try:
            notification_settings_update(order_notification_emails=form.addresses())
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The order notification list was saved."))
            return redirect("backoffice:settings_notifications")
    return _page(request, "notifications.html", {}, form)


def _masked(value: str) -> str:
    """A key as the owner may see it: its kind and its last four characters
    (``sk_live_…4242``), enough to tell which key is set."""
    if not value:
        return ""
    head = value[:16]
    kind = head[: head.rfind("_") + 1]
    # A key too short to be a real one shows nothing of itself.
    tail = value[-4:] if len(value) >= 16 else ""
    return f"{kind}…{tail}"


@require_http_methods(["GET", "POST"])
@owner_required
def payments(request: HttpRequest) -> HttpResponse:
    row = NotificationSettings.load()
    initial = {
        "payment_instructions": row.payment_instructions,
        **PaymentsForm.translation_initial(row.translations),
    }
    form = PaymentsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            instructions = form.cleaned_data["payment_instructions"]
            notification_settings_update(payment_instructions=instructions, translations=form.translations())
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The payment settings were saved."))
            return redirect("backoffice:settings_payments")
    offered = offered_payment_methods()
    context = {
        "methods": [(code, label, code in offered) for code, label in PAYMENT_METHODS.items()],
        "stripe_keys": [(name, _masked(getattr(django_settings, name, ""))) for name in STRIPE_KEYS],
    }
    return _page(request, "payments.html", context, form)


@require_GET
@owner_required
def shipping(request: HttpRequest) -> HttpResponse:
    zones = [(zone, [(code, country_name(code)) for code in zone.countries]) for zone in shipping_zones()]
    return render(request, "backoffice/settings/shipping.html", {"zones": zones})


def _zone_form(request: HttpRequest, zone: ShippingZone | None) -> HttpResponse:
    initial = {"name": zone.name, "countries": " ".join(zone.countries)} if zone else {}
    form = ShippingZoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shipping_zone_save(zone=zone, name=form.cleaned_data["name"], countries=form.country_codes())
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The shipping zone was saved."))
            return redirect(SHIPPING)
    return _page(request, "zone_form.html", {"zone": zone}, form)


@require_http_methods(["GET", "POST"])
@owner_required
def shipping_zone_new(request: HttpRequest) -> HttpResponse:
    return _zone_form(request, None)


@require_http_methods(["GET", "POST"])
@owner_required
def shipping_zone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _zone_form(request, get_object_or_404(ShippingZone, pk=pk))


def _method_form(request: HttpRequest, zone: ShippingZone, method: ShippingMethod | None) -> HttpResponse:
    initial = ShippingMethodForm.initial_of(method) if method else {}
    form = ShippingMethodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shipping_method_save(method=method, zone=zone, **form.service_fields())
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The shipping method was saved."))
            return redirect(SHIPPING)
    return _page(request, "method_form.html", {"zone": zone, "method": method}, form)


@require_http_methods(["GET", "POST"])
@owner_required
def shipping_method_new(request: HttpRequest, zone_pk: int) -> HttpResponse:
    return _method_form(request, get_object_or_404(ShippingZone, pk=zone_pk), None)


@require_http_methods(["GET", "POST"])
@owner_required
def shipping_method_edit(request: HttpRequest, pk: int) -> HttpResponse:
    method = get_object_or_404(ShippingMethod.objects.select_related("zone"), pk=pk)
    return _method_form(request, method.zone, method)


@require_POST
@owner_required
def shipping_method_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop offering a method at checkout, or offer it again."""
    method = get_object_or_404(ShippingMethod, pk=pk)
    is_active = request.POST.get("active") == "1"
    shipping_method_set_active(method=method, is_active=is_active)
    name = method.text("name")
    if is_active:
        messages.success(request, _("“%(name)s” is offered at checkout again.") % {"name": name})
    else:
        messages.success(request, _("“%(name)s” is no longer offered at checkout.") % {"name": name})
    return redirect(SHIPPING)

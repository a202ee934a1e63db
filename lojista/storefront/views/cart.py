"""The cart: add a variant, the cart page (each line checked against live
stock, publication and price), change a line's quantity and remove a line.

The same server cart and the same services as the JSON API
(``carts.services``, ``carts.selectors.cart_view`` through ``cart_show``):
the page re-checks every line without changing what the customer asked for,
and a price change it showed is recorded as seen, so it is announced once.

Every change is a POST; with HTMX the cart block (and, out of band, the
header's count) is re-rendered in place, without JavaScript the browser is
redirected back. A line of another cart is a 404.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lojista.carts.errors import CartClosed, CartLineNotFound
from lojista.carts.models import Cart
from lojista.carts.schemas import MAX_ID
from lojista.carts.selectors import INSUFFICIENT_STOCK, OUT_OF_STOCK, UNAVAILABLE, CartView, item_label
from lojista.carts.services import cart_line_add, cart_line_remove, cart_line_set_quantity, cart_show
from lojista.core.errors import DomainError

from ..cart_session import cart_to_fill, current_cart, remember_cart
from .language import safe_next

CHECKOUT_PATH = "/checkout/"
CART_BLOCK = "storefront/cart/_cart.html"


class AddForm(forms.Form):
    variant_id = forms.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = forms.IntegerField(
        label=gettext_lazy("Quantity"),
        min_value=1,
        max_value=settings.LOJISTA_CART_MAX_LINE_QUANTITY,
        required=False,
    )


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(
        label=gettext_lazy("Quantity"), min_value=0, max_value=settings.LOJISTA_CART_MAX_LINE_QUANTITY
    )


def _first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("The request could not be processed.")


def _checkout_blocker(view: CartView) -> str | None:
    """Why the cart cannot go to checkout now, or None when it can."""
    if view.checkoutable:
        return None
    if not view.lines:
        return _("Your cart is empty.")
    return _("Remove the items that cannot be bought, or change their quantity, to check out.")


def _cart_context(
    view: CartView | None,
    *,
    errors: dict[int, str] | None = None,
    typed: dict[int, str] | None = None,
    status_message: str = "",
) -> dict[str, Any]:
    errors = errors or {}
    typed = typed or {}
    lines = [
        {
            "line": line,
            "label": item_label(line.product_name, line.variant_name),
            # An item that cannot be bought at all (out of stock, gone) shows
            # at quantity 0; one above the maximum per order keeps its wish in
            # the box, to be lowered.
            "editable": line.problem not in (OUT_OF_STOCK, UNAVAILABLE),
            "input_value": typed.get(
                line.id, line.requested_quantity if line.quantity == 0 else line.quantity
            ),
            "short": line.problem == INSUFFICIENT_STOCK,
            "error": errors.get(line.id, ""),
        }
        for line in (view.lines if view is not None else [])
    ]
    return {
        "view": view,
        "lines": lines,
        "blocker": _checkout_blocker(view) if view is not None else None,
        "checkout_path": CHECKOUT_PATH,
        "status_message": status_message,
        "max_quantity": settings.LOJISTA_CART_MAX_LINE_QUANTITY,
    }


@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    found = current_cart(request)
    view = cart_show(cart=found) if found is not None else None
    return render(request, "storefront/cart/cart.html", _cart_context(view))


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    back = safe_next(request, default=reverse("storefront:cart"))
    form = AddForm(request.POST)
    if not form.is_valid():
        return _add_refused(request, back, _first_error(form))
    filling = cart_to_fill(request)
    try:
        line = cart_line_add(
            cart=filling,
            variant_id=form.cleaned_data["variant_id"],
            quantity=form.cleaned_data["quantity"] or 1,
        )
    except DomainError as error:
        return _add_refused(request, back, str(error.message))
    added = _("Added %(item)s to your cart.") % {"item": item_label(line.product_name, line.variant_name)}
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "storefront/cart/_added.html", {"message": added})
    else:
        messages.success(request, added)
        response = HttpResponseRedirect(back)
    return remember_cart(response, filling)


def _add_refused(request: HttpRequest, back: str, message: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "storefront/cart/_added.html", {"error": message}, status=400)
    messages.error(request, message)
    return HttpResponseRedirect(back)


def _own_cart(request: HttpRequest) -> Cart:
    found = current_cart(request)
    if found is None:
        raise Http404()
    return found


def _changed(request: HttpRequest, found: Cart, message: str) -> HttpResponse:
    """After a change: the cart block again (HTMX), or back to the cart page."""
    if request.htmx:  # type: ignore[attr-defined]
        context = _cart_context(cart_show(cart=found), status_message=message)
        return render(request, "storefront/cart/_changed.html", context)
    messages.success(request, message)
    return HttpResponseRedirect(reverse("storefront:cart"))


def _refused(request: HttpRequest, found: Cart, line_id: int, message: str, typed: str) -> HttpResponse:
    """A quantity the cart refuses: the cart again, the error beside the
    line's quantity and the typed value kept, with status 400."""
    context = _cart_context(cart_show(cart=found), errors={line_id: message}, typed={line_id: typed})
    template = "storefront/cart/_changed.html" if request.htmx else "storefront/cart/cart.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=400)


def _closed(request: HttpRequest) -> HttpResponse:
    messages.error(request, str(CartClosed().message))
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("storefront:cart")
        return response
    return HttpResponseRedirect(reverse("storefront:cart"))


@require_POST
def cart_line(request: HttpRequest, line_id: int) -> HttpResponse:
    found = _own_cart(request)
    form = QuantityForm(request.POST)
    typed = request.POST.get("quantity", "")[:20]
    if not form.is_valid():
        if not found.lines.filter(pk=line_id).exists():
            raise Http404()
        return _refused(request, found, line_id, _first_error(form), typed)
    quantity = form.cleaned_data["quantity"]
    try:
        cart_line_set_quantity(cart=found, line_id=line_id, quantity=quantity)
    except CartLineNotFound as error:
        raise Http404() from error
    except CartClosed:
        return _closed(request)
    except DomainError as error:
        return _refused(request, found, line_id, str(error.message), typed)
    message = _("The item was removed from your cart.") if quantity == 0 else _("The quantity was updated.")
    return _changed(request, found, message)


@require_POST
def cart_line_remove_view(request: HttpRequest, line_id: int) -> HttpResponse:
    found = _own_cart(request)
    try:
        cart_line_remove(cart=found, line_id=line_id)
    except CartLineNotFound as error:
        raise Http404() from error
    except CartClosed:
        return _closed(request)
    return _changed(request, found, _("The item was removed from your cart."))

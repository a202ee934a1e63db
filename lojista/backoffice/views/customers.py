"""Customers: the registered customers with their orders, and one
customer's page with their orders and the cart they have open now."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lojista.carts.selectors import cart_view, customer_open_cart
from lojista.core.i18n import supported_language
from lojista.customers.errors import CustomerNotFound
from lojista.customers.selectors import registered_customer
from lojista.customers.web import staff_required
from lojista.orders.customer_orders import staff_customer_orders, staff_customer_page, staff_customer_row

from ..forms import CustomerSearchForm
from ..paging import page_or_first

PAGE_SIZE = 50


def _language_name(code: str) -> str:
    """The name of the language ``code`` the customer chose, in the reader's
    language; empty when they chose none."""
    return str(dict(settings.LANGUAGES).get(supported_language(code), "")) if code else ""


@require_GET
@staff_required
def customers(request: HttpRequest) -> HttpResponse:
    form = CustomerSearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = page_or_first(request, lambda cursor: staff_customer_page(q=q, cursor=cursor, limit=PAGE_SIZE))
    return render(request, "backoffice/customers/list.html", {"form": form, "q": q, "page": page})


@require_GET
@staff_required
def customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        person = registered_customer(customer_id=customer_id)
    except CustomerNotFound as exc:
        raise Http404(str(exc.message)) from exc
    orders = page_or_first(
        request, lambda cursor: staff_customer_orders(customer=person, cursor=cursor, limit=PAGE_SIZE)
    )
    cart = customer_open_cart(customer=person)
    context = {
        "customer": person,
        "language_name": _language_name(person.language),
        "row": staff_customer_row(customer=person),
        "orders": orders,
        "cart": cart_view(cart=cart) if cart else None,
    }
    return render(request, "backoffice/customers/detail.html", context)

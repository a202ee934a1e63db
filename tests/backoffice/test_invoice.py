"""The printable invoice (/backoffice/orders/<number>/invoice/): the shop's
details from its settings, the sequential invoice number of a paid order,
a pro forma for an unpaid one, staff only."""

import pytest
from django.test import Client

from lojista.core.models import ShopSettings
from lojista.orders.services import order_mark_paid
from tests.backoffice.order_factories import order_of, variant

pytestmark = pytest.mark.django_db

PRO_FORMA = "Pro forma — the invoice number is assigned when the order is paid"


def invoice_of(client: Client, order) -> str:
    response = client.get(f"/backoffice/orders/{order.number}/invoice/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def shop() -> ShopSettings:
    return ShopSettings.objects.create(
        pk=1,
        name="Loja da Ana",
        details="Rua Augusta 100, São Paulo\nCNPJ 12.345.678/0001-90",
        invoice_footer="Thank you for shopping with us!",
    )


def test_a_paid_order_has_its_numbered_invoice(staff_client, shop):
    order = order_of({variant("Camiseta Lojista", option="M / Azul"): 2, variant("Caneca", price="10.00"): 1})

    page = invoice_of(staff_client, order)

    assert order.invoice_number == 1
    assert "Invoice 1" in page
    assert PRO_FORMA not in page
    assert "Loja da Ana" in page
    assert "CNPJ 12.345.678/0001-90" in page
    assert "Thank you for shopping with us!" in page
    assert f"#{order.number}" in page
    assert "Camiseta Lojista — M / Azul" in page and "Caneca" in page
    for amount in ("€50.00", "€10.00", "€60.00", "€5.00", "€65.00"):
        assert amount in page
    assert "Ana Souza" in page and "Rua Augusta 100" in page
    assert "Print" in page
    assert 'class="topbar"' not in page  # its own page, no back-office chrome
    assert "invoice.css" in page


def test_an_unpaid_order_is_a_pro_forma_without_a_number(staff_client, staff, shop):
    order = order_of(offline=True)

    page = invoice_of(staff_client, order)

    assert PRO_FORMA in page
    assert "Invoice 1" not in page

    order_mark_paid(order=order, actor=staff)
    page = invoice_of(staff_client, order)
    assert "Invoice 1" in page and PRO_FORMA not in page


def test_invoices_are_numbered_in_payment_order(staff_client, staff):
    awaiting = order_of(offline=True)
    paid = order_of()
    order_mark_paid(order=awaiting, actor=staff)

    assert "Invoice 1" in invoice_of(staff_client, paid)
    assert "Invoice 2" in invoice_of(staff_client, awaiting)


def test_without_settings_the_shop_is_named_from_the_deployment(staff_client, settings):
    page = invoice_of(staff_client, order_of())

    assert settings.LOJISTA_SHOP_NAME in page


def test_shop_and_customer_text_is_escaped(staff_client):
    ShopSettings.objects.create(pk=1, details="<script>x()</script>", invoice_footer="<b>bold</b>")
    order = order_of({variant("<script>alert(1)</script>"): 1})

    page = invoice_of(staff_client, order)

    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_the_invoice_is_for_staff_only(customer_client):
    order = order_of()
    path = f"/backoffice/orders/{order.number}/invoice/"

    assert customer_client.get(path).status_code == 403
    assert Client().get(path)["Location"] == f"/backoffice/login/?next={path}"


def test_an_unknown_order_has_no_invoice(staff_client):
    assert staff_client.get("/backoffice/orders/999999/invoice/").status_code == 404

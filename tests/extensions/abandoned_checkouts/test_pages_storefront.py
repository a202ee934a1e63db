"""The pages a customer opens from a reminder: the recovery link (restores
the cart, on to checkout; tampered, expired, used → a page saying so and
nothing changed) and one-click unsubscribe (GET, and the POST of RFC 8058)
with its undo."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from lojista.carts.models import Cart
from lojista.core.extensions import extension_uninstall
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, Unsubscribe
from lojista.extensions.abandoned_checkouts.services import abandoned_remind, email_digest
from lojista.inventory.models import Stock
from lojista.storefront.cart_session import COOKIE
from tests.backoffice.order_factories import order_of
from tests.extensions.abandoned_checkouts.page_helpers import (
    abandon,
    install,
    mug,
    recover_path,
    unsubscribe_path,
)
from tests.storefront.checkout_helpers import open_shop

pytestmark = pytest.mark.django_db

Status = AbandonedCheckout.Status


@pytest.fixture(autouse=True)
def installed(db):
    open_shop()
    install()


@pytest.fixture
def reminded():
    row = abandon()
    abandoned_remind(abandoned=row, actor=None)
    row.refresh_from_db()
    return row


def text(response) -> str:
    return response.content.decode()


def unchanged(row: AbandonedCheckout) -> None:
    before = (row.status, row.clicked_at, row.restored_cart_id)
    row.refresh_from_db()
    assert (row.status, row.clicked_at, row.restored_cart_id) == before


# The recovery link ----------------------------------------------------------------


def test_the_link_restores_the_cart_in_a_new_browser_and_resumes_checkout(reminded):
    browser = Client()

    response = browser.get(recover_path(reminded))

    assert response.status_code == 302
    assert response["Location"].startswith("/cart/resume/")
    assert response["Cache-Control"].startswith("max-age=0")
    response = browser.get(response["Location"], follow=True)
    assert response.redirect_chain == [("/checkout/", 302)]
    page = text(response)
    assert "Welcome back: your cart is restored." in page
    assert "Caneca" in page
    assert 'value="ana@example.com"' in page and 'value="Rua Augusta 10"' in page
    reminded.refresh_from_db()
    assert reminded.status == Status.CLICKED and reminded.clicked_at is not None
    cart = Cart.objects.get(token=browser.cookies[COOKIE].value)
    assert cart == reminded.restored_cart
    assert {line.product_name: line.requested_quantity for line in cart.lines.all()} == {"Caneca": 2}


def test_items_out_of_stock_come_back_at_zero_on_the_cart_page(reminded):
    Stock.objects.update(quantity=0)

    response = Client().get(recover_path(reminded), follow=True)

    assert response.redirect_chain[-1] == ("/cart/", 302)
    page = text(response)
    assert "Welcome back: your cart is restored." in page
    assert "Caneca" in page and "out of stock" in page


def test_a_logged_in_customer_finds_the_items_in_their_cart(customer):
    row = abandon(customer=customer, email=customer.email)
    abandoned_remind(abandoned=row, actor=None)
    browser = Client()
    browser.force_login(customer)

    response = browser.get(recover_path(row), follow=True)

    assert response.redirect_chain[-1] == ("/checkout/", 302)
    cart = Cart.objects.get(customer=customer, status=Cart.Status.OPEN)
    assert {line.product_name: line.requested_quantity for line in cart.lines.all()} == {"Caneca": 2}
    # Twice: the same cart, not twice the items.
    browser.get(recover_path(row), follow=True)
    assert {line.product_name: line.requested_quantity for line in cart.lines.all()} == {"Caneca": 2}


def test_a_tampered_link_shows_a_friendly_page_and_changes_nothing(reminded):
    path = recover_path(reminded)
    tampered = path[:-3] + ("x" if path[-3] != "x" else "y") + path[-2:]
    browser = Client()

    for bad in (tampered, "/cart/recover/1/", "/cart/recover/" + "a" * 500 + "/"):
        response = browser.get(bad)
        assert response.status_code == 400, bad
        page = text(response)
        assert "This link doesn&#x27;t work" in page or "This link doesn't work" in page
        assert 'href="/"' in page
        assert COOKIE not in response.cookies
    unchanged(reminded)
    assert Cart.objects.count() == 1  # the abandoned checkout's own


def test_an_expired_link_says_the_cart_may_still_be_here(reminded):
    with time_machine.travel(reminded.link_expires_at + timedelta(minutes=1)):
        response = Client().get(recover_path(reminded))

    assert response.status_code == 410
    page = text(response)
    assert "This link has expired" in page and "Your cart may still be here" in page
    assert 'href="/cart/"' in page
    unchanged(reminded)


def test_a_link_of_a_checkout_ordered_since_says_so(reminded):
    AbandonedCheckout.objects.filter(pk=reminded.pk).update(
        status=Status.RECOVERED, order=order_of(), recovered_at=timezone.now()
    )
    reminded.refresh_from_db()

    response = Client().get(recover_path(reminded))

    assert response.status_code == 409
    assert "You already completed this order" in text(response)
    unchanged(reminded)


def test_a_link_never_sent_has_not_started_its_life(db):
    row = abandon()  # no reminder yet: no link was ever sent

    response = Client().get(recover_path(row))

    assert response.status_code == 410
    unchanged(row)


def test_uninstalled_the_pages_are_not_found(reminded):
    extension_uninstall(slug=SLUG)

    assert Client().get(recover_path(reminded)).status_code == 404
    assert Client().get(unsubscribe_path("ana@example.com")).status_code == 404
    unchanged(reminded)


# Unsubscribe ------------------------------------------------------------------------


def test_one_click_unsubscribes_and_says_to_which_address(reminded):
    other = abandon((mug(name="Prato"), 1), email="otto@example.com")

    response = Client().get(unsubscribe_path("Ana@Example.com"))

    assert response.status_code == 200
    page = text(response)
    assert "You won&#x27;t get more reminders about your cart at ana@example.com." in page or (
        "You won't get more reminders about your cart at ana@example.com." in page
    )
    assert response["Cache-Control"].startswith("max-age=0")
    assert Unsubscribe.objects.filter(email_digest=email_digest("ana@example.com")).exists()
    reminded.refresh_from_db()
    other.refresh_from_db()
    assert reminded.status == Status.UNSUBSCRIBED
    assert other.status == Status.ABANDONED
    # Again: the same page, nothing more.
    assert Client().get(unsubscribe_path("ana@example.com")).status_code == 200
    assert Unsubscribe.objects.count() == 1


def test_a_mail_client_s_one_click_post_needs_no_csrf_token(reminded):
    client = Client(enforce_csrf_checks=True)

    response = client.post(unsubscribe_path("ana@example.com"), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Unsubscribe.objects.count() == 1


def test_undo_sends_reminders_again_and_needs_the_page_s_csrf_token(reminded):
    client = Client(enforce_csrf_checks=True)
    page = client.get(unsubscribe_path("ana@example.com"))
    undo = unsubscribe_path("ana@example.com") + "undo/"
    assert f'action="{undo}"' in text(page)

    assert client.post(undo).status_code == 403
    assert Unsubscribe.objects.count() == 1
    token = page.cookies["csrftoken"].value
    response = client.post(undo, {"csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert "Reminders are back on" in text(response) and "ana@example.com" in text(response)
    assert not Unsubscribe.objects.exists()
    assert client.get(undo).status_code == 405


def test_a_tampered_unsubscribe_link_changes_nothing(reminded):
    path = unsubscribe_path("ana@example.com")
    tampered = path.replace("ana", "bob", 1) if "ana" in path else path[:-3] + "zz/"

    for bad in (tampered, "/emails/unsubscribe/nonsense/"):
        response = Client().get(bad)
        assert response.status_code == 400
        assert "nothing was changed" in text(response)
        assert Client().post(bad + "undo/").status_code in (400, 403)
    assert not Unsubscribe.objects.exists()
    unchanged(reminded)

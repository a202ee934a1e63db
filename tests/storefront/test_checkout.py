"""The checkout pages: delivery, payment, confirmation (issue 12 §3, §6)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from lojista.carts.models import Cart
from lojista.carts.services import cart_line_add
from lojista.checkout.models import Checkout
from lojista.inventory.models import Stock
from lojista.notifications.models import NotificationSettings
from lojista.orders.models import Order
from lojista.payments.models import Payment
from lojista.storefront.cart_session import COOKIE
from tests.catalog.factories import make_product, make_variant
from tests.storefront.checkout_helpers import ADDRESS, guest_with_cart, open_shop, pay, start

# Paying calls a provider, which must happen outside any transaction.
pytestmark = pytest.mark.django_db(transaction=True)

# Query budgets of the pages (with the shop's settings cached), the same for
# one line or many: 9, 6 and 3 today (the header's cart count included).
CHECKOUT_QUERIES = 11
PAY_QUERIES = 8
CONFIRMATION_QUERIES = 5


@pytest.fixture(autouse=True)
def shop(db):
    return open_shop()


def test_without_a_cart_checkout_goes_back_to_the_cart_with_the_reason():
    response = Client().get("/checkout/", follow=True)

    assert response.redirect_chain == [("/cart/", 302)]
    assert "Your cart is empty." in response.content.decode()


def test_a_cart_with_a_line_out_of_stock_cannot_check_out():
    variant = make_variant(make_product("Caneca"), price="12.50", stock=2)
    client, _cart = guest_with_cart((variant, 2))
    Stock.objects.filter(variant=variant).update(quantity=0)

    response = client.get("/checkout/")

    assert response.status_code == 302
    assert response["Location"] == "/cart/"


def test_the_form_shows_the_methods_for_the_country_with_their_price_and_pickup_always():
    client, _cart = guest_with_cart()

    page = client.get("/checkout/").content.decode()
    assert "Lisbon shop" in page
    assert "Standard" not in page  # no country yet

    page = client.post("/checkout/", {**ADDRESS, "update": "1"}).content.decode()
    assert "Standard" in page and "4.90" in page and "Express" in page and "Lisbon shop" in page
    assert "Spain standard" not in page


def test_the_htmx_partial_lists_the_methods_of_a_country():
    client, _cart = guest_with_cart()

    page = client.get("/checkout/shipping-methods/", {"country": "ES"}).content.decode()

    assert "Spain standard" in page and "12.00" in page and "Express" not in page
    assert page.lstrip().startswith("<fieldset")


def test_a_customers_email_is_prefilled(customer):
    client = Client()
    client.force_login(customer)
    cart = Cart.objects.create(customer=customer)
    cart_line_add(cart=cart, variant_id=make_variant(make_product("Caneca"), stock=5).pk, quantity=1)

    page = client.get("/checkout/").content.decode()

    assert 'value="ana@example.com"' in page


def test_bad_input_shows_errors_beside_the_fields_and_keeps_what_was_typed():
    client, _cart = guest_with_cart()

    response = start(client, email="not-an-email", city="", line1="Rua <b>Nova</b> 1")

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["email"] and form.errors["city"]
    page = response.content.decode()
    assert 'value="Rua &lt;b&gt;Nova&lt;/b&gt; 1"' in page
    assert Checkout.objects.count() == 0


def test_a_method_that_does_not_serve_the_country_is_an_error_beside_the_methods():
    client, _cart = guest_with_cart()

    response = start(client, country="ES", shipping_method="pt-express")

    assert response.status_code == 400
    assert "not available for ES" in response.content.decode()


def test_pickup_needs_only_a_name_and_a_phone():
    client, _cart = guest_with_cart()

    response = client.post(
        "/checkout/",
        {"email": "ana@example.com", "name": "Ana", "phone": "+351 9", "shipping_method": "pickup"},
    )

    assert response.status_code == 302
    checkout = Checkout.objects.get()
    assert checkout.shipping_address == {"name": "Ana", "phone": "+351 9"}


def test_the_payment_page_shows_the_servers_totals_and_the_landing_source():
    client, _cart = guest_with_cart()
    client.get("/?utm_source=instagram&utm_medium=social")

    response = start(client)

    checkout = Checkout.objects.get()
    assert response["Location"] == f"/checkout/{checkout.pk}/pay/"
    assert (checkout.utm_source, checkout.utm_medium) == ("instagram", "social")
    page = client.get(response["Location"]).content.decode()
    assert "25.00" in page and "4.90" in page and "29.90" in page
    assert 'name="idempotency_key"' in page and "data-once" in page
    assert "js.stripe.com" not in page


def test_a_full_guest_purchase_with_the_test_card_ends_on_the_confirmation():
    client, cart = guest_with_cart()

    response = pay(client, start(client)["Location"])

    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.number}/confirmation/"
    assert response.cookies[COOKIE].value == ""  # the cart cookie is forgotten
    cart.refresh_from_db()
    assert cart.status == Cart.Status.CONVERTED
    page = client.get(response["Location"]).content.decode()
    assert str(order.number) in page and "Caneca" in page and "29.90" in page and "ana@example.com" in page
    assert len(mail.outbox) >= 1


def test_going_back_to_delivery_keeps_what_was_typed():
    client, _cart = guest_with_cart()
    start(client, city="Porto")

    page = client.get("/checkout/").content.decode()

    assert 'value="Porto"' in page and 'value="pt-standard" checked' in page


def test_the_same_idempotency_key_twice_makes_one_order_and_one_charge():
    client, _cart = guest_with_cart()
    location = start(client)["Location"]
    key = client.get(location).context["form"].initial["idempotency_key"]
    data = {"payment_method": "test", "payment_token": "tok_visa", "idempotency_key": key}

    first = client.post(location, data)
    second = client.post(location, data)

    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_declined_card_shows_the_message_and_keeps_everything_with_a_new_key():
    client, _cart = guest_with_cart()
    location = start(client)["Location"]

    response = pay(client, location, payment_token="tok_chargeDeclined")

    assert response.status_code == 402
    page = response.content.decode()
    assert "declined" in page
    assert 'value="tok_chargeDeclined"' in page
    assert Order.objects.count() == 0
    # Another try (a new key) with a good card pays.
    assert pay(client, location)["Location"].startswith("/orders/")


def test_offline_payment_shows_the_shops_instructions_on_both_pages():
    row = NotificationSettings.load()
    row.payment_instructions = "Transfer to IBAN PT50 1234."
    row.save()
    client, _cart = guest_with_cart()
    location = start(client)["Location"]
    assert "Transfer to IBAN PT50 1234." in client.get(location).content.decode()

    response = pay(client, location, payment_method="offline", payment_token="")

    page = client.get(response["Location"]).content.decode()
    assert "How to pay" in page and "Transfer to IBAN PT50 1234." in page


def test_no_payment_method_chosen_is_an_error_beside_it():
    client, _cart = guest_with_cart()
    location = start(client)["Location"]

    response = pay(client, location, payment_method="")

    assert response.status_code == 400
    assert response.context["form"].errors["payment_method"]


def test_too_many_attempts_say_so_and_keep_the_form(settings):
    settings.LOJISTA_RATE_LIMITS_ENABLED = True
    settings.LOJISTA_RATE_LIMITS = {**settings.LOJISTA_RATE_LIMITS, "checkout_complete_checkout": "1/h"}
    client, _cart = guest_with_cart()
    location = start(client)["Location"]
    pay(client, location, payment_token="tok_chargeDeclined")

    response = pay(client, location)

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Order.objects.count() == 0


def test_an_outdated_checkout_goes_back_to_delivery_with_the_reason():
    client, _cart = guest_with_cart()
    location = start(client)["Location"]
    Checkout.objects.update(status=Checkout.Status.OUTDATED)

    response = client.get(location, follow=True)

    assert response.redirect_chain[-1] == ("/checkout/", 302)
    assert "Start the checkout again" in response.content.decode()


def test_someone_elses_checkout_and_confirmation_are_not_found():
    client, _cart = guest_with_cart()
    location = start(client)["Location"]
    stranger = Client()
    assert stranger.get(location).status_code == 404

    confirmation = pay(client, location)["Location"]

    assert stranger.get(confirmation).status_code == 404
    assert stranger.get(location).status_code == 404
    number = int(re.findall(r"\d+", confirmation)[0])
    assert stranger.get(f"/orders/{number + 1}/confirmation/").status_code == 404


def test_a_customer_sees_their_confirmation_from_another_browser(customer):
    client = Client()
    client.force_login(customer)
    cart = Cart.objects.create(customer=customer)
    cart_line_add(cart=cart, variant_id=make_variant(make_product("Caneca"), stock=5).pk, quantity=1)
    confirmation = pay(client, start(client)["Location"])["Location"]
    order = Order.objects.get()
    assert order.customer == customer

    elsewhere = Client()
    elsewhere.force_login(customer)

    assert elsewhere.get(confirmation).status_code == 200


def test_a_paid_checkout_opened_again_goes_to_its_confirmation():
    client, _cart = guest_with_cart()
    location = start(client)["Location"]
    confirmation = pay(client, location)["Location"]

    assert client.get(location)["Location"] == confirmation


def test_stripe_js_is_loaded_only_on_the_payment_page_when_stripe_is_configured(fake_stripe, settings):
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    client, _cart = guest_with_cart()
    assert "js.stripe.com" not in client.get("/checkout/").content.decode()
    location = start(client)["Location"]

    response = client.get(location)
    page = response.content.decode()

    assert '<script src="https://js.stripe.com/v3/"' in page
    assert 'data-stripe-key="pk_test_fake"' in page and 'id="card-element"' in page
    # The security policy lets this page, and only this one, load and frame Stripe.
    assert "https://js.stripe.com" in response["Content-Security-Policy"]
    assert "stripe" not in client.get("/checkout/")["Content-Security-Policy"]


def test_a_card_paid_with_stripe_places_the_order(fake_stripe, settings):
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    client, _cart = guest_with_cart()

    response = pay(client, start(client)["Location"], payment_method="stripe", payment_token="pm_card_visa")

    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.number}/confirmation/"
    assert order.payment_method == "stripe"


def test_3d_secure_shows_a_page_saying_the_bank_wants_a_confirmation(fake_stripe, settings):
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    client, _cart = guest_with_cart()

    response = pay(
        client,
        start(client)["Location"],
        payment_method="stripe",
        payment_token="pm_card_authenticationRequired",
    )

    assert response.status_code == 202
    page = response.content.decode()
    assert "Confirm your payment" in page and "data-client-secret=" in page
    assert Order.objects.count() == 0


def test_the_pages_cost_a_bounded_number_of_queries(django_assert_max_num_queries, shop_settings_cached):
    items = [(make_variant(make_product(f"Item {n}"), stock=5), 2) for n in range(4)]
    client, _cart = guest_with_cart(*items)
    with django_assert_max_num_queries(CHECKOUT_QUERIES):
        client.get("/checkout/")
    location = start(client)["Location"]
    with django_assert_max_num_queries(PAY_QUERIES):
        client.get(location)
    confirmation = pay(client, location)["Location"]
    with django_assert_max_num_queries(CONFIRMATION_QUERIES):
        client.get(confirmation)


def test_a_payment_in_progress_says_so_and_keeps_the_same_attempt():
    client, _cart = guest_with_cart()
    location = start(client)["Location"]
    Checkout.objects.update(
        payment_attempt_key="another-tab", payment_attempt_until=timezone.now() + timedelta(minutes=1)
    )

    response = pay(client, location)

    assert response.status_code == 409
    assert "already being processed" in response.content.decode()
    assert Order.objects.count() == 0


def test_an_expired_hold_whose_stock_sold_out_goes_back_to_the_cart_with_the_reason():
    variant = make_variant(make_product("Caneca"), price="12.50", stock=2)
    client, _cart = guest_with_cart((variant, 2))
    location = start(client)["Location"]
    Checkout.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    Stock.objects.filter(variant=variant).update(quantity=0)

    response = pay(client, location)

    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert "This checkout expired" in client.get("/cart/").content.decode()
    assert Order.objects.count() == 0


def test_without_a_publishable_key_the_card_is_not_offered_on_the_page(fake_stripe, settings):
    settings.STRIPE_PUBLISHABLE_KEY = ""
    client, _cart = guest_with_cart()

    page = client.get(start(client)["Location"]).content.decode()

    assert 'value="stripe"' not in page and "js.stripe.com" not in page
    assert 'value="test"' in page and 'value="offline"' in page


def test_the_journey_in_portuguese_draws_every_page():
    client, _cart = guest_with_cart()
    client.post("/language/", {"language": "pt-br", "next": "/"})

    assert client.get("/checkout/").status_code == 200
    location = start(client)["Location"]
    assert client.get(location).status_code == 200
    confirmation = client.get(pay(client, location)["Location"])

    assert confirmation.status_code == 200
    assert '<html lang="pt-br">' in confirmation.content.decode()
    assert Order.objects.get().language == "pt-br"

"""The home page as a first-time visitor sees it is kept whole
(lojista/storefront/page_cache.py, decision 212): it still shows a product
change, a sale and the shop's new name at once, speaks each visitor's
language, gives each visitor a CSRF token of their own, and never shows one
visitor's account, cart or messages to another."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojista.carts.services import cart_create, cart_line_add
from lojista.catalog.models import Product
from lojista.catalog.services import product_update
from lojista.core.services import shop_settings_update
from lojista.inventory.services import stock_commit
from lojista.storefront import page_cache
from lojista.storefront.cart_session import COOKIE
from tests.catalog.factories import make_product, make_variant
from tests.redis_helpers import CACHE_DOWN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop_settings_cached")]

COUNT = re.compile(r'<span class="cart-count"[^>]*>(\d+)</span>')
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


@pytest.fixture
def mug(db):
    product = make_product("Stoneware Mug", slug="mug")
    return make_variant(product, price="12.00", stock=10, sku="MUG")


def visit(client: Client | None = None, **headers: str):
    return (client or Client()).get("/", headers=headers)


def statements(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def page_tokens(response) -> set[str]:
    return {form or header for form, header in TOKENS.findall(response.content.decode())}


def cart_count(response) -> int:
    return int(COUNT.search(response.content.decode()).group(1))


def test_a_first_time_visitor_gets_the_kept_page_with_nothing_read_from_the_database(mug):
    first = visit()
    with CaptureQueriesContext(connection) as captured:
        second = visit()

    assert captured.captured_queries == []
    assert second.templates == []  # not even rendered: a copy
    assert second.status_code == 200
    assert "Stoneware Mug" in second.content.decode()
    # The same page but for the CSRF token.
    assert TOKENS.sub("", second.content.decode()) == TOKENS.sub("", first.content.decode())


def test_each_visitor_gets_a_csrf_token_of_their_own_that_works(mug):
    visit()  # the page is kept
    ana, bia = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    ana_page, bia_page = visit(ana), visit(bia)

    [ana_token] = page_tokens(ana_page)
    [bia_token] = page_tokens(bia_page)
    assert ana_token != bia_token
    assert ana.cookies["csrftoken"].value != bia.cookies["csrftoken"].value
    assert page_cache._csrf_placeholder() not in ana_page.content.decode()
    # The language form works with the visitor's own token, not another's.
    assert ana.post("/language/", {"language": "pt-br", "csrfmiddlewaretoken": bia_token}).status_code == 403
    changed = ana.post("/language/", {"language": "pt-br", "next": "/", "csrfmiddlewaretoken": ana_token})
    assert changed.status_code == 302
    assert "Nossos produtos" in visit(ana).content.decode()


def test_the_kept_page_has_the_headers_of_a_rendered_one(mug, settings):
    settings.LOJISTA_CATALOG_CACHE_SECONDS = 0
    rendered = visit()
    settings.LOJISTA_CATALOG_CACHE_SECONDS = 5
    visit()

    kept = visit()

    assert sorted(kept.headers) == sorted(rendered.headers)
    for header in ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy"):
        assert kept[header] == rendered[header]
    assert "Cookie" in kept["Vary"] and "Accept-Language" in kept["Vary"]
    # A cookie is made for each visitor, never kept: only the CSRF cookie, new.
    assert sorted(kept.cookies) == ["csrftoken"]
    assert kept.cookies["csrftoken"].value != rendered.cookies["csrftoken"].value


def test_each_language_is_a_page_of_its_own(mug):
    portuguese = visit(accept_language="pt-br")
    english = visit(accept_language="en")

    assert "Nossos produtos" in visit(accept_language="pt-br").content.decode()
    assert "Our products" in visit(accept_language="en").content.decode()
    assert '<html lang="pt-br">' in portuguese.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert portuguese["Content-Language"] == "pt-br"


def test_a_product_change_and_a_sale_show_at_once(mug):
    assert "In stock" in visit().content.decode()

    product_update(
        product=mug.product, name="Big Mug", slug="mug", description="", images=[], is_published=True
    )
    assert "Big Mug" in visit().content.decode()

    stock_commit(key="checkout:1", items={mug.pk: 10})
    assert "Out of stock" in visit().content.decode()


def test_the_shops_new_name_shows_at_once(mug):
    visit()

    shop_settings_update(
        name="Casa Nova", details="", language="", checkout_hold_minutes=None, invoice_footer=""
    )

    assert "<title>Casa Nova</title>" in visit().content.decode()


def test_a_visitor_with_a_cart_sees_their_count_and_nobody_else_does(mug):
    cart = cart_create()
    cart_line_add(cart=cart, variant_id=mug.pk, quantity=3)
    holder = Client()
    holder.cookies[COOKIE] = cart.token

    assert cart_count(visit()) == 0  # kept before the holder comes
    assert cart_count(visit(holder)) == 3
    assert cart_count(visit()) == 0
    assert cart_count(visit(holder)) == 3


def test_a_logged_in_customer_sees_their_account_and_nobody_else_does(mug, customer):
    ana = Client()
    ana.force_login(customer)

    assert "My account" in visit(ana).content.decode()
    stranger = visit().content.decode()
    assert "My account" not in stranger and "Log in" in stranger
    assert "My account" in visit(ana).content.decode()


def test_a_waiting_message_is_shown_to_its_visitor_only(mug, customer):
    visit()
    ana = Client()
    ana.force_login(customer)

    ana.post("/account/logout/")  # "You are logged out.", then the home page

    assert "You are logged out." in visit(ana).content.decode()
    assert "You are logged out." not in visit().content.decode()
    assert "You are logged out." not in visit(ana).content.decode()  # shown once


def test_a_query_string_is_rendered_for_its_request(mug):
    visit()

    page = Client().get("/", {"q": "kept?"}).content.decode()

    assert 'value="kept?"' in page
    assert 'name="next" value="/?q=kept%3F"' in page
    assert 'value="kept?"' not in visit().content.decode()


def test_a_copy_kept_in_the_process_lasts_the_listings_timeout_at_most(mug, monkeypatch, settings):
    settings.LOJISTA_CATALOG_CACHE_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(page_cache, "monotonic", lambda: clock[0])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        visit()
        # A change nothing announces (like a hold running out).
        Product.objects.filter(pk=mug.product.pk).update(name="Quiet Mug")
        assert "Stoneware Mug" in visit().content.decode()

        traveller.shift(timedelta(seconds=6))  # the shared copy's timeout
        clock[0] += 6  # and this process's

        assert "Quiet Mug" in visit().content.decode()


@override_settings(CACHES=CACHE_DOWN, SESSION_ENGINE="django.contrib.sessions.backends.db")
def test_a_cache_that_does_not_answer_still_shows_the_home_page(mug):
    for _ in range(2):
        response = visit()
        assert response.status_code == 200
        assert "Stoneware Mug" in response.content.decode()
        assert page_tokens(response) and page_cache._csrf_placeholder() not in response.content.decode()

"""The storefront stays light: a page and the stylesheets and scripts it
links weigh under 100 KB gzip-compressed (issue 12 §5; figures in
bench/RESULTS.md, measured by bench/page_weight.py)."""

import pytest
from django.test import Client

from bench.page_weight import TARGET, weigh
from lojista.carts.services import cart_create, cart_line_add
from lojista.storefront.cart_session import COOKIE
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/cart/", "/account/login/", "/offline/"])
def test_a_page_with_its_css_and_js_is_under_100_kb(path):
    cart = cart_create()
    for name in ("Caneca", "Camiseta"):
        cart_line_add(cart=cart, variant_id=make_variant(make_product(name=name), stock=5).id, quantity=1)
    client = Client()
    client.cookies[COOKIE] = cart.token

    sizes = weigh(client, path)

    assert path in sizes
    assert any(url.endswith(".css") for url in sizes)
    assert sum(compressed for _raw, compressed in sizes.values()) < TARGET

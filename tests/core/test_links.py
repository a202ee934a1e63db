"""Links to shop pages that other code points at: one place each."""

from lojista.core.links import backoffice_order_url


def test_the_back_office_order_link_is_the_orders_page_in_the_back_office(settings):
    settings.LOJISTA_SITE_URL = "https://shop.example/"

    assert backoffice_order_url(1001) == "https://shop.example/backoffice/orders/1001/"

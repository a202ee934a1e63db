"""The variables each email kind offers its templates, as the back office's
editor lists them beside the template."""

import pytest

from lojista.notifications import kinds
from lojista.notifications.selectors import email_variables

pytestmark = pytest.mark.django_db


def test_an_order_email_offers_the_shop_the_order_and_each_line():
    names = email_variables(kind=kinds.get("order_confirmation"), language="en")

    assert {"shop.name", "order.number", "order.total", "order.lines", "payment_instructions"} <= set(names)
    assert "order.lines[].product_name" in names
    assert "order.shipping_address.city" in names


def test_the_invitation_offers_its_link():
    names = email_variables(kind=kinds.get("staff_invitation"), language="pt-br")

    assert names == [
        "shop.name",
        "shop.logo_url",
        "shop.email",
        "shop.url",
        "shop.time_zone",
        "user.name",
        "user.email",
        "user.role",
        "user.role_label",
        "invited_by",
        "accept_url",
        "login_url",
        "valid_days",
    ]

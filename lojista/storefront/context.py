"""What every storefront page shows around its content: the shop's name,
the cart's item count, the languages and who is logged in."""

from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from lojista.core.selectors import shop_name

from .cart_session import current_cart
from .middleware import NOT_THE_STOREFRONT


def storefront(request: HttpRequest) -> dict[str, Any]:
    if request.path.startswith(NOT_THE_STOREFRONT):
        return {}
    cart = current_cart(request)
    count = cart.lines.aggregate(units=Sum("requested_quantity"))["units"] if cart is not None else 0
    return {
        "storefront": {
            "shop_name": shop_name(),
            "cart_units": count or 0,
            "languages": settings.LANGUAGES,
        }
    }

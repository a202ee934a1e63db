"""Links to pages of the shop that code outside them must point at.

The one place to change when a page moves: the back-office issue switches
``backoffice_order_url`` to ``/backoffice/orders/<number>/``.
"""

from django.conf import settings
from django.urls import reverse


def backoffice_order_url(number: int) -> str:
    """Where staff see order ``number``: for now the interim Django admin's
    order list, searched by number."""
    path = reverse("admin:orders_order_changelist") + f"?q={number}"
    return settings.LOJISTA_SITE_URL.rstrip("/") + path

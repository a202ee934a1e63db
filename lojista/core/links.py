"""Links to pages of the shop that code outside them must point at: the one
place to change when a page moves."""

from django.conf import settings


def backoffice_order_url(number: int) -> str:
    """Where staff see order ``number``: its page in the back office."""
    return settings.LOJISTA_SITE_URL.rstrip("/") + f"/backoffice/orders/{number}/"


def password_reset_url(uid: str, token: str) -> str:
    """The page where a customer chooses a new password with the ``uid`` and
    ``token`` of a reset email (the storefront's, issues 11/12; until then an
    app reads the two values from the link and calls the API's confirm)."""
    return settings.LOJISTA_SITE_URL.rstrip("/") + f"/account/password-reset/{uid}/{token}/"

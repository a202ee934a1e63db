"""Links to pages of the shop that code outside them must point at: the one
place to change when a page moves."""

from django.conf import settings


def backoffice_order_url(number: int) -> str:
    """Where staff see order ``number``: its page in the back office."""
    return _site(f"/backoffice/orders/{number}/")


def password_reset_url(uid: str, token: str, *, staff: bool = False) -> str:
    """The page where someone chooses a new password with the ``uid`` and
    ``token`` of a reset email: a staff member's in the back office, a
    customer's in the storefront (issue 12; until then an app reads the two
    values from the link and calls the API's confirm)."""
    if staff:
        return _site(f"/backoffice/password-reset/{uid}/{token}/")
    return _site(f"/account/password-reset/{uid}/{token}/")


def invitation_url(uid: str, token: str) -> str:
    """Where an invited staff member chooses their first password."""
    return _site(f"/backoffice/invitation/{uid}/{token}/")


def _site(path: str) -> str:
    return settings.LOJISTA_SITE_URL.rstrip("/") + path

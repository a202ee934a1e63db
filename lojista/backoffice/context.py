"""What every back-office page shows around its content: the shop's name,
the sections the reader may open and the languages they may choose."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lojista.core.selectors import shop_name
from lojista.customers.auth import OWNER_ROLES, has_role

from .middleware import PREFIX


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    current: bool


# (label, URL name, owners only); the first section whose URL starts the
# current path is marked current (Home only on its own page).
SECTIONS = [
    (_("Home"), "backoffice:home", False),
    (_("Orders"), "backoffice:orders", False),
    (_("Products"), "backoffice:products", False),
    (_("Customers"), "backoffice:customers", False),
    (_("Settings"), "backoffice:settings", True),
    (_("Extensions"), "backoffice:extensions", True),
]


def _nav(request: HttpRequest) -> list[NavItem]:
    is_owner = has_role(request.user, OWNER_ROLES)
    items = []
    for label, name, owners_only in SECTIONS:
        if owners_only and not is_owner:
            continue
        url = reverse(name)
        current = request.path == url if url == PREFIX else request.path.startswith(url)
        items.append(NavItem(label, url, current))
    return items


def backoffice(request: HttpRequest) -> dict[str, Any]:
    if not request.path.startswith(PREFIX):
        return {}
    return {
        "backoffice": {
            "shop_name": shop_name(),
            "nav": _nav(request) if request.user.is_authenticated else [],
            "languages": settings.LANGUAGES,
            "is_owner": has_role(request.user, OWNER_ROLES),
        }
    }

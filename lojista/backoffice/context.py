"""What every back-office page shows around its content: the shop's name,
the sections the reader may open and the languages they may choose."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lojista.core.extensions import extension_configs, installed_slugs
from lojista.core.selectors import shop_name
from lojista.customers.auth import OWNER_ROLES, has_role

from .middleware import PREFIX


@dataclass
class NavItem:
    label: Any
    url: str
    current: bool = False
    # Links shown under this section (an installed extension's pages).
    children: list["NavItem"] = field(default_factory=list)


# (label, URL name, owners only), in the menu's order.
SECTIONS = [
    (_("Home"), "backoffice:home", False),
    (_("Orders"), "backoffice:orders", False),
    (_("Products"), "backoffice:products", False),
    (_("Customers"), "backoffice:customers", False),
    (_("Settings"), "backoffice:settings", True),
    (_("Extensions"), "backoffice:extensions", True),
]
# Installed extensions' sections of their own come before this one.
EXTENSION_SECTIONS_BEFORE = "backoffice:settings"


def _reverse_or_none(name: str) -> str | None:
    """The URL of ``name``, or None while it names no page (an extension
    whose pages are not written yet)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _extension_links(is_owner: bool) -> list[tuple[str, NavItem]]:
    """The menu entries of the installed extensions, each with its parent's
    URL name ("" for a section of its own): one query, and none when no
    extension has entries."""
    configs = [config for config in extension_configs() if config.backoffice_links]
    if not configs:
        return []
    installed = installed_slugs()
    links = []
    for config in configs:
        if config.slug not in installed:
            continue
        for link in config.backoffice_links:
            url = _reverse_or_none(link.url_name)
            if url is not None and (is_owner or not link.owners_only):
                links.append((link.parent, NavItem(link.label, url)))
    return links


def _mark_current(request: HttpRequest, items: list[NavItem]) -> None:
    """The entry whose URL is the longest start of the current path is the
    current one (Home only on its own page), so a page is never marked
    twice."""
    entries = [entry for item in items for entry in (item, *item.children)]
    matches = [
        entry
        for entry in entries
        if (request.path == entry.url if entry.url == PREFIX else request.path.startswith(entry.url))
    ]
    if matches:
        max(matches, key=lambda entry: len(entry.url)).current = True


def _nav(request: HttpRequest) -> list[NavItem]:
    is_owner = has_role(request.user, OWNER_ROLES)
    sections = [(label, name) for label, name, owners_only in SECTIONS if is_owner or not owners_only]
    shown = {name for _label, name in sections}
    links = _extension_links(is_owner)
    items = []
    for label, name in sections:
        if name == EXTENSION_SECTIONS_BEFORE:
            items.extend(_own_sections(links, shown))
        items.append(
            NavItem(label, reverse(name), children=[link for parent, link in links if parent == name])
        )
    if EXTENSION_SECTIONS_BEFORE not in shown:
        items.extend(_own_sections(links, shown))
    _mark_current(request, items)
    return items


def _own_sections(links: list[tuple[str, NavItem]], shown: set[str]) -> list[NavItem]:
    """The extensions' entries that are sections of their own: parent "", or
    a section this reader does not see."""
    return [link for parent, link in links if parent not in shown]


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

"""Who may open which back-office page: every URL under /backoffice/ is
walked — the back office's own and those the installed extensions mount at
/backoffice/<slug>/ (installed here: while uninstalled they are 404, see
tests/core/test_extension_mounts.py) — so a new page cannot forget its
guard. Who a page is for is read from its view: ``customers.web``'s
``staff_required``/``owner_required`` mark it with ``required_roles``."""

import re
from collections.abc import Iterator, Sequence

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lojista.core.extensions import extension_configs, extension_install
from lojista.customers.auth import OWNER_ROLES, STAFF_ROLES

PREFIX = "backoffice/"
# Pages for people who are not logged in (yet).
PUBLIC = {
    "backoffice:login",
    "backoffice:logout",
    "backoffice:password_reset",
    "backoffice:password_reset_confirm",
    "backoffice:invitation_accept",
}

_SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _walk(
    patterns: Sequence[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(namespaced name, route, pattern) of every page under the patterns."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route, pattern.namespace or namespace)
        else:
            yield f"{namespace}:{pattern.name}", route, pattern


def _backoffice_pages() -> list[tuple[str, str, frozenset[str] | None]]:
    """(name, path, the roles its view requires or None) of every page under
    /backoffice/."""
    pages = []
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(PREFIX):
            continue
        path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLE[m.group(1) or "str"], route)
        pages.append((name, "/" + path, getattr(pattern.callback, "required_roles", None)))
    return pages


PAGES = _backoffice_pages()
GUARDED = [(name, path) for name, path, _roles in PAGES if name not in PUBLIC]
OWNERS_ONLY = [(name, path) for name, path, roles in PAGES if roles == OWNER_ROLES]


@pytest.fixture(autouse=True)
def _extensions_installed(db):
    """Every extension installed, so that its pages answer as they do then."""
    for config in extension_configs():
        extension_install(slug=config.slug)


def test_the_walk_sees_the_sections_and_the_extensions_pages():
    names = {name for name, _path, _roles in PAGES}
    assert {
        "backoffice:home",
        "backoffice:login",
        "backoffice:orders",
        "backoffice:products",
        "backoffice:customers",
        "backoffice:settings",
        "backoffice:extensions",
        "sample_extension:page",  # mounted by tests/sample_extension at /backoffice/sample-extension/
    } <= names
    assert ("sample_extension:page", "/backoffice/sample-extension/") in GUARDED


def test_every_page_that_is_not_public_names_who_may_open_it():
    """Every guarded view is wrapped by staff_required or owner_required,
    whose mark the walk reads; the settings and the store are for owners."""
    unmarked = [(name, roles) for name, _path, roles in PAGES if name not in PUBLIC and roles is None]
    assert unmarked == []
    assert {roles for _name, _path, roles in PAGES if roles is not None} <= {STAFF_ROLES, OWNER_ROLES}
    owners = {path for _name, path in OWNERS_ONLY}
    assert {"/backoffice/settings/", "/backoffice/settings/staff/", "/backoffice/extensions/"} <= owners
    assert "/backoffice/orders/" not in owners


@pytest.mark.parametrize(("name", "path"), GUARDED)
def test_an_anonymous_visitor_is_sent_to_log_in(name, path):
    for method in ("get", "post"):
        response = getattr(Client(), method)(path)
        if response.status_code == 405:
            continue
        assert response.status_code == 302, (method, path)
        assert response["Location"].startswith("/backoffice/login/?next="), (method, path)


@pytest.mark.parametrize(("name", "path"), GUARDED)
def test_a_customer_is_refused(customer_client, name, path):
    for method in ("get", "post"):
        response = getattr(customer_client, method)(path)
        assert response.status_code in (403, 405), (method, path)


@pytest.mark.parametrize(("name", "path"), OWNERS_ONLY)
def test_a_staff_member_is_refused_the_owners_pages(staff_client, name, path):
    for method in ("get", "post"):
        response = staff_client.get(path) if method == "get" else staff_client.post(path)
        assert response.status_code in (403, 405), (method, path)


def test_a_staff_member_sees_no_owner_section_in_the_menu(staff_client, owner_client):
    staff_page = staff_client.get("/backoffice/").content.decode()
    owner_page = owner_client.get("/backoffice/").content.decode()

    assert 'href="/backoffice/settings/"' not in staff_page
    assert 'href="/backoffice/settings/"' in owner_page

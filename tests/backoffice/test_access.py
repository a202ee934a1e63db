"""Who may open which back-office page: every URL of the back office is
walked, so a new page cannot forget its guard."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

# Pages for people who are not logged in (yet).
PUBLIC = {"login", "logout", "password_reset", "password_reset_confirm", "invitation_accept"}
# Pages for owners only; every other page is for staff and owners.
OWNERS_ONLY_PREFIXES = ("/backoffice/settings/", "/backoffice/extensions/")

_SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _backoffice_pages() -> list[tuple[str, str]]:
    resolver = get_resolver()
    (backoffice,) = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "backoffice"]
    pages = []
    for pattern in backoffice.url_patterns:
        assert isinstance(pattern, URLPattern), "the back office's urls.py lists its pages flat"
        route = str(pattern.pattern)
        path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLE[m.group(1) or "str"], route)
        pages.append((pattern.name, "/backoffice/" + path))
    return pages


PAGES = _backoffice_pages()
GUARDED = [(name, path) for name, path in PAGES if name not in PUBLIC]


def test_the_walk_sees_the_sections():
    names = {name for name, _path in PAGES}
    assert {"home", "login", "orders", "products", "customers", "settings", "extensions"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), GUARDED)
def test_an_anonymous_visitor_is_sent_to_log_in(name, path):
    for method in ("get", "post"):
        response = getattr(Client(), method)(path)
        if response.status_code == 405:
            continue
        assert response.status_code == 302, (method, path)
        assert response["Location"].startswith("/backoffice/login/?next="), (method, path)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), GUARDED)
def test_a_customer_is_refused(customer_client, name, path):
    for method in ("get", "post"):
        response = getattr(customer_client, method)(path)
        assert response.status_code in (403, 405), (method, path)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [(n, p) for n, p in GUARDED if p.startswith(OWNERS_ONLY_PREFIXES)])
def test_a_staff_member_is_refused_the_owners_pages(staff_client, name, path):
    for method in ("get", "post"):
        response = staff_client.get(path) if method == "get" else staff_client.post(path)
        assert response.status_code in (403, 405), (method, path)


@pytest.mark.django_db
def test_a_staff_member_sees_no_owner_section_in_the_menu(staff_client, owner_client):
    staff_page = staff_client.get("/backoffice/").content.decode()
    owner_page = owner_client.get("/backoffice/").content.decode()

    assert 'href="/backoffice/settings/"' not in staff_page
    assert 'href="/backoffice/settings/"' in owner_page

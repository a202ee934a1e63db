"""The glue's guards (lojista/urls.py, lojista/api.py, core.extensions):
every page and endpoint an extension mounts answers 404 while it is
uninstalled, works once it is installed, and is 404 again after an
uninstall; its menu entries show only while it is installed. Proved with
tests/sample_extension (one back-office page with a menu entry under
Orders, one storefront page, one endpoint), then for every extension's
mounts, whatever they are."""

import re
from collections.abc import Iterator, Sequence

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.module_loading import import_string

from lojista.core.extensions import (
    BackofficeLink,
    extension_config,
    extension_configs,
    extension_install,
    extension_uninstall,
)

pytestmark = pytest.mark.django_db

SLUG = "sample-extension"
PAGE = "/backoffice/sample-extension/"
SHOP_PAGE = "/sample-extension/"
ENDPOINT = "/api/v1/sample-extension/ping"
LINK = '<a class="subnav" href="/backoffice/sample-extension/"'


@pytest.fixture(autouse=True)
def _shop_settings_in_cache(shop_settings_cached):
    """Query counts of pages as they are served (the shop's settings cached)."""


def nav(client: Client, path: str = "/backoffice/") -> str:
    """The HTML of the back office's menu on a page."""
    page = client.get(path).content.decode()
    match = re.search(r'<nav class="mainnav".*?</nav>', page, re.S)
    assert match, "no menu on the page"
    return match.group(0)


def nav_labels(client: Client, path: str = "/backoffice/") -> list[str]:
    return [
        re.sub(r"\s+", " ", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", nav(client, path))
    ]


# The sample's back-office page


def test_the_back_office_page_is_404_while_uninstalled_even_to_an_owner(owner_client):
    assert owner_client.get(PAGE).status_code == 404
    assert Client().get(PAGE).status_code == 404  # not even a redirect to log in


def test_the_back_office_page_works_once_installed_and_is_404_again_after(owner_client, staff_client):
    extension_install(slug=SLUG)

    response = staff_client.get(PAGE)
    assert response.status_code == 200
    assert "<h1>The sample extension's page</h1>" in response.content.decode()
    assert owner_client.get(PAGE).status_code == 200
    anonymous = Client().get(PAGE)
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/backoffice/login/?next={PAGE}")

    extension_uninstall(slug=SLUG)

    assert staff_client.get(PAGE).status_code == 404


# The sample's storefront page


def test_the_storefront_page_is_404_while_uninstalled_works_once_installed_and_is_404_again():
    assert Client().get(SHOP_PAGE).status_code == 404

    extension_install(slug=SLUG)
    response = Client().get(SHOP_PAGE)
    assert response.status_code == 200
    assert response.content == b"The sample extension's storefront page."

    extension_uninstall(slug=SLUG)
    assert Client().get(SHOP_PAGE).status_code == 404


# The sample's endpoint


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff", "owner"])
def test_the_endpoint_is_404_for_everyone_while_uninstalled(api, request, who):
    """Before authentication: an uninstalled extension has no endpoint at
    all, so an anonymous caller gets 404, not 401."""
    headers = {} if who == "anonymous" else request.getfixturevalue(f"{who}_headers")

    response = api.get(ENDPOINT, headers=headers)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_the_endpoint_works_once_installed_and_is_404_again_after(api, staff_headers, customer_headers):
    extension_install(slug=SLUG)

    assert api.get(ENDPOINT, headers=staff_headers).json() == {"pong": True}
    assert api.get(ENDPOINT).status_code == 401
    assert api.get(ENDPOINT, headers=customer_headers).status_code == 403

    extension_uninstall(slug=SLUG)

    response = api.get(ENDPOINT, headers=staff_headers)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_endpoint_is_out_of_the_api_document(api):
    """The sample is the tests': docs/api.md lists the shop's endpoints."""
    assert ENDPOINT not in api.get("/api/v1/openapi.json").json()["paths"]


# The sample's menu entry


def test_the_menu_entry_shows_under_orders_only_while_installed(staff_client):
    assert "Sample" not in nav_labels(staff_client)

    extension_install(slug=SLUG)
    labels = nav_labels(staff_client)
    assert labels[labels.index("Orders") + 1] == "Sample"
    menu = nav(staff_client)
    # In a group with Orders, after it.
    assert re.search(r'<span class="navgroup">\s*<a href="/backoffice/orders/">Orders</a>\s*' + LINK, menu)

    extension_uninstall(slug=SLUG)
    assert "Sample" not in nav_labels(staff_client)
    assert "navgroup" not in nav(staff_client)


def test_the_menu_entry_is_the_current_one_on_its_page(staff_client):
    extension_install(slug=SLUG)

    menu = nav(staff_client, PAGE)

    assert LINK + ' aria-current="page">Sample</a>' in menu
    assert menu.count('aria-current="page"') == 1
    assert 'aria-current="page"' not in re.search(r'<a href="/backoffice/orders/"[^>]*>', menu).group(0)
    assert 'aria-current="page">Orders</a>' in nav(staff_client, "/backoffice/orders/")


def test_an_entry_of_its_own_comes_before_the_owners_settings(owner_client, staff_client, monkeypatch):
    config = extension_config(SLUG)
    monkeypatch.setattr(config, "backoffice_links", (BackofficeLink("Sample desk", "sample_extension:page"),))
    extension_install(slug=SLUG)

    owner_labels = nav_labels(owner_client)
    staff_labels = nav_labels(staff_client)

    assert owner_labels.index("Sample desk") == owner_labels.index("Settings") - 1
    assert staff_labels[-1] == "Sample desk"
    assert '<a href="/backoffice/sample-extension/">Sample desk</a>' in nav(owner_client)


def test_an_owners_only_entry_is_hidden_from_staff(owner_client, staff_client, monkeypatch):
    config = extension_config(SLUG)
    link = BackofficeLink("Sample desk", "sample_extension:page", owners_only=True)
    monkeypatch.setattr(config, "backoffice_links", (link,))
    extension_install(slug=SLUG)

    assert "Sample desk" in nav_labels(owner_client)
    assert "Sample desk" not in nav_labels(staff_client)


def test_an_entry_under_a_section_the_reader_does_not_see_stands_on_its_own(staff_client, monkeypatch):
    config = extension_config(SLUG)
    link = BackofficeLink("Sample settings", "sample_extension:page", parent="backoffice:settings")
    monkeypatch.setattr(config, "backoffice_links", (link,))
    extension_install(slug=SLUG)

    assert nav_labels(staff_client)[-1] == "Sample settings"


def test_an_entry_whose_page_does_not_exist_yet_is_left_out(staff_client, monkeypatch):
    config = extension_config(SLUG)
    link = BackofficeLink("Sample later", "sample_extension:not_written_yet", parent="backoffice:orders")
    monkeypatch.setattr(config, "backoffice_links", (link,))
    extension_install(slug=SLUG)

    response = staff_client.get("/backoffice/")

    assert response.status_code == 200
    assert "Sample later" not in nav_labels(staff_client)


def flag_reads(queries: CaptureQueriesContext) -> int:
    return sum("core_extension" in query["sql"] for query in queries.captured_queries)


def test_the_menu_reads_the_flags_once_whatever_is_installed(staff_client, django_assert_max_num_queries):
    staff_client.get("/backoffice/orders/")
    with django_assert_max_num_queries(50) as none_installed:
        staff_client.get("/backoffice/orders/")
    for config in extension_configs():
        extension_install(slug=config.slug)

    with django_assert_max_num_queries(len(none_installed) + 1) as first_after_install:
        staff_client.get("/backoffice/orders/")
    with django_assert_max_num_queries(len(none_installed)) as all_installed:
        staff_client.get("/backoffice/orders/")

    # Cached (decision 210): read once after the change, then not at all.
    reads = [flag_reads(queries) for queries in (none_installed, first_after_install, all_installed)]
    assert reads == [0, 1, 0]


# Every extension's mounts, whatever they are


_SAMPLE_VALUE = "1"  # fits int, str and slug parameters


def _walk(
    patterns: Sequence[URLPattern | URLResolver], prefix: str, slugs: dict[str, str], slug: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            yield from _walk(pattern.url_patterns, route, slugs, slugs.get(module, slug))
        elif slug:
            yield slug, "/" + re.sub(r"<[^>]+>", _SAMPLE_VALUE, route)


def extension_pages() -> list[tuple[str, str]]:
    """(slug, path) of every page an extension mounts, back office and storefront."""
    slugs = {
        module: config.slug
        for config in extension_configs()
        for module in (config.backoffice_urls, config.storefront_urls)
        if module
    }
    return list(_walk(get_resolver().url_patterns, "", slugs))


def extension_endpoints() -> list[tuple[str, str, str]]:
    """(slug, method, path) of every endpoint an extension's router has."""
    endpoints = []
    for config in extension_configs():
        if not config.api_router:
            continue
        for route, path_view in import_string(config.api_router).path_operations.items():
            path = "/api/v1" + re.sub(r"\{[^}]+\}", _SAMPLE_VALUE, route)
            for operation in path_view.operations:
                endpoints.extend((config.slug, method, path) for method in operation.methods)
    return endpoints


PAGES = extension_pages()
ENDPOINTS = extension_endpoints()


def test_the_walks_see_the_samples_mounts():
    assert {(SLUG, PAGE), (SLUG, SHOP_PAGE)} <= set(PAGES)
    assert (SLUG, "GET", ENDPOINT) in ENDPOINTS


@pytest.mark.parametrize(("slug", "path"), PAGES)
def test_every_extension_page_is_404_while_its_extension_is_uninstalled(owner_client, slug, path):
    for config in extension_configs():
        if config.slug != slug:
            extension_install(slug=config.slug)

    for client in (owner_client, Client()):
        assert client.get(path).status_code == 404, path
        assert client.post(path).status_code == 404, path


@pytest.mark.parametrize(("slug", "method", "path"), ENDPOINTS)
def test_every_extension_endpoint_is_404_while_its_extension_is_uninstalled(
    api, owner_headers, slug, method, path
):
    for config in extension_configs():
        if config.slug != slug:
            extension_install(slug=config.slug)

    for headers in (owner_headers, {}):
        response = api.generic(method, path, "{}", content_type="application/json", headers=headers)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), (method, path)

"""The storefront as an app: the manifest, the service worker and the
offline page (issue 12 §5)."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from lojista.core.models import ShopSettings
from lojista.storefront.views.app import NEVER_CACHED

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_shop_and_its_icons():
    response = Client().get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Lojista Demo Shop"
    assert manifest["short_name"] == "Lojista Demo"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "en"
    assert manifest["theme_color"] == "#0b6e4f"
    assert manifest["background_color"] == "#ffffff"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_manifest_speaks_the_visitors_language_and_the_owners_shop_name():
    ShopSettings.objects.create(pk=1, name="Loja da Ana")

    manifest = Client(headers={"accept-language": "pt-BR"}).get("/manifest.webmanifest").json()

    assert manifest["lang"] == "pt-br"
    assert manifest["name"] == manifest["short_name"] == "Loja da Ana"


@pytest.mark.parametrize("size", [192, 512])
def test_the_icons_are_pngs_of_their_size(size):
    client = Client()
    manifest = client.get("/manifest.webmanifest").json()
    icon = next(icon for icon in manifest["icons"] if icon["sizes"] == f"{size}x{size}")
    path = finders.find(icon["src"].removeprefix("/static/"))
    data = Path(path).read_bytes()

    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(data[16:20], "big") == int.from_bytes(data[20:24], "big") == size


def test_every_storefront_page_links_the_manifest_and_the_service_worker():
    page = Client().get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#0b6e4f">' in page
    assert 'rel="apple-touch-icon"' in page
    assert 'data-service-worker="/sw.js"' in page


def test_the_service_worker_is_served_from_the_root_and_never_kept_long():
    response = Client().get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_the_service_worker_keeps_the_offline_page_and_the_shells_static_files():
    script = Client().get("/sw.js").content.decode()
    config = json.loads(script.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])

    assert config["offline"] == "/offline/"
    assert "/static/storefront/storefront.css" in config["precached"]
    assert "/static/storefront/storefront.js" in config["precached"]
    assert "/static/django_htmx/htmx-2.min.js" in config["precached"]
    assert config["static"] == ["/static/storefront/", "/static/django_htmx/"]


def test_the_service_worker_never_keeps_anything_personal_nor_what_changes_state():
    script = Client().get("/sw.js").content.decode()
    config = json.loads(script.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])

    for personal in ("/cart/", "/checkout/", "/account/", "/orders/", "/language/", "/api/", "/backoffice/"):
        assert personal in config["neverCached"]
    assert config["neverCached"] == list(NEVER_CACHED)
    # Only GETs of this site are looked at; pages come from the network.
    assert 'request.method !== "GET"' in script
    assert "fetch(request).catch(" in script


@pytest.mark.parametrize("path", ["/manifest.webmanifest", "/sw.js", "/offline/"])
def test_the_app_files_answer_get_only(path):
    assert Client().post(path).status_code == 405


def test_the_offline_page_is_friendly_and_holds_nothing_personal(customer):
    client = Client()
    client.force_login(customer)

    response = client.get("/offline/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>You are offline</h1>" in page
    assert "Your cart is safe" in page
    assert customer.email not in page
    assert "<form" not in page
    assert "cart-count" not in page


def test_the_offline_page_speaks_portuguese():
    page = Client(headers={"accept-language": "pt-BR"}).get("/offline/").content.decode()

    assert '<html lang="pt-br">' in page


def test_the_service_worker_is_the_same_for_everyone_and_looks_nothing_up(
    customer, django_assert_max_num_queries, shop_settings_cached
):
    client = Client()
    client.force_login(customer)
    anonymous = Client().get("/sw.js").content

    with django_assert_max_num_queries(2):  # the session and its user
        response = client.get("/sw.js")

    assert response.content == anonymous

"""The Extension Store: the API (owner) and the back office's page, which
call the same functions of core.extensions. The page's buttons are POST
forms; uninstalling asks first, on a page of its own."""

import re

import pytest
from django.test import Client

from lojista.core.extensions import extension_install, extension_installed
from lojista.core.models import Extension

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/extensions"
STORE = "/backoffice/extensions/"
SLUGS = ["abandoned-checkouts", "order-webhooks", "sample-extension"]


def put(client: Client, slug: str, body: object, headers: dict[str, str]):
    return client.put(f"{URL}/{slug}", body, content_type="application/json", headers=headers)


def installed_flags() -> dict[str, bool]:
    return dict(Extension.objects.values_list("slug", "installed"))


# The API


def test_the_owner_lists_every_extension_with_its_state(api, owner_headers):
    extension_install(slug="order-webhooks")

    response = api.get(URL, headers=owner_headers)

    assert response.status_code == 200
    listed = {item["slug"]: item for item in response.json()}
    assert sorted(listed) == SLUGS
    assert {slug: item["installed"] for slug, item in listed.items()} == {
        "abandoned-checkouts": False,
        "order-webhooks": True,
        "sample-extension": False,
    }
    assert listed["abandoned-checkouts"]["name"] == "Abandoned checkouts"
    assert listed["abandoned-checkouts"]["description"].startswith("Finds the checkouts customers started")
    assert set(listed["sample-extension"]) == {"slug", "name", "description", "installed"}


def test_put_installs_and_uninstalls_idempotently(api, owner_headers):
    for _ in range(2):
        response = put(api, "abandoned-checkouts", {"installed": True}, owner_headers)
        assert response.status_code == 200
        assert response.json() == {
            "slug": "abandoned-checkouts",
            "name": "Abandoned checkouts",
            "description": response.json()["description"],
            "installed": True,
        }
        assert installed_flags() == {"abandoned-checkouts": True}

    for _ in range(2):
        response = put(api, "abandoned-checkouts", {"installed": False}, owner_headers)
        assert response.status_code == 200
        assert response.json()["installed"] is False
        assert installed_flags() == {"abandoned-checkouts": False}

    listed = {item["slug"]: item["installed"] for item in api.get(URL, headers=owner_headers).json()}
    assert listed["abandoned-checkouts"] is False


@pytest.mark.parametrize(
    ("who", "status", "code"), [("staff", 403, "forbidden"), ("customer", 403, "forbidden")]
)
def test_staff_and_customers_are_refused(api, request, who, status, code):
    headers = request.getfixturevalue(f"{who}_headers")

    listed = api.get(URL, headers=headers)
    changed = put(api, "sample-extension", {"installed": True}, headers)

    assert (listed.status_code, listed.json()["code"]) == (status, code)
    assert (changed.status_code, changed.json()["code"]) == (status, code)
    assert not Extension.objects.exists()


def test_an_anonymous_caller_must_log_in(api):
    listed = api.get(URL)
    changed = put(api, "sample-extension", {"installed": True}, {})

    assert (listed.status_code, listed.json()["code"]) == (401, "not_authenticated")
    assert (changed.status_code, changed.json()["code"]) == (401, "not_authenticated")
    assert not Extension.objects.exists()


def test_an_unknown_slug_is_not_found(api, owner_headers):
    response = put(api, "abandoned-checkout", {"installed": True}, owner_headers)

    assert response.status_code == 404
    assert response.json()["code"] == "extension_not_found"
    assert response.json()["details"] == {"slug": "abandoned-checkout"}
    assert not Extension.objects.exists()


@pytest.mark.parametrize("body", [{}, {"installed": "maybe"}, {"installed": True, "extra": 1}, [True]])
def test_a_bad_body_is_refused_and_changes_nothing(api, owner_headers, body):
    response = put(api, "sample-extension", body, owner_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert not Extension.objects.exists()


def test_the_openapi_document_has_the_store(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths["/api/v1/admin/extensions"]) == {"get"}
    assert set(paths["/api/v1/admin/extensions/{slug}"]) == {"put"}
    responses = paths["/api/v1/admin/extensions/{slug}"]["put"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(responses)


# The page


def article(page: str, slug: str) -> str:
    """The HTML of one extension's card."""
    match = re.search(
        rf'<article class="card extension" aria-labelledby="ext-{slug}">.*?</article>', page, re.S
    )
    assert match, f"no card for {slug}"
    return match.group(0)


def test_the_owner_sees_each_extension_and_its_state(owner_client):
    extension_install(slug="sample-extension")

    page = owner_client.get(STORE).content.decode()

    for slug in SLUGS:
        assert f'<h2 id="ext-{slug}">' in article(page, slug)
    abandoned = article(page, "abandoned-checkouts")
    assert "Abandoned checkouts</h2>" in abandoned
    assert "Finds the checkouts customers started" in abandoned
    assert "Not installed" in abandoned
    assert ">Install</button>" in abandoned and "Uninstall" not in abandoned
    assert "Open</a>" not in abandoned
    sample = article(page, "sample-extension")
    assert ">Installed</span>" in sample
    assert ">Uninstall</button>" in sample and ">Install</button>" not in sample
    assert 'href="/backoffice/sample-extension/"' in sample and ">Open</a>" in sample


def test_installing_from_the_page(owner_client):
    response = owner_client.post(f"{STORE}sample-extension/", {"installed": "true"}, follow=True)

    assert response.redirect_chain == [(STORE, 302)]
    page = response.content.decode()
    assert "Sample extension is installed." in page
    assert ">Installed</span>" in article(page, "sample-extension")
    assert extension_installed("sample-extension") is True


def test_uninstalling_asks_first_then_uninstalls(owner_client):
    extension_install(slug="sample-extension")

    asked = owner_client.post(f"{STORE}sample-extension/", {"installed": "false"})

    assert asked.status_code == 200
    question = asked.content.decode()
    assert "Uninstall Sample extension?" in question
    assert "Its data is kept and comes back if you install it again." in question
    assert 'name="confirmed" value="yes"' in question
    assert extension_installed("sample-extension") is True

    response = owner_client.post(
        f"{STORE}sample-extension/", {"installed": "false", "confirmed": "yes"}, follow=True
    )

    assert response.redirect_chain == [(STORE, 302)]
    page = response.content.decode()
    assert "Sample extension is uninstalled. Its data is kept" in page
    assert "Not installed" in article(page, "sample-extension")
    assert extension_installed("sample-extension") is False


def test_an_uninstalled_extension_has_no_open_link_even_if_its_page_exists(owner_client):
    page = owner_client.get(STORE).content.decode()

    assert "/backoffice/sample-extension/" not in page


def test_an_unknown_slug_is_404(owner_client):
    response = owner_client.post(f"{STORE}abandoned-checkout/", {"installed": "true"})

    assert response.status_code == 404
    assert not Extension.objects.exists()


@pytest.mark.parametrize("data", [{}, {"installed": "yes"}, {"installed": ""}])
def test_a_bad_choice_is_400_and_changes_nothing(owner_client, data):
    response = owner_client.post(f"{STORE}sample-extension/", data)

    assert response.status_code == 400
    assert not Extension.objects.exists()


def test_a_staff_member_is_refused(staff_client):
    assert staff_client.get(STORE).status_code == 403
    assert staff_client.post(f"{STORE}sample-extension/", {"installed": "true"}).status_code == 403
    assert not Extension.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in():
    for response in (Client().get(STORE), Client().post(f"{STORE}sample-extension/", {"installed": "true"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/backoffice/login/?next=")
    assert not Extension.objects.exists()


def test_the_forms_need_the_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    refused = client.post(f"{STORE}sample-extension/", {"installed": "true"})

    assert refused.status_code == 403
    assert not Extension.objects.exists()
    page = client.get(STORE).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = client.post(f"{STORE}sample-extension/", {"installed": "true", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert extension_installed("sample-extension") is True


def test_the_page_costs_the_same_queries_whatever_is_installed(owner_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6) as none_installed:
        owner_client.get(STORE)
    for slug in SLUGS:
        extension_install(slug=slug)

    with django_assert_max_num_queries(len(none_installed)):
        page = owner_client.get(STORE).content.decode()

    assert page.count(">Uninstall</button>") == 3

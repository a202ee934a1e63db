"""docs/api.md lists every endpoint the API has, and none it does not have."""

import re

from lojista.api import api
from tests.docs.walkthroughs import ROOT

METHODS = "GET|POST|PUT|PATCH|DELETE"
# "GET /me", "GET/PUT /admin/notification-settings", "POST /admin/orders/{number}/notes"
ENDPOINT = re.compile(rf"\b((?:{METHODS})(?:/(?:{METHODS}))*) (/[\w{{}}/.-]*[\w}}])")
# Served by the API without being operations of it.
DOCUMENTATION = {("GET", "/docs"), ("GET", "/openapi.json")}


def normalise(path: str) -> str:
    """Compare paths whatever their parameters are called: /carts/{token} → /carts/{}."""
    return re.sub(r"\{[^}]*\}", "{}", path.removeprefix("/api/v1")).rstrip("/") or "/"


def documented() -> set[tuple[str, str]]:
    text = (ROOT / "docs" / "api.md").read_text()
    return {
        (method, normalise(path)) for methods, path in ENDPOINT.findall(text) for method in methods.split("/")
    }


def served() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="")
    operations = {
        (method.upper(), normalise(path)) for path, methods in schema["paths"].items() for method in methods
    }
    return operations | DOCUMENTATION


def test_every_endpoint_is_in_the_api_guide():
    missing = sorted(served() - documented())
    assert missing == [], f"docs/api.md does not list: {missing}"


def test_the_api_guide_lists_no_endpoint_the_api_does_not_have():
    unknown = sorted(documented() - served())
    assert unknown == [], f"docs/api.md lists endpoints the API does not have: {unknown}"

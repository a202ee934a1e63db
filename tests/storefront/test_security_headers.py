"""Security headers on the storefront's and the back office's responses:
a strict Content-Security-Policy (Stripe only where a view asks for it),
frame-ancestors, referrer policy, nosniff, Permissions-Policy; no policy
under /api/ (JSON)."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from lojista.core.security_headers import SecurityHeadersMiddleware, content_security_policy, csp_allow_stripe

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    found = {}
    for part in header.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


@pytest.mark.parametrize(
    "path", ["/", "/cart/", "/account/login/", "/offline/", "/backoffice/login/", "/no-such-page/"]
)
def test_every_page_has_the_security_headers(path):
    response = Client().get(path)

    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "stripe" not in response["Content-Security-Policy"]


def test_the_storefront_allows_no_inline_script_nor_style():
    csp = directives(Client().get("/")["Content-Security-Policy"])

    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["style-src"] == ["'self'"]


def test_the_back_office_allows_inline_styles_for_its_email_previews():
    csp = directives(Client().get("/backoffice/login/")["Content-Security-Policy"])

    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["script-src"] == ["'self'"]


def test_the_api_gets_no_policy_only_the_harmless_headers():
    response = Client().get("/api/v1/products")

    assert "Content-Security-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Permissions-Policy" in response


def test_stripe_is_allowed_only_by_the_view_that_asks():
    @csp_allow_stripe
    def payment(request):
        return HttpResponse("pay")

    middleware = SecurityHeadersMiddleware(lambda request: payment(request))
    response = middleware(RequestFactory().get("/checkout/payment/"))

    csp = directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'", "https://js.stripe.com"]
    assert csp["frame-src"] == ["'self'", "https://js.stripe.com", "https://hooks.stripe.com"]
    assert csp["connect-src"] == ["'self'", "https://api.stripe.com"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert 'payment=(self "https://js.stripe.com")' in response["Permissions-Policy"]


def test_a_view_may_set_the_request_attribute_itself():
    def payment(request):
        request.csp_allow_stripe = True
        return HttpResponse("pay")

    response = SecurityHeadersMiddleware(payment)(RequestFactory().get("/checkout/"))

    assert "https://js.stripe.com" in response["Content-Security-Policy"]


def test_a_response_with_its_own_policy_keeps_it():
    def own(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(own)(RequestFactory().get("/"))

    assert response["Content-Security-Policy"] == "default-src 'none'"


@override_settings(LOJISTA_CSP_REPORT_ONLY=True)
def test_report_only_sends_the_policy_without_enforcing_it():
    response = Client().get("/")

    assert "Content-Security-Policy" not in response
    assert "frame-ancestors 'none'" in response["Content-Security-Policy-Report-Only"]


@override_settings(MEDIA_URL="https://media.example.com/shop/")
def test_media_on_another_host_is_allowed_for_images():
    csp = directives(content_security_policy())

    assert csp["img-src"] == ["'self'", "https://media.example.com", "data:"]
    assert "https://media.example.com" not in csp["script-src"] + csp["connect-src"]

"""The API's documentation page works offline: Swagger UI comes from the
shop's own static files, not from a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static


@pytest.mark.django_db
def test_the_docs_page_references_no_external_host(api):
    response = api.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert references, "the page loads no assets at all"
    assert not [ref for ref in references if re.match(r"(?:[a-z]+:)?//", ref)], references
    assert "cdn" not in page.lower()


@pytest.mark.django_db
def test_the_swagger_assets_it_references_are_shipped(api):
    page = api.get("/api/v1/docs").content.decode()

    for asset in ("ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js"):
        assert static(asset) in page
        assert finders.find(asset), f"{asset} is not among the static files collectstatic gathers"

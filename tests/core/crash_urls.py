"""The project's URLs plus a view under /api/ that crashes, as a bug would."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lojista.urls import urlpatterns as project_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail of a bug")


urlpatterns = [path("api/v1/test-crash", crash), *project_urlpatterns]

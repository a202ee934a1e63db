from django.urls import include, path

from lojista.api import api
from lojista.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("backoffice/", include("lojista.backoffice.urls")),
    # Last: the storefront owns the rest of the site, from "/".
    path("", include("lojista.storefront.urls")),
]

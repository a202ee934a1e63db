from django.urls import include, path

from lojista.api import api
from lojista.core.extensions import extension_urlpatterns
from lojista.core.views import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", api.urls),
    # Installed extensions' pages (core.extensions: 404 while uninstalled).
    path("backoffice/", include(extension_urlpatterns("backoffice"))),
    path("backoffice/", include("lojista.backoffice.urls")),
    path("", include(extension_urlpatterns("storefront"))),
    # Last: the storefront owns the rest of the site, from "/".
    path("", include("lojista.storefront.urls")),
]

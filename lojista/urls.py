from django.urls import include, path
from django.views.generic import RedirectView

from lojista.api import api
from lojista.core.views import healthz

urlpatterns = [
    # Until the storefront exists, the shop's home is its API documentation.
    path("", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("backoffice/", include("lojista.backoffice.urls")),
]

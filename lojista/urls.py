from django.contrib import admin
from django.urls import path

from lojista.api import api
from lojista.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

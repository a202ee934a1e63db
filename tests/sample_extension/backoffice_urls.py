"""Mounted at /backoffice/sample-extension/ by the glue (404 while uninstalled)."""

from django.urls import path

from tests.sample_extension import views

app_name = "sample_extension"

urlpatterns = [path("", views.backoffice_page, name="page")]

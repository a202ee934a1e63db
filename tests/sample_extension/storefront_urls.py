"""Mounted at / by the glue, before the storefront's pages (404 while uninstalled)."""

from django.urls import path

from tests.sample_extension import views

app_name = "sample_extension_shop"

urlpatterns = [path("sample-extension/", views.storefront_page, name="page")]

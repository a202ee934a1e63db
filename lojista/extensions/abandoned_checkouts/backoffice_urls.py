"""The extension's back-office pages, mounted at /backoffice/<slug>/ by the
glue (404 while uninstalled): /backoffice/abandoned-checkouts/…"""

from django.urls import path

from .views import backoffice

app_name = "abandoned_checkouts"

urlpatterns = [
    path("", backoffice.abandoned_list, name="list"),
    path("<int:pk>/", backoffice.abandoned_detail, name="detail"),
    path("<int:pk>/remind/", backoffice.abandoned_remind, name="remind"),
    path("results/", backoffice.results, name="results"),
    path("settings/", backoffice.recovery_settings, name="settings"),
]

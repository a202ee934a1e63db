"""The extension's back-office pages, mounted at /backoffice/<slug>/ by the glue (404 while uninstalled)."""

app_name = "abandoned_checkouts"

urlpatterns: list = []

"""The pages customers open from a reminder (the recovery link, unsubscribe),
mounted at / by the glue, before the storefront's own (404 while uninstalled)."""

app_name = "abandoned_checkouts_shop"

urlpatterns: list = []

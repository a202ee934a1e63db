"""The pages customers open from a reminder (the recovery link, unsubscribe),
mounted at / by the glue, before the storefront's own (404 while uninstalled).
Their paths are in every reminder sent: keep them stable."""

from django.urls import path

from .views import storefront

app_name = "abandoned_checkouts_shop"

urlpatterns = [
    path("cart/recover/<str:token>/", storefront.recover, name="recover"),
    path("emails/unsubscribe/<str:token>/", storefront.unsubscribe, name="unsubscribe"),
    path("emails/unsubscribe/<str:token>/undo/", storefront.unsubscribe_undo, name="unsubscribe_undo"),
]

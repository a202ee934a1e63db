"""The extension's back-office pages, mounted at /backoffice/<slug>/ by the glue (404 while uninstalled)."""

from django.urls import path

from lojista.extensions.order_webhooks import views

app_name = "order_webhooks"

urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("new/", views.endpoint_new, name="endpoint_new"),
    path("<int:pk>/", views.endpoint, name="endpoint"),
    path("<int:pk>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path("<int:pk>/rotate-secret/", views.endpoint_rotate, name="endpoint_rotate"),
    path("<int:pk>/active/", views.endpoint_active, name="endpoint_active"),
    path("<int:pk>/test/", views.endpoint_test, name="endpoint_test"),
    path("<int:pk>/delete/", views.endpoint_delete, name="endpoint_delete"),
    path("deliveries/<int:pk>/", views.delivery, name="delivery"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]

"""/backoffice/…: stable URLs (emails and docs link here). Each section's
block is kept together."""

from django.urls import path

from .views import auth, customers, extensions, home, orders, products, settings

app_name = "backoffice"

urlpatterns = [
    # Signing in and out
    path("", home.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("password-reset/", auth.password_reset, name="password_reset"),
    path("language/", auth.language, name="language"),
    # Orders
    path("orders/", orders.orders, name="orders"),
    # Products
    path("products/", products.products, name="products"),
    # Customers
    path("customers/", customers.customers, name="customers"),
    # Settings (owners)
    path("settings/", settings.settings, name="settings"),
    # Extensions (owners)
    path("extensions/", extensions.extensions, name="extensions"),
]

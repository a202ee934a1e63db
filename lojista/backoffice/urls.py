"""/backoffice/…: stable URLs (emails and docs link here). Each section's
block is kept together."""

from django.urls import path

from .views import auth, customers, extensions, home, orders, products, settings

app_name = "backoffice"

urlpatterns = [
    # Signing in and out (password reset and invitations: with staff accounts)
    path("", home.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("password-reset/", auth.password_reset, name="password_reset"),
    path("language/", auth.language, name="language"),
    # Orders: the list, bulk changes, export
    path("orders/", orders.orders, name="orders"),
    path("orders/bulk/", orders.orders_bulk, name="orders_bulk"),
    path("orders/export.csv", orders.orders_export, name="orders_export"),
    # Order page, invoice
    # Products
    path("products/", products.products, name="products"),
    # Customers
    path("customers/", customers.customers, name="customers"),
    # Settings (owners): shop, notifications, shipping, payments
    path("settings/", settings.settings, name="settings"),
    # Settings (owners): email templates, staff accounts
    # Extensions (owners)
    path("extensions/", extensions.extensions, name="extensions"),
]

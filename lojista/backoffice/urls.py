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
    # Order page, invoice
    # Products
    path("products/", products.products, name="products"),
    # Customers
    path("customers/", customers.customers, name="customers"),
    path("customers/<int:customer_id>/", customers.customer, name="customer"),
    # Settings (owners): shop, notifications, shipping, payments
    path("settings/", settings.settings, name="settings"),
    # Settings (owners): email templates, staff accounts
    # Extensions (owners)
    path("extensions/", extensions.extensions, name="extensions"),
]

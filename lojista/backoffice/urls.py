"""/backoffice/…: stable URLs (emails and docs link here). Each section's
block is kept together."""

from django.urls import path

from .views import auth, customers, emails, extensions, home, orders, products, settings, staff

app_name = "backoffice"

urlpatterns = [
    # Signing in and out (password reset and invitations: with staff accounts)
    path("", home.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("password-reset/", auth.password_reset, name="password_reset"),
    path(
        "password-reset/<str:uidb64>/<str:token>/", auth.password_reset_confirm, name="password_reset_confirm"
    ),
    path("invitation/<str:uidb64>/<str:token>/", staff.invitation_accept, name="invitation_accept"),
    path("language/", auth.language, name="language"),
    # Orders: the list, bulk changes, export
    path("orders/", orders.orders, name="orders"),
    # Order page, invoice
    # Products
    path("products/", products.products, name="products"),
    # Customers
    path("customers/", customers.customers, name="customers"),
    # Settings (owners): shop, notifications, shipping, payments
    path("settings/", settings.settings, name="settings"),
    # Settings (owners): email templates, staff accounts
    path("settings/emails/", emails.email_templates, name="settings_emails"),
    path("settings/emails/<str:kind>/<str:language>/", emails.email_template, name="settings_email"),
    path(
        "settings/emails/<str:kind>/<str:language>/preview/",
        emails.email_template_preview,
        name="settings_email_preview",
    ),
    path(
        "settings/emails/<str:kind>/<str:language>/test-send/",
        emails.email_template_test_send,
        name="settings_email_test_send",
    ),
    path(
        "settings/emails/<str:kind>/<str:language>/reset/",
        emails.email_template_reset,
        name="settings_email_reset",
    ),
    path("settings/staff/", staff.staff_accounts, name="settings_staff"),
    path("settings/staff/invite/", staff.staff_invite, name="settings_staff_invite"),
    path("settings/staff/<int:user_id>/role/", staff.staff_role, name="settings_staff_role"),
    path(
        "settings/staff/<int:user_id>/deactivate/", staff.staff_deactivate, name="settings_staff_deactivate"
    ),
    path("settings/staff/<int:user_id>/activate/", staff.staff_activate, name="settings_staff_activate"),
    # Extensions (owners)
    path("extensions/", extensions.extensions, name="extensions"),
]

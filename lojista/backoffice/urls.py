"""/backoffice/…: stable URLs (emails and docs link here). Each section's
block is kept together."""

from django.urls import path

from .views import auth, customers, emails, extensions, home, order, orders, outbox, products, settings, staff

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
    path("orders/bulk/", orders.orders_bulk, name="orders_bulk"),
    path("orders/export.csv", orders.orders_export, name="orders_export"),
    # Order page, invoice
    path("orders/<int:number>/", order.order, name="order"),
    path("orders/<int:number>/invoice/", order.invoice, name="order_invoice"),
    path("orders/<int:number>/emails/<int:message_id>/", order.email, name="order_email"),
    path("orders/<int:number>/status/", order.transition, name="order_transition"),
    path("orders/<int:number>/tracking/", order.tracking, name="order_tracking"),
    path("orders/<int:number>/notes/", order.note, name="order_note"),
    path("orders/<int:number>/mark-paid/", order.mark_paid, name="order_mark_paid"),
    path("orders/<int:number>/contact/", order.contact, name="order_contact"),
    path("orders/<int:number>/refund/retry/", order.refund_retry, name="order_refund_retry"),
    path("orders/<int:number>/refund/manual/", order.refund_record, name="order_refund_record"),
    # Emails that failed
    path("emails/failed/", outbox.failed_emails, name="failed_emails"),
    path("emails/<int:message_id>/retry/", outbox.retry, name="failed_email_retry"),
    # Products
    path("products/", products.products, name="products"),
    path("products/new/", products.product_new, name="product_new"),
    path("products/<int:product_id>/", products.product, name="product"),
    path("products/<int:product_id>/variants/new/", products.variant_new, name="variant_new"),
    path("products/<int:product_id>/variants/<int:variant_id>/", products.variant, name="variant"),
    path(
        "products/<int:product_id>/variants/<int:variant_id>/stock/",
        products.variant_stock,
        name="variant_stock",
    ),
    # Customers
    path("customers/", customers.customers, name="customers"),
    path("customers/<int:customer_id>/", customers.customer, name="customer"),
    # Settings (owners): shop, notifications, shipping, payments
    path("settings/", settings.settings, name="settings"),
    path("settings/shop/", settings.shop, name="settings_shop"),
    path("settings/notifications/", settings.notifications, name="settings_notifications"),
    path("settings/payments/", settings.payments, name="settings_payments"),
    path("settings/shipping/", settings.shipping, name="settings_shipping"),
    path("settings/shipping/zones/new/", settings.shipping_zone_new, name="settings_zone_new"),
    path("settings/shipping/zones/<int:pk>/", settings.shipping_zone_edit, name="settings_zone_edit"),
    path(
        "settings/shipping/zones/<int:zone_pk>/methods/new/",
        settings.shipping_method_new,
        name="settings_method_new",
    ),
    path("settings/shipping/methods/<int:pk>/", settings.shipping_method_edit, name="settings_method_edit"),
    path(
        "settings/shipping/methods/<int:pk>/active/",
        settings.shipping_method_active,
        name="settings_method_active",
    ),
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
    path("extensions/<slug:slug>/", extensions.extension_set, name="extension_set"),
]

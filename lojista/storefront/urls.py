"""The storefront's URLs (stable: emails, apps and docs link here). Each
part's block is kept together."""

from django.urls import path

from .views import account, app, cart, catalog, checkout, language, resume

app_name = "storefront"

urlpatterns = [
    # Catalog: home, search, product pages
    path("", catalog.home, name="home"),
    path("search/", catalog.search, name="search"),
    path("products/<slug:slug>/", catalog.product, name="product"),
    # Cart
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", cart.cart_line, name="cart_line"),
    path("cart/lines/<int:line_id>/remove/", cart.cart_line_remove_view, name="cart_line_remove"),
    path("cart/resume/<str:token>/", resume.cart_resume, name="cart_resume"),
    # Checkout and confirmation
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/shipping-methods/", checkout.shipping_methods, name="checkout_shipping_methods"),
    path("checkout/<uuid:checkout_id>/pay/", checkout.pay, name="checkout_pay"),
    path("orders/<int:number>/confirmation/", checkout.confirmation, name="confirmation"),
    # Account: login, register, password reset, my orders
    path("account/", account.account, name="account"),
    path("account/login/", account.login, name="login"),
    path("account/register/", account.register, name="register"),
    path("account/logout/", account.logout, name="logout"),
    path("account/password-reset/", account.password_reset, name="password_reset"),
    path(
        "account/password-reset/<uidb64>/<token>/",
        account.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("account/orders/", account.orders, name="orders"),
    path("account/orders/<int:number>/", account.order, name="order"),
    path("account/orders/<int:number>/cancel/", account.order_cancel, name="order_cancel"),
    path("account/orders/<int:number>/invoice/", account.order_invoice, name="order_invoice"),
    # App: manifest, service worker, offline page
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("offline/", app.offline, name="offline"),
    # Language
    path("language/", language.language, name="language"),
]

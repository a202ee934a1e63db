"""The storefront's URLs (stable: emails, apps and docs link here). Each
part's block is kept together."""

from django.urls import path

from .views import account, cart, catalog, checkout, language

app_name = "storefront"

urlpatterns = [
    # Catalog: home, search, product pages
    path("", catalog.home, name="home"),
    path("search/", catalog.home, name="search"),
    # Cart
    path("cart/", cart.cart, name="cart"),
    # Checkout and confirmation
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/shipping-methods/", checkout.shipping_methods, name="checkout_shipping_methods"),
    path("checkout/<uuid:checkout_id>/pay/", checkout.pay, name="checkout_pay"),
    path("orders/<int:number>/confirmation/", checkout.confirmation, name="confirmation"),
    # Account: login, register, password reset, my orders
    path("account/", account.account, name="account"),
    path("account/login/", account.login, name="login"),
    # App: manifest, service worker, offline page
    # Language
    path("language/", language.language, name="language"),
]

"""The storefront's URLs (stable: emails, apps and docs link here). Each
part's block is kept together."""

from django.urls import path

from .views import account, cart, catalog, language

app_name = "storefront"

urlpatterns = [
    # Catalog: home, search, product pages
    path("", catalog.home, name="home"),
    path("search/", catalog.home, name="search"),
    # Cart
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", cart.cart_line, name="cart_line"),
    path("cart/lines/<int:line_id>/remove/", cart.cart_line_remove_view, name="cart_line_remove"),
    # Checkout and confirmation
    # Account: login, register, password reset, my orders
    path("account/", account.account, name="account"),
    path("account/login/", account.login, name="login"),
    # App: manifest, service worker, offline page
    # Language
    path("language/", language.language, name="language"),
]

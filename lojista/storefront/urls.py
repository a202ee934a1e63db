"""The storefront's URLs (stable: emails, apps and docs link here). Each
part's block is kept together."""

from django.urls import path

from .views import account, cart, catalog, language

app_name = "storefront"

urlpatterns = [
    # Catalog: home, search, product pages
    path("", catalog.home, name="home"),
    path("search/", catalog.search, name="search"),
    path("products/<slug:slug>/", catalog.product, name="product"),
    # Cart
    path("cart/", cart.cart, name="cart"),
    # Checkout and confirmation
    # Account: login, register, password reset, my orders
    path("account/", account.account, name="account"),
    path("account/login/", account.login, name="login"),
    # App: manifest, service worker, offline page
    # Language
    path("language/", language.language, name="language"),
]

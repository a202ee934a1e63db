"""The storefront's URLs (stable: emails, apps and docs link here). Each
part's block is kept together."""

from django.urls import path

from .views import account, app, cart, catalog, language

app_name = "storefront"

urlpatterns = [
    # Catalog: home, search, product pages
    path("", catalog.home, name="home"),
    path("search/", catalog.home, name="search"),
    # Cart
    path("cart/", cart.cart, name="cart"),
    # Checkout and confirmation
    # Account: login, register, password reset, my orders
    path("account/", account.account, name="account"),
    path("account/login/", account.login, name="login"),
    # App: manifest, service worker, offline page
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("offline/", app.offline, name="offline"),
    # Language
    path("language/", language.language, name="language"),
]

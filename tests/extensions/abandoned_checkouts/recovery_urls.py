"""The storefront's two link pages, stubbed for the engine's tests until
the pages (another branch) define them: the site's URLs plus the names the
reminders link to. Used only when those names do not resolve."""

from django.http import HttpResponse
from django.urls import include, path

from lojista.urls import urlpatterns as site_patterns


def _stub(request, token):
    return HttpResponse(token)


shop_patterns = [
    path("cart/recover/<str:token>/", _stub, name="recover"),
    path("emails/unsubscribe/<str:token>/", _stub, name="unsubscribe"),
]

urlpatterns = [path("", include((shop_patterns, "abandoned_checkouts_shop"))), *site_patterns]

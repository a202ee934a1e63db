from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/placeholder.html", {"title": _("My account")})


@require_GET
def login(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/placeholder.html", {"title": _("Log in")})

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lojista.customers.web import owner_required


@require_GET
@owner_required
def settings(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/placeholder.html", {"title": _("Settings")})

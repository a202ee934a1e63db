"""The extensions the shop can install (issue 13 adds installing here)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lojista.core.extensions import extension_list
from lojista.customers.web import owner_required


@require_GET
@owner_required
def extensions(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/extensions.html", {"extensions": extension_list()})

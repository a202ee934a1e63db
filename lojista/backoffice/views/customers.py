from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lojista.customers.web import staff_required


@require_GET
@staff_required
def customers(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/placeholder.html", {"title": _("Customers")})

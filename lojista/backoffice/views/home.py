from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lojista.customers.web import staff_required


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/home.html")

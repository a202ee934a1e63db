from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lojista.customers.web import staff_required


@staff_required
def backoffice_page(request: HttpRequest) -> HttpResponse:
    return render(request, "sample_extension/page.html")


def storefront_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("The sample extension's storefront page.", content_type="text/plain")

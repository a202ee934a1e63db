"""The project's URLs plus tiny pages that log people in with sessions and are
guarded by role, as the back office and the storefront will be (tests only)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme

from lojista.carts.services import customer_session_login
from lojista.core.errors import DomainError, Throttled
from lojista.customers.auth import STAFF_ROLES
from lojista.customers.web import owner_required, session_login, session_password_change, staff_required
from lojista.urls import urlpatterns as project_urlpatterns

# The storefront keeps the guest's cart token in an HttpOnly cookie.
CART_COOKIE = "cart"


def _refused(error: DomainError) -> HttpResponse:
    response = HttpResponse(str(error.message), status=error.status)
    if isinstance(error, Throttled):
        response["Retry-After"] = str(error.retry_after)
    return response


def staff_login(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(
            f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}">'
        )
    try:
        session_login(
            request, email=request.POST["email"], password=request.POST["password"], roles=STAFF_ROLES
        )
    except DomainError as error:
        return _refused(error)
    next_url = request.GET.get("next", "/test/staff/")
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    return HttpResponse(status=302, headers={"Location": next_url if safe else "/test/staff/"})


def shop_login(request: HttpRequest) -> HttpResponse:
    try:
        login = customer_session_login(
            request,
            email=request.POST["email"],
            password=request.POST["password"],
            guest_cart_token=request.COOKIES.get(CART_COOKIE),
        )
    except DomainError as error:
        return _refused(error)
    response = JsonResponse({"messages": login.messages})
    response.set_cookie(CART_COOKIE, login.cart.token, httponly=True)
    return response


def change_password(request: HttpRequest) -> HttpResponse:
    try:
        session_password_change(
            request, current_password=request.POST["current"], new_password=request.POST["new"]
        )
    except DomainError as error:
        return _refused(error)
    return HttpResponse(status=204)


def whoami(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.user.get_username())


@staff_required
def staff_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("orders")


@owner_required
def owner_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("settings")


@staff_required(login_url="/test/elsewhere/")
def elsewhere_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("elsewhere")


urlpatterns = [
    path("test/staff/login/", staff_login),
    path("test/shop/login/", shop_login),
    path("test/whoami/", whoami),
    path("test/password/", change_password),
    path("test/staff/", staff_page),
    path("test/owner/", owner_page),
    path("test/elsewhere-guarded/", elsewhere_page),
    *project_urlpatterns,
]

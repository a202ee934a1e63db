"""The owner's webhook pages: the endpoints, an endpoint with its secret and
delivery log, adding and editing one. They call the services and selectors
the API calls; every page answers 404 while the extension is uninstalled
(the glue guards them)."""

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lojista.core.errors import DomainError, InvalidInput
from lojista.core.forms import add_domain_error
from lojista.customers.web import owner_required
from lojista.extensions.order_webhooks import selectors, services
from lojista.extensions.order_webhooks.errors import DeliveryNotFound, EndpointNotFound
from lojista.extensions.order_webhooks.forms import EndpointForm
from lojista.extensions.order_webhooks.models import Delivery, Endpoint

PAGE_SIZE = 50


def _endpoint(pk: int) -> Endpoint:
    try:
        return selectors.endpoint_get(endpoint_id=pk)
    except EndpointNotFound:
        raise Http404(_("No such webhook endpoint.")) from None


def _delivery(pk: int) -> Delivery:
    try:
        return selectors.delivery_get(delivery_id=pk)
    except DeliveryNotFound:
        raise Http404(_("No such webhook delivery.")) from None


def _to_endpoint(endpoint_id: int) -> HttpResponse:
    return redirect("order_webhooks:endpoint", endpoint_id)


@require_GET
@owner_required
def endpoints(request: HttpRequest) -> HttpResponse:
    return render(request, "order_webhooks/endpoints.html", {"endpoints": selectors.endpoint_list()})


def _form_page(request: HttpRequest, endpoint: Endpoint | None) -> HttpResponse:
    initial = EndpointForm.initial_of(endpoint) if endpoint else {}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            if endpoint is None:
                endpoint = services.endpoint_create(**fields)
                messages.success(request, _("The endpoint was added. Its signing secret is below."))
            else:
                services.endpoint_update(endpoint=endpoint, **fields)
                messages.success(request, _("The endpoint was saved."))
        except (InvalidInput, DomainError) as error:
            add_domain_error(form, error)
        else:
            return _to_endpoint(endpoint.pk)
    return render(request, "order_webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint})


@require_http_methods(["GET", "POST"])
@owner_required
def endpoint_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@require_http_methods(["GET", "POST"])
@owner_required
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _endpoint(pk))


def _log_page(request: HttpRequest, endpoint: Endpoint, status: str) -> selectors.DeliveryPage:
    """The page the request's cursor names; a cursor we did not hand out (a
    hand-edited link) reads the first page, with a message."""
    cursor = request.GET.get("cursor") or None
    try:
        return selectors.delivery_page(endpoint=endpoint, status=status, cursor=cursor, limit=PAGE_SIZE)
    except InvalidInput:
        messages.error(request, _("That page link is not valid; here is the first page."))
        return selectors.delivery_page(endpoint=endpoint, status=status, limit=PAGE_SIZE)


@require_GET
@owner_required
def endpoint(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(pk)
    status = request.GET.get("status", "")
    if status not in Delivery.Status.values:
        status = ""
    context = {
        "endpoint": endpoint,
        "page": _log_page(request, endpoint, status),
        "status": status,
        "statuses": Delivery.Status.choices,
        "retryable": {Delivery.Status.READY, Delivery.Status.FAILED},
    }
    return render(request, "order_webhooks/endpoint.html", context)


@require_POST
@owner_required
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    services.endpoint_rotate_secret(endpoint=_endpoint(pk))
    messages.success(request, _("The signing secret was replaced: give the new one to your receiver."))
    return _to_endpoint(pk)


@require_POST
@owner_required
def endpoint_active(request: HttpRequest, pk: int) -> HttpResponse:
    is_active = request.POST.get("active") == "1"
    services.endpoint_update(endpoint=_endpoint(pk), is_active=is_active)
    if is_active:
        messages.success(request, _("The endpoint is enabled: deliveries that waited are being sent."))
    else:
        messages.success(request, _("The endpoint is disabled: nothing is sent to it until you enable it."))
    return _to_endpoint(pk)


@require_POST
@owner_required
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.endpoint_ping(endpoint=_endpoint(pk))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("A test event is on its way: its outcome appears in the log below."))
    return _to_endpoint(pk)


@require_POST
@owner_required
def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(pk)
    services.endpoint_delete(endpoint=endpoint)
    messages.success(request, _("The endpoint %(url)s was deleted.") % {"url": endpoint.url})
    return redirect("order_webhooks:endpoints")


@require_GET
@owner_required
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(pk)
    payload = json.dumps(json.loads(delivery.payload), indent=2)
    back = reverse("order_webhooks:endpoint", args=[delivery.endpoint_id])
    return render(
        request, "order_webhooks/delivery.html", {"delivery": delivery, "payload": payload, "back": back}
    )


@require_POST
@owner_required
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(pk)
    try:
        services.delivery_retry(delivery=delivery)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The delivery is being sent again."))
    return _to_endpoint(delivery.endpoint_id)

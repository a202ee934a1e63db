"""The Extension Store (owners): the extensions the shop can install, each
installed or uninstalled from its card. It calls the same functions as the
API (``core.extensions``); uninstalling asks first, on a page of its own."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lojista.core.errors import ExtensionNotFound
from lojista.core.extensions import (
    ExtensionInfo,
    extension_config,
    extension_install,
    extension_list,
    extension_uninstall,
)
from lojista.customers.web import owner_required

STORE = "backoffice:extensions"


@dataclass(frozen=True)
class StoreEntry:
    extension: ExtensionInfo
    # Its page, while it is installed and the page exists; else None.
    url: str | None


def _page_url(extension: ExtensionInfo) -> str | None:
    if not extension.installed or not extension.url_name:
        return None
    try:
        return reverse(extension.url_name)
    except NoReverseMatch:  # its pages are not written yet
        return None


@require_GET
@owner_required
def extensions(request: HttpRequest) -> HttpResponse:
    entries = [StoreEntry(extension, _page_url(extension)) for extension in extension_list()]
    return render(request, "backoffice/extensions.html", {"entries": entries})


@require_POST
@owner_required
def extension_set(request: HttpRequest, slug: str) -> HttpResponse:
    """``installed=true`` installs, ``installed=false`` shows what
    uninstalling does and asks, and ``installed=false&confirmed=yes``
    uninstalls; then back to the store with a message."""
    try:
        name = str(extension_config(slug).verbose_name)
    except ExtensionNotFound as exc:
        raise Http404(exc.message) from exc
    installed = request.POST.get("installed")
    if installed == "true":
        extension_install(slug=slug)
        messages.success(request, _("%(name)s is installed.") % {"name": name})
    elif installed == "false" and request.POST.get("confirmed") == "yes":
        extension_uninstall(slug=slug)
        messages.success(
            request,
            _("%(name)s is uninstalled. Its data is kept: install it again to resume where it was.")
            % {"name": name},
        )
    elif installed == "false":
        return render(request, "backoffice/extension_uninstall.html", {"slug": slug, "name": name})
    else:
        raise BadRequest("installed must be true or false")
    return redirect(STORE)

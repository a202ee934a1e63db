"""Keyset pages in the back office's lists."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput

T = TypeVar("T")


def page_or_first(request: HttpRequest, read: Callable[[str | None], T]) -> T:
    """``read`` the page the request's cursor names; a cursor we did not hand
    out (a hand-edited link) reads the first page, with a message."""
    try:
        return read(request.GET.get("cursor") or None)
    except InvalidInput:
        messages.error(request, _("That page link is not valid; here is the first page."))
        return read(None)

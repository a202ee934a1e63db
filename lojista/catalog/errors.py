"""Catalog errors, mapped to HTTP in lojista/api.py."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, NotFound


class ProductNotFound(NotFound):
    """Unknown and unpublished products answer alike (``not_found``, "Not
    found."), so drafts stay secret."""


class AlreadyTaken(Conflict):
    """A value that must be unique (a product's slug, a variant's SKU) is
    another's already; ``details.fields`` names the field, so a form shows
    the message beside it. Subclasses give the stable codes."""

    field: str = ""

    def __init__(self, value: str, message: Any = None):
        super().__init__(message)
        self.details = {"fields": {self.field: [str(self.message)]}, "value": value}


class SlugTaken(AlreadyTaken):
    code = "slug_taken"
    field = "slug"
    default_message = _("Another product already has this slug.")


class SkuTaken(AlreadyTaken):
    code = "sku_taken"
    field = "sku"
    default_message = _("Another variant already has this SKU.")

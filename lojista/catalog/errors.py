"""Catalog errors, mapped to HTTP in lojista/api.py."""

from lojista.core.errors import NotFound


class ProductNotFound(NotFound):
    """Unknown and unpublished products answer alike (``not_found``, "Not
    found."), so drafts stay secret."""

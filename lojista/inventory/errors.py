"""Errors of stock: not enough to sell or hold, and counts that would go negative."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, NotFound


class InsufficientStock(Conflict):
    """Some tracked variants cannot supply what was asked; ``details.lines``
    names each of them with what was requested and what is available."""

    code = "insufficient_stock"
    default_message = _("There is not enough stock for some of the items.")

    def __init__(self, lines: list[dict[str, int]], message: Any = None):
        super().__init__(message, details={"lines": lines})


class StockWouldGoNegative(Conflict):
    code = "stock_would_go_negative"
    default_message = _("This adjustment would leave less than zero units on hand.")

    def __init__(self, *, variant_id: int, on_hand: int, delta: int):
        super().__init__(details={"variant_id": variant_id, "on_hand": on_hand, "delta": delta})


class VariantNotFound(NotFound):
    default_message = _("Variant not found.")

    def __init__(self, variant_ids: list[int]):
        super().__init__(details={"variant_ids": variant_ids})

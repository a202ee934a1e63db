"""``{% load money %}{{ order.total|money:order.currency }}``: money as people
read it in the active language (``core.money.format_money``), for the back
office's and the storefront's templates."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from lojista.core.money import format_money

register = template.Library()


@register.filter(name="money")
def money(value: Any, currency: str | None = None) -> str:
    """The shop's currency without an argument. Like Django's own filters, a
    value that is not a number (None, "") shows as nothing rather than failing
    the page."""
    if isinstance(value, bool) or value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return ""
    if not amount.is_finite():
        return ""
    return format_money(amount, currency or None)

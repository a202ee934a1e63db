"""Schemas shared by every app's API: money and the error body."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from ninja import Schema


class Money(Schema):
    amount: str
    currency: str

    @classmethod
    def of(cls, amount: Decimal, currency: str | None = None) -> "Money":
        return cls(amount=f"{amount:.2f}", currency=currency or settings.LOJISTA_CURRENCY)


class Error(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}

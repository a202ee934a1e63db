"""Schemas shared by every app's API: money and the error body."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator
from pydantic_core import PydanticCustomError


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


class BodySchema(Schema):
    """A request body: a JSON object, nothing else. Ninja's Schema reads
    attributes of whatever it is given (to accept model instances), so without
    this check a body of ``7``, ``null`` or ``[null]`` reads as an object with
    no fields, and every field takes its default."""

    @model_validator(mode="before")
    @classmethod
    def _must_be_an_object(cls, data: Any) -> Any:
        # Ninja's own validator has already wrapped the body in a DjangoGetter.
        body = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(body, dict):
            raise PydanticCustomError("body_not_object", str(_("The request body must be a JSON object.")))
        return data

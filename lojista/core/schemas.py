"""Schemas shared by every app's API: the base of every input, money and the error body."""

import functools
from decimal import Decimal
from typing import Annotated, Any, get_args, get_origin

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    BeforeValidator,
    ConfigDict,
    JsonValue,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from lojista.core.money import amount_text
from lojista.core.validation import (
    CONTROL_CHARACTERS_MESSAGE,
    MULTILINE_TEXT_PATTERN,
    TEXT_PATTERN,
    has_control_characters,
)


def _integral_number(value: Any) -> Any:
    """JSON has one number type: 3.0 is the integer 3 (as JSON Schema says)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A count: 3 and 3.0 are accepted; 2.5, "3" and true are refused, not coerced.
WholeNumber = Annotated[int, BeforeValidator(_integral_number), Strict()]

# Documents an email field's format in the OpenAPI document (the check is Django's).
EMAIL_FORMAT: dict[str, JsonValue] = {"format": "email"}


class _LineBreaksAllowed:
    """Marks a text field as multi-line: tabs and line breaks are allowed in it."""

    def __repr__(self) -> str:
        return "LINE_BREAKS_ALLOWED"


LINE_BREAKS_ALLOWED = _LineBreaksAllowed()

# The explicit opt-in for multi-line text (notes, messages, template bodies):
# every other text refuses tabs and line breaks too.
MultilineText = Annotated[str, LINE_BREAKS_ALLOWED]


def _allows_line_breaks(annotation: Any) -> bool:
    if get_origin(annotation) is Annotated and LINE_BREAKS_ALLOWED in annotation.__metadata__:
        return True
    return any(_allows_line_breaks(arg) for arg in get_args(annotation))


@functools.cache
def _multiline_fields(model: type["InputSchema"]) -> frozenset[str]:
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if LINE_BREAKS_ALLOWED in field.metadata or _allows_line_breaks(field.annotation)
    )


def _contains_control_characters(value: Any, *, multiline: bool) -> bool:
    if isinstance(value, str):
        return has_control_characters(value, multiline=multiline)
    if isinstance(value, dict):
        return any(
            _contains_control_characters(item, multiline=multiline) for item in (*value, *value.values())
        )
    if isinstance(value, list | tuple | set | frozenset):
        return any(_contains_control_characters(item, multiline=multiline) for item in value)
    return False  # numbers, booleans, nested schemas (which check themselves)


def document_text_rule(schema: dict[str, Any], pattern: str) -> None:
    """Say in a JSON schema what the text rule refuses: every string without
    a pattern, format or fixed values gets ``pattern`` (nested ones too)."""
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(schema):
        schema["pattern"] = pattern
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            document_text_rule(option, pattern)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            document_text_rule(schema[key], pattern)


def _document_input_rule(schema: dict[str, Any], model: type["InputSchema"]) -> None:
    multiline = _multiline_fields(model)
    for name, property_schema in schema.get("properties", {}).items():
        document_text_rule(property_schema, MULTILINE_TEXT_PATTERN if name in multiline else TEXT_PATTERN)


class InputSchema(Schema):
    """The base of every schema a client sends (body, and its nested parts).

    One rule for all: a body that is not a JSON object is refused, so is a
    field the schema does not name (not ignored), and no text may hold
    control characters (NUL, escape codes, and also tabs and line breaks
    unless the field is `MultilineText`). Path, query and header parameters
    get the same text rule in lojista/api.py.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_document_input_rule)  # type: ignore[typeddict-item]

    @model_validator(mode="before")
    @classmethod
    def _must_be_an_object(cls, data: Any) -> Any:
        """A JSON object, nothing else. Ninja's Schema reads attributes of
        whatever it is given (to accept model instances), so without this
        check a body of ``7``, ``null`` or ``[null]`` reads as an object with
        no fields, and every field takes its default."""
        # Ninja's own validator has already wrapped the body in a DjangoGetter.
        body = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(body, dict):
            raise PydanticCustomError("body_not_object", str(_("The request body must be a JSON object.")))
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        multiline = info.field_name in _multiline_fields(cls)
        if _contains_control_characters(value, multiline=multiline):
            raise PydanticCustomError("control_characters", str(CONTROL_CHARACTERS_MESSAGE))
        return value


class Money(Schema):
    amount: str
    currency: str

    @classmethod
    def of(cls, amount: Decimal, currency: str | None = None) -> "Money":
        return cls(amount=amount_text(amount), currency=currency or settings.LOJISTA_CURRENCY)


class Error(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}

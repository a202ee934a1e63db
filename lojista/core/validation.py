import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojista.core.errors import InvalidInput

_http_url = URLValidator(schemes=["http", "https"])

# Unicode's control characters (C0, DEL, C1) and lone surrogates, which no
# text needs: NUL cannot be stored by PostgreSQL, CR/LF would split an email
# header, a surrogate cannot be encoded. Multi-line text keeps tab, LF and CR.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_EXCEPT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# The same rule as JSON schema patterns (ECMA-262), for the OpenAPI document.
TEXT_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
MULTILINE_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

CONTROL_CHARACTERS_MESSAGE = gettext_lazy("This text contains a control character that is not allowed here.")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    pattern = _CONTROL_EXCEPT_LINE_BREAKS if multiline else _CONTROL
    return pattern.search(text) is not None


def check_http_url(field: str, url: str) -> None:
    """Raise InvalidInput naming ``field`` unless ``url`` is an http(s) link."""
    try:
        _http_url(url)
    except ValidationError:
        raise InvalidInput.field(field, _("Enter a valid http or https link.")) from None


# Pydantic's messages are English only: each error type it reports on the
# API's input, in the request's language, with the values its ``ctx`` gives
# (docs/architecture.md, "Validation messages in the request's language").
# A type missing here keeps pydantic's English message; our own validators'
# messages (PydanticCustomError, ValueError) are translated where raised.
PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Enter text."),
    # Django's own wording, as the services' checks (checkout) write it.
    "string_too_short": gettext_lazy(
        "Ensure this value has at least %(min_length)s characters (it has %(length)s)."
    ),
    "string_too_long": gettext_lazy(
        "Ensure this value has at most %(max_length)s characters (it has %(length)s)."
    ),
    "string_pattern_mismatch": gettext_lazy("Enter a value in the expected format."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "finite_number": gettext_lazy("Enter a finite number."),
    "decimal_max_digits": gettext_lazy("Enter a number with at most %(max_digits)s digits."),
    "decimal_max_places": gettext_lazy("Enter a number with at most %(decimal_places)s decimal places."),
    "decimal_whole_digits": gettext_lazy("Enter at most %(whole_digits)s digits before the point."),
    "greater_than": gettext_lazy("Enter a number greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter a number greater than or equal to %(ge)s."),
    "less_than": gettext_lazy("Enter a number less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter a number less than or equal to %(le)s."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "literal_error": gettext_lazy("Enter one of %(expected)s."),
    "enum": gettext_lazy("Enter one of %(expected)s."),
    "list_type": gettext_lazy("Enter a list."),
    "dict_type": gettext_lazy("Enter an object."),
    "model_type": gettext_lazy("Enter an object."),
    "model_attributes_type": gettext_lazy("Enter an object."),
    "too_short": gettext_lazy("Enter at least %(min_length)s items."),
    "too_long": gettext_lazy("Enter at most %(max_length)s items."),
    "extra_forbidden": gettext_lazy("This field is not allowed."),
    "uuid_type": gettext_lazy("Enter a valid UUID."),
    "uuid_parsing": gettext_lazy("Enter a valid UUID."),
    "date_type": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "datetime_type": gettext_lazy("Enter a date and time (ISO 8601)."),
    "datetime_parsing": gettext_lazy("Enter a date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time (ISO 8601)."),
    "url_parsing": gettext_lazy("Enter a valid link."),
    "url_type": gettext_lazy("Enter a valid link."),
    "url_scheme": gettext_lazy("Enter a valid http or https link."),
    "json_invalid": gettext_lazy("Enter valid JSON."),
}
EMAIL_MESSAGE = gettext_lazy("Enter a valid email address.")


def validation_message(error: Mapping[str, Any]) -> str:
    """Pydantic's ``error`` (``type``, ``msg``, ``ctx``) as a message in the
    active language."""
    kind = error.get("type", "")
    ctx = dict(error.get("ctx") or {})
    ctx["length"] = error.get("input_length", "?")
    if kind == "value_error":
        if "reason" in ctx and "email" in str(error.get("msg", "")):
            return str(EMAIL_MESSAGE)
        if "error" in ctx:  # our validators raise ValueError(<translated message>)
            return str(ctx["error"])
    message = PYDANTIC_MESSAGES.get(kind)
    if message is None:
        return str(error.get("msg", ""))
    try:
        return str(message) % {name: _ctx_text(value) for name, value in ctx.items()}
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))


def _ctx_text(value: Any) -> str:
    if isinstance(value, Decimal | float):
        return formats.number_format(value, use_l10n=True)
    return str(value)

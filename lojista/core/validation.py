import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
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

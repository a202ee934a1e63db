from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput

_http_url = URLValidator(schemes=["http", "https"])


def check_http_url(field: str, url: str) -> None:
    """Raise InvalidInput naming ``field`` unless ``url`` is an http(s) link."""
    try:
        _http_url(url)
    except ValidationError:
        raise InvalidInput.field(field, _("Enter a valid http or https link.")) from None

"""A password rule Django does not ship, used through AUTH_PASSWORD_VALIDATORS."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class CharacterVarietyValidator:
    """Refuse a password made of too few different characters, spaces not
    counted. Ten spaces, "aaaaaaaaaa" or "abababab" pass the length rule and
    are not in the common-password list, yet are guessed at once."""

    def __init__(self, min_distinct: int = 4):
        self.min_distinct = min_distinct

    def validate(self, password: str, user: object = None) -> None:
        if len({char for char in password if not char.isspace()}) < self.min_distinct:
            raise ValidationError(self._message(), code="password_too_little_variety")

    def get_help_text(self) -> str:
        return self._message()

    def _message(self) -> str:
        return ngettext(
            "Your password must contain at least %(min_distinct)d different character, not counting spaces.",
            "Your password must contain at least %(min_distinct)d different characters, not counting spaces.",
            self.min_distinct,
        ) % {"min_distinct": self.min_distinct}

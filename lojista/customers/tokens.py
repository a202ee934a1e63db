"""One-time links of accounts: the invitation of a staff member.

Password reset links use Django's ``default_token_generator`` (valid for
PASSWORD_RESET_TIMEOUT); an invitation is the same kind of token, under its
own salt, so that neither link opens the other's page, and valid for
LOJISTA_INVITATION_DAYS: an invitee reads their email later than someone who
just asked for a reset. Both stop working once used: the token hashes the
account's password and last login, which accepting changes.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from lojista.customers.models import User


def invitation_seconds() -> int:
    return settings.LOJISTA_INVITATION_DAYS * 86400


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "lojista.customers.tokens.InvitationTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:  # type: ignore[override]
        """Django's check, with the invitation's lifetime instead of
        PASSWORD_RESET_TIMEOUT (which Django's reads from the settings)."""
        if not (user and token):
            return False
        try:
            made = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - made > invitation_seconds():
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, made, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_token_generator = InvitationTokenGenerator()

"""Bearer-token authentication for the API.

``TokenAuth`` lets any logged-in user in; ``StaffAuth`` answers 401 without a
valid token and 403 to a valid token of a non-staff user.
"""

from django.http import HttpRequest
from ninja.security import HttpBearer

from lojista.core.errors import PermissionDenied
from lojista.customers.models import ApiToken, User, hash_token


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw), user__is_active=True).first()
    )
    return token.user if token else None


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class StaffAuth(TokenAuth):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        if user is not None and not user.is_staff:
            raise PermissionDenied()
        return user


token_auth = TokenAuth()
staff_auth = StaffAuth()

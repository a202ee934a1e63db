"""Bearer-token authentication and roles for the API.

``token_auth`` lets any logged-in user in. ``staff_auth`` and ``owner_auth``
are the role guards of the back office: 401 without a valid token, 403
``forbidden`` to a valid token whose user lacks the role. Every
``/api/v1/admin/`` operation uses one of the two, which is how it declares its
role (the OpenAPI document names ``StaffAuth`` or ``OwnerAuth`` in its
``security``; a test holds every admin operation to it). Code outside the API
(the back office views, extensions) checks a role with ``require_role``.
"""

from collections.abc import Collection
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from lojista.core.errors import PermissionDenied
from lojista.customers.models import ApiToken, User, hash_token

STAFF_ROLES = frozenset({User.Role.OWNER, User.Role.STAFF})
OWNER_ROLES = frozenset({User.Role.OWNER})


# A token's last use is written at most this often, not on every request.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def user_for_token(raw: str) -> User | None:
    """The active user of a live token; using the token extends its life."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), user__is_active=True, last_used_at__gt=ApiToken.expiry_cutoff(now))
        .first()
    )
    if token is None:
        return None
    stale = now - TOKEN_TOUCH_INTERVAL
    if token.last_used_at < stale:
        # Conditional, so that concurrent requests write it once.
        ApiToken.objects.filter(pk=token.pk, last_used_at__lt=stale).update(last_used_at=now)
    return token.user


def has_role(user: User | AnonymousUser | None, roles: Collection[str]) -> bool:
    return isinstance(user, User) and user.is_active and user.is_staff and user.role in roles


def require_role(user: User | AnonymousUser | None, roles: Collection[str]) -> None:
    """Raise ``PermissionDenied`` (403 ``forbidden``) unless ``user`` is a
    staff member with one of ``roles``."""
    if not has_role(user, roles):
        raise PermissionDenied()


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class RoleAuth(TokenAuth):
    """A token of a staff member holding one of ``roles``."""

    roles: frozenset[str]

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        if user is not None:
            require_role(user, self.roles)
        return user


class StaffAuth(RoleAuth):
    roles = STAFF_ROLES
    openapi_description = "The bearer token of a staff member (role staff or owner)."


class OwnerAuth(RoleAuth):
    roles = OWNER_ROLES
    openapi_description = "The bearer token of an owner; a staff member's token gets 403 forbidden."


token_auth = TokenAuth()
staff_auth = StaffAuth()
owner_auth = OwnerAuth()

"""The account emails, registered in the email-kind registry
(NotificationsConfig.ready): customers sits below notifications, so it only
sends ``customers.signals.password_reset_requested``, and this module queues
the email.

``password_reset``'s variables: ``user`` (``name``, ``email``), ``reset_url``
and ``valid_hours``; a staff member's link opens the back office's page, a
customer's the storefront's. ``staff_invitation``'s (``customers.signals.
staff_invited``): ``user`` (``name``, ``email``, ``role``, ``role_label``),
``invited_by`` (the owner's name or email, may be empty), ``accept_url``,
``login_url`` and ``valid_days``. Each link's token is made when the email is
rendered, not when it is queued, so that no secret is copied into the outbox
(docs/security.md) and its lifetime runs from the moment it is sent.
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojista.core.links import invitation_url, password_reset_url
from lojista.customers.auth import STAFF_ROLES, has_role
from lojista.customers.models import User
from lojista.customers.tokens import invitation_seconds, invitation_token_generator
from lojista.notifications import kinds
from lojista.notifications.kinds import EmailKind, EmailRef
from lojista.notifications.models import NotificationSettings
from lojista.notifications.services import outbox_queue
from lojista.notifications.templating import SHIPPED_DIR

USER = "user"
PASSWORD_RESET = "password_reset"
STAFF_INVITATION = "staff_invitation"


def _valid_hours() -> int:
    return max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600))


def _users(ids: list[str]) -> dict[str, User]:
    return {str(pk): user for pk, user in User.objects.in_bulk(ids).items()}


def _password_reset_context(ref: EmailRef, shop: NotificationSettings) -> dict[str, Any]:
    user = ref.subject or User.objects.get(pk=ref.subject_id)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return {
        "user": {"name": user.name, "email": user.email},
        "reset_url": password_reset_url(
            uid, default_token_generator.make_token(user), staff=has_role(user, STAFF_ROLES)
        ),
        "valid_hours": _valid_hours(),
    }


def _password_reset_sample(shop: NotificationSettings) -> dict[str, Any]:
    return {
        "user": {"name": "Ana Souza", "email": "ana@example.com"},
        "reset_url": password_reset_url("MQ", "sample-token"),
        "valid_hours": _valid_hours(),
    }


PASSWORD_RESET_KIND = EmailKind(
    key=PASSWORD_RESET,
    label=gettext_lazy("Password reset"),
    audience="customer",
    template_dir=SHIPPED_DIR,
    subject_type=USER,
    context=_password_reset_context,
    sample=_password_reset_sample,
    load=_users,
)


def _invitee(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "role_label": str(User.Role(user.role).label) if user.role else "",
    }


def _staff_invitation_context(ref: EmailRef, shop: NotificationSettings) -> dict[str, Any]:
    user = ref.subject or User.objects.get(pk=ref.subject_id)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return {
        "user": _invitee(user),
        "invited_by": ref.data.get("invited_by", ""),
        "accept_url": invitation_url(uid, invitation_token_generator.make_token(user)),
        "login_url": _login_url(),
        "valid_days": _valid_days(),
    }


def _staff_invitation_sample(shop: NotificationSettings) -> dict[str, Any]:
    return {
        "user": {"name": "Sam Souza", "email": "sam@example.com", "role": "staff", "role_label": _("Staff")},
        "invited_by": "Olga Owner",
        "accept_url": invitation_url("MQ", "sample-token"),
        "login_url": _login_url(),
        "valid_days": _valid_days(),
    }


def _login_url() -> str:
    return settings.LOJISTA_SITE_URL.rstrip("/") + settings.LOJISTA_STAFF_LOGIN_URL


def _valid_days() -> int:
    return max(1, round(invitation_seconds() / 86400))


STAFF_INVITATION_KIND = EmailKind(
    key=STAFF_INVITATION,
    label=gettext_lazy("Staff invitation"),
    audience="customer",
    template_dir=SHIPPED_DIR,
    subject_type=USER,
    context=_staff_invitation_context,
    sample=_staff_invitation_sample,
    sample_data=lambda: {"invited_by": "Olga Owner"},
    load=_users,
)


def register_account_kinds() -> None:
    kinds.register(PASSWORD_RESET_KIND)
    kinds.register(STAFF_INVITATION_KIND)


def queue_password_reset_email(sender: Any, *, user: User, language: str, **kwargs: Any) -> None:
    """``customers.signals.password_reset_requested`` -> the email, in the
    request's transaction; every request its own email (the rate limit, 3 an
    hour per email, bounds them)."""
    outbox_queue(
        kind=PASSWORD_RESET,
        recipients=[user.email],
        language=language,
        dedupe_key=f"user:{user.pk}:password_reset:{uuid.uuid4().hex}",
        ref=EmailRef(USER, str(user.pk)),
    )


def queue_staff_invitation_email(
    sender: Any, *, user: User, invited_by: User | None, language: str, **kwargs: Any
) -> None:
    """``customers.signals.staff_invited`` -> the invitation, in the
    inviting transaction; each invitation its own email."""
    outbox_queue(
        kind=STAFF_INVITATION,
        recipients=[user.email],
        language=language,
        dedupe_key=f"user:{user.pk}:staff_invitation:{uuid.uuid4().hex}",
        ref=EmailRef(
            USER, str(user.pk), {"invited_by": (invited_by.name or invited_by.email) if invited_by else ""}
        ),
    )

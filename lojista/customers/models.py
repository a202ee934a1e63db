"""People: customers who buy and staff who run the shop, in one user model.

Staff are users with ``is_staff`` and a ``role`` (owner or staff); owners are
also Django superusers (every Django permission).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return (email or "").strip().lower()

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=User.Role.OWNER)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored: a database leak leaks no token.

    Its lifetime slides: it expires LOJISTA_TOKEN_TTL_DAYS after its last use
    (``last_used_at``, written at most once a minute by the authentication).
    A user keeps at most LOJISTA_TOKEN_MAX_PER_USER tokens: issuing one more
    revokes the least recently used.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"token of {self.user_id} from {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def expiry_cutoff(now: datetime | None = None) -> datetime:
        """Tokens last used at or before this moment have expired."""
        return (now or timezone.now()) - timedelta(days=settings.LOJISTA_TOKEN_TTL_DAYS)

    @classmethod
    def issue(cls, user: User) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=hash_token(raw))
        kept = cls.objects.filter(user=user).order_by("-last_used_at", "-pk")[
            : settings.LOJISTA_TOKEN_MAX_PER_USER
        ]
        cls.objects.filter(user=user).exclude(pk__in=kept.values("pk")).delete()
        return raw


class LoginFailure(models.Model):
    """One failed login, counted per email and per client address for throttling."""

    email = models.CharField(max_length=254, db_index=True)
    client_address = models.CharField(max_length=45, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.client_address} at {self.created_at:%Y-%m-%d %H:%M}"

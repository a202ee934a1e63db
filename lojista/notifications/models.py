"""Notifications: the email outbox, the shop's email settings and the
templates merchants override.

An ``OutboxMessage`` is written in the transaction of the business change that
causes it (an order placed, a status change…), so an order never exists
without its emails and a rolled-back order leaves none. A background task
delivers it afterwards (see services.outbox_deliver and docs/emails.md).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lojista.core.generations import Generation
from lojista.core.selectors import shop_name

# An email kind's key (kinds.py registry): any registered kind, so no choices here.
KIND_LENGTH = 50


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        READY = "ready", _("Ready")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # What makes two messages "the same email": written once, sent once.
    dedupe_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=KIND_LENGTH)
    # What the email is about, as its kind's context builder reads it
    # (kinds.EmailRef): ("order", "<order pk>"), ("checkout", "<id>")…; empty
    # for an email about nothing in particular or a test send on sample data.
    subject_type = models.CharField(_("subject type"), max_length=50, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    # The order of an order email, for its timeline and staff lists (a test
    # send shown on an order is not linked: it stays off the timeline).
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="outbox_messages"
    )
    # A template tried out by staff: "[Test]" in the subject, sample row data.
    is_test = models.BooleanField(_("test send"), default=False)
    recipients = models.JSONField(_("recipients"), default=list)
    language = models.CharField(_("language"), max_length=10)
    # Only what the order does not hold: the staff's message, the template a
    # test send shows… plain JSON values, never objects.
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.READY, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the row may next be claimed: the retry time of a ready row, the end
    # of the lease of a row being sent (a crashed worker's row comes back then).
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Chosen when the row is written, so a resend after a crash carries the
    # same Message-ID and mail clients can tell it is the same email.
    message_id = models.CharField(_("Message-ID"), max_length=255)
    # The batch that claimed the row last (services.outbox): how a worker
    # finds the rows its one UPDATE took, and tells they are still its own.
    claim = models.CharField(max_length=32, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="outbox_subject")]

    def __str__(self) -> str:
        return f"{self.kind} to {', '.join(self.recipients)} ({self.status})"


# The cached settings row: every save or delete of it makes the copy stale
# (at once, and again at commit); a process with its own cache (no
# CACHE_URL) sees another process's change within SETTINGS_CACHE_SECONDS.
SETTINGS = Generation("notification-settings")
SETTINGS_CACHE_SECONDS = 60


def notification_settings_changed(**kwargs: Any) -> None:
    """Connected to NotificationSettings' post_save and post_delete
    (NotificationsConfig.ready), however the row is saved."""
    SETTINGS.bump()


class NotificationSettings(models.Model):
    """The shop's email settings: a single row (pk 1)."""

    sender_name = models.CharField(_("sender name"), max_length=100, blank=True)
    sender_email = models.EmailField(_("sender address"), blank=True)
    logo_url = models.URLField(_("logo URL"), max_length=500, blank=True)
    order_notification_emails = models.JSONField(_("order notification addresses"), default=list, blank=True)
    payment_instructions = models.TextField(
        _("offline payment instructions"),
        blank=True,
        help_text=_("Shown in the confirmation of an order paid offline (bank transfer, cash on delivery)."),
    )
    # payment_instructions in the customer's other languages:
    # {"pt-br": {"payment_instructions": "…"}}; the field above is in the
    # shop's language, the fallback.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(_("Notification settings"))

    @classmethod
    def load(cls) -> "NotificationSettings":
        """The settings; unsaved defaults until staff first save them (a read
        never writes). Read on every order placed and every email sent, so
        kept in Django's cache until the row is saved or deleted (see
        ``notification_settings_changed``; issue 14)."""
        return SETTINGS.cached(("row",), cls._read, timeout=SETTINGS_CACHE_SECONDS)

    @classmethod
    def _read(cls) -> "NotificationSettings":
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def from_name(self) -> str:
        return self.sender_name or shop_name()


class EmailTemplate(models.Model):
    """A merchant's version of one email in one language; without one, the
    shipped files (templates/emails/) are used."""

    kind = models.CharField(_("kind"), max_length=KIND_LENGTH)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=500)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="one_email_template_per_kind_language")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"

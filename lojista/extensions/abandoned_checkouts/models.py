"""Abandoned checkouts: the owner's settings, one row per watched checkout,
the reminders sent, and the addresses that asked for no more.

A checkout is *watched* from the moment it starts (the checkout_started
receiver writes its row with ``due_at`` = start + delay); the sweep finds the
rows due through the partial index on ``due_at`` and decides: completed in
time (the row goes), or abandoned (its stock hold is released). From then on
``next_reminder_at`` (indexed too) says when the automatic sequence sends
its next step, and the row's status follows the customer: reminded, clicked,
recovered — or unsubscribed, expired.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_schedule() -> list[int]:
    """1 hour, 24 hours, 72 hours after the checkout was abandoned."""
    return [60, 1440, 4320]


class RecoverySettings(models.Model):
    """The owner's settings: a single row (pk 1), written when the owner
    first saves them (``load()`` gives the defaults until then)."""

    delay_minutes = models.PositiveIntegerField(_("abandoned after (minutes)"), default=60)
    auto_send = models.BooleanField(_("send reminders automatically"), default=False)
    # Up to three steps, minutes after abandonment, ascending; 0 allowed.
    schedule_minutes = models.JSONField(_("reminder schedule (minutes)"), default=default_schedule)
    link_ttl_days = models.PositiveIntegerField(_("recovery link lifetime (days)"), default=7)
    retention_days = models.PositiveIntegerField(_("keep personal data (days)"), default=90)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("abandoned checkout settings")

    def __str__(self) -> str:
        return "abandoned checkout settings"

    @classmethod
    def load(cls) -> "RecoverySettings":
        """The settings; unsaved defaults until the owner first saves them
        (a read never writes: one query)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class AbandonedCheckout(models.Model):
    class Status(models.TextChoices):
        # Started, not yet past the delay: never listed, never counted.
        WATCHING = "watching", _("Watching")
        ABANDONED = "abandoned", _("Abandoned")
        REMINDED = "reminded", _("Reminded")
        CLICKED = "clicked", _("Clicked")
        RECOVERED = "recovered", _("Recovered")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        EXPIRED = "expired", _("Expired")
        # The customer ordered without a reminder's help (none sent yet, or
        # after the link's lifetime): the sequence stopped, not counted as
        # recovered (decision 161).
        ORDERED = "ordered", _("Ordered")

    checkout = models.OneToOneField(
        "checkout.Checkout", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cart = models.ForeignKey("carts.Cart", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.WATCHING)
    # Personal data, blanked by the retention purge (purged_at).
    email = models.EmailField(_("email"), blank=True)
    # The email lower-cased: what "the same email" means (attribution, one
    # sequence per email, unsubscribe); indexed.
    email_key = models.CharField(max_length=254, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)
    # What was in the cart: [{variant_id, product_name, variant_name, sku,
    # unit_price, quantity}], its value and item count, as at checkout.
    items = models.JSONField(default=list)
    item_count = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    cart_value = models.DecimalField(max_digits=12, decimal_places=2)
    started_at = models.DateTimeField(default=timezone.now)
    # When the sweep decides (started_at + delay); indexed while watching.
    due_at = models.DateTimeField()
    abandoned_at = models.DateTimeField(null=True, blank=True)
    # The automatic sequence: the next step (0-based) and when it is due;
    # null when nothing more is to be sent automatically.
    next_step = models.PositiveSmallIntegerField(default=0)
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    first_reminded_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # The reminders' links work until then (last reminder + link_ttl_days).
    link_expires_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    restored_cart = models.ForeignKey(
        "carts.Cart", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recovered_at = models.DateTimeField(null=True, blank=True)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recovered_total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("abandoned checkout")
        verbose_name_plural = _("abandoned checkouts")
        indexes = [
            models.Index(
                fields=["due_at"], name="abandoned_watching_due", condition=models.Q(status="watching")
            ),
            models.Index(
                fields=["next_reminder_at"],
                name="abandoned_next_reminder",
                condition=models.Q(next_reminder_at__isnull=False),
            ),
            models.Index(fields=["abandoned_at", "id"], name="abandoned_at_id"),
            # The sweep's expiry: reminded rows whose link ran out.
            models.Index(
                fields=["link_expires_at"],
                name="abandoned_link_expiry",
                condition=models.Q(status__in=["reminded", "clicked"]),
            ),
            # The retention purge: rows still holding personal data, oldest first.
            models.Index(
                fields=["started_at"], name="abandoned_not_purged", condition=models.Q(purged_at=None)
            ),
            # The results page counts each step on its own date.
            models.Index(fields=["first_reminded_at"], name="abandoned_first_reminded"),
            models.Index(fields=["clicked_at"], name="abandoned_clicked"),
            models.Index(fields=["recovered_at"], name="abandoned_recovered"),
        ]

    def __str__(self) -> str:
        return f"abandoned checkout {self.pk} ({self.status})"


class Reminder(models.Model):
    """A recovery email sent (queued in the outbox) for an abandoned
    checkout: a step of the automatic schedule (0, 1, 2), at most once each,
    or one sent by hand (``step`` null) with staff's optional message."""

    abandoned = models.ForeignKey(AbandonedCheckout, on_delete=models.CASCADE, related_name="reminders")
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["abandoned", "step"], name="one_reminder_per_step"),
        ]

    def __str__(self) -> str:
        return f"reminder {self.step} of {self.abandoned_id}"


class Unsubscribe(models.Model):
    """An address that asked for no more reminders (one click, no login).
    Kept by the retention purge: it is how the request is honoured; only a
    digest of the address is stored (``services.email_digest``)."""

    email_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"unsubscribe {self.email_digest[:8]}"

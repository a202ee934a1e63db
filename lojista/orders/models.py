"""Orders: what was sold, to whom, for how much, and everything that happened since.

An order is a snapshot: lines, prices, addresses and shipping are copied at
placement and never recomputed. Orders are never deleted.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lojista.catalog.models import PricedLineSnapshot


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    REFUNDED = "refunded", _("Refunded")
    # A cancelled order's card payment is being given back (after the
    # cancellation commits), or the gateway refused: staff see why and retry.
    REFUND_PENDING = "refund_pending", _("Refund pending")
    REFUND_FAILED = "refund_failed", _("Refund failed")


class Fulfilment(models.TextChoices):
    """How the order reaches the customer: sent to their address, or
    collected by them at the shop (a shipping method of kind "pickup")."""

    SHIPPING = "shipping", _("Shipping")
    PICKUP = "pickup", _("Pickup")


class OrderNumberCounter(models.Model):
    """A single row (pk 1, created by the first placement) holding the last
    order number handed out. Incremented inside the placement transaction:
    numbers are unique and gap-free, since a rolled-back placement rolls its
    increment back too."""

    last = models.PositiveIntegerField()

    def __str__(self) -> str:
        return str(self.last)


class InvoiceNumberCounter(models.Model):
    """The last invoice number handed out, like OrderNumberCounter: a single
    row, incremented in the transaction that makes the order paid (placement
    for a card, mark-paid for an offline payment), so invoice numbers are
    unique and gap-free and an invoice always belongs to a paid order."""

    last = models.PositiveIntegerField()

    def __str__(self) -> str:
        return str(self.last)


class Order(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    checkout = models.OneToOneField(
        "checkout.Checkout", on_delete=models.SET_NULL, null=True, blank=True, related_name="order"
    )
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PENDING, db_index=True
    )
    payment_status = models.CharField(_("payment status"), max_length=20, choices=PaymentStatus.choices)
    payment_method = models.CharField(_("payment method"), max_length=10)
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_price = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_address = models.JSONField(_("shipping address"))
    shipping_method_code = models.CharField(max_length=50)
    shipping_method_name = models.CharField(_("shipping method"), max_length=100)
    # The method's description and its other languages when the order was
    # placed (ShippingMethod.translations), for the customer's emails.
    shipping_method_description = models.CharField(max_length=200, blank=True, db_default="")
    shipping_method_translations = models.JSONField(default=dict, blank=True, db_default={})
    fulfilment = models.CharField(
        _("fulfilment"),
        max_length=10,
        choices=Fulfilment.choices,
        default=Fulfilment.SHIPPING,
        db_default=Fulfilment.SHIPPING,
    )
    # A pickup order's snapshot of its method's location and opening details.
    # Database defaults: the code running while the migration is applied
    # (upgrades migrate first, then restart) still places orders without them.
    pickup_location = models.TextField(_("pickup location"), blank=True, default="", db_default="")
    pickup_details = models.TextField(_("opening details"), blank=True, default="", db_default="")
    # Set when the order became paid (placement for a card, mark-paid for an
    # offline payment); null while awaiting payment.
    invoice_number = models.PositiveIntegerField(_("invoice number"), unique=True, null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    tracking_url = models.URLField(_("tracking link"), max_length=500, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=20, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        # The back office's lists are keyset-paginated on the number, newest
        # first (orders.selectors.staff_orders): with these, a page of a tab,
        # a status or a payment status is a short index range at any depth,
        # not a scan past every order of the other kinds (bench/data.py).
        indexes = [
            models.Index(fields=["status", "-number"], name="order_status_number_idx"),
            models.Index(fields=["payment_status", "-number"], name="order_payment_number_idx"),
            # The "Pending" tab (statuses.TABS), whose IN list a two-column index cannot keep in order.
            models.Index(
                fields=["-number"],
                condition=models.Q(status__in=["pending", "processed"]),
                name="order_pending_tab_number_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class OrderLine(PricedLineSnapshot):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_total = models.DecimalField(max_digits=12, decimal_places=2)


class OrderEvent(models.Model):
    """One entry of an order's timeline: placed, a status change, a note…"""

    class Type(models.TextChoices):
        PLACED = "placed", _("Order placed")
        STATUS_CHANGED = "status_changed", _("Status changed")
        NOTE = "note", _("Note")  # an internal note of staff: never shown to the customer
        TRACKING_CHANGED = "tracking_changed", _("Tracking link changed")
        PAID = "paid", _("Payment received")
        REFUND_REQUESTED = "refund_requested", _("Refund requested")
        REFUNDED = "refunded", _("Refunded")
        REFUND_FAILED = "refund_failed", _("Refund failed")
        EMAIL_QUEUED = "email_queued", _("Email queued")
        EMAIL_SENT = "email_sent", _("Email sent")
        EMAIL_FAILED = "email_failed", _("Email failed")
        # Placed by a customer who came back through a reminder of an
        # extension (abandoned checkouts): ``data`` says which and when.
        RECOVERED = "recovered", _("Recovered by a reminder")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    # Who: a staff member or the customer (a user), or nobody for the system.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.type}"

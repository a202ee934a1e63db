"""Forms of the order page: one per action. They check what the browser
sent; the order services decide whether the action is allowed now."""

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lojista.notifications.schemas import MAX_MESSAGE_LENGTH
from lojista.orders.models import Order, OrderStatus
from lojista.orders.schemas import MAX_NOTE_LENGTH
from lojista.orders.statuses import CancelReason

if TYPE_CHECKING:  # django-stubs' helper type: a development dependency only
    from django_stubs_ext import StrOrPromise

TRACKING_MAX_LENGTH = Order._meta.get_field("tracking_url").max_length
REFERENCE_MAX_LENGTH = 255


class OrderForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels without a colon: "Email the customer", not "Email the customer:".
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _tracking_field(*, required: bool) -> forms.URLField:
    return forms.URLField(
        label=_("Tracking link"),
        required=required,
        max_length=TRACKING_MAX_LENGTH,
        assume_scheme="https",
        help_text=_("The carrier's page for this parcel; the customer's email links to it."),
    )


def _notify_field(label: "StrOrPromise") -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, initial=True)


class TransitionForm(OrderForm):
    """Moving the order to ``to``. ``expected_status`` is the status the page
    showed: the service refuses the move if the order left it meanwhile.
    Only the fields of the move asked for are used (the reason and the
    cancellation's options when cancelling, the link when processing)."""

    to = forms.ChoiceField(choices=OrderStatus.choices, widget=forms.HiddenInput)
    expected_status = forms.ChoiceField(choices=OrderStatus.choices, widget=forms.HiddenInput)
    tracking_url = _tracking_field(required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=[("", "—"), *CancelReason.choices])
    restock = forms.BooleanField(label=_("Put the items back in stock"), required=False, initial=True)
    refund = forms.BooleanField(
        label=_("Refund a card payment through its gateway"), required=False, initial=True
    )
    notify = _notify_field(_("Email the customer"))

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("to") == OrderStatus.CANCELLED and not cleaned.get("reason"):
            self.add_error("reason", _("Choose a reason for cancelling."))
        return cleaned


class TrackingForm(OrderForm):
    tracking_url = _tracking_field(required=True)
    notify = _notify_field(_("Email the customer the new link"))


class NoteForm(OrderForm):
    note = forms.CharField(
        label=_("Internal note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see it; the customer never does."),
        error_messages={"required": _("Write the note.")},
    )


class MarkPaidForm(OrderForm):
    reference = forms.CharField(
        label=_("Payment reference"),
        required=False,
        max_length=REFERENCE_MAX_LENGTH,
        help_text=_("For example the bank transfer's id. The order's total is recorded as paid."),
    )
    paid_on = forms.DateField(
        label=_("Paid on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the money arrived; empty: now."),
    )

    def paid_at(self) -> datetime | None:
        """The moment to record: now for today or no date, else noon of the
        day given in the shop's time zone (the service refuses the future)."""
        day: date | None = self.cleaned_data.get("paid_on")
        if day is None or day == timezone.localdate():
            return None
        return timezone.make_aware(datetime.combine(day, time(12)))


class ContactForm(OrderForm):
    message = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent by email to the customer, about this order; their reply comes to the shop."),
        error_messages={"required": _("Write the message.")},
    )


class RefundRecordForm(OrderForm):
    reference = forms.CharField(
        label=_("Refund reference"),
        required=False,
        max_length=REFERENCE_MAX_LENGTH,
        help_text=_("For example the bank transfer's id."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=MAX_NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

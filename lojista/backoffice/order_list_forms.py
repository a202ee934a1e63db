"""Forms of the Orders list: its filters (a GET form), and the bulk change
of the ticked orders (a POST form). Kept apart from forms.py, which every
section shares."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lojista.orders.models import OrderStatus, PaymentStatus
from lojista.orders.statuses import CancelReason, OrderTab

# Order numbers are PostgreSQL integers (orders.schemas.MAX_NUMBER).
MAX_NUMBER = 2**31 - 1
# The most orders one bulk change or export may tick (the API's bulk limit).
MAX_TICKED = 500


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class OrderFilterForm(forms.Form):
    """The list's tab and filters, from the query string. Every field is
    optional; ``filters()`` gives what the orders selectors take."""

    tab = forms.ChoiceField(choices=OrderTab.choices, required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, email or name")}),
    )
    created_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    created_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    payment_status = forms.ChoiceField(
        label=_("Payment"), choices=[("", _("Any payment status")), *PaymentStatus.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end date is before the start date."))
        return cleaned

    @property
    def chosen_tab(self) -> str:
        data = getattr(self, "cleaned_data", {})
        return data.get("tab") or OrderTab.PENDING

    def filters(self) -> dict[str, Any]:
        """The filters, as keyword arguments of orders.selectors (all but the tab)."""
        data = self.cleaned_data
        return {
            "created_from": data["created_from"],
            "created_to": data["created_to"],
            "payment_status": data["payment_status"] or None,
            "q": data["q"].strip(),
        }


class OrderNumbersField(forms.Field):
    """The ticked orders: every value of a repeated ``numbers`` parameter, an
    order number each (none ticked: an empty list)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("An order number is not valid."),
        "too_many": _("Tick at most %(limit)s orders at a time."),
    }

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        numbers = []
        for raw in values:
            text = str(raw).strip().removeprefix("#")
            if not text.isdigit() or not 1 <= int(text) <= MAX_NUMBER:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            numbers.append(int(text))
        if len(numbers) > MAX_TICKED:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": MAX_TICKED}
            )
        return list(dict.fromkeys(numbers))


class SeenStatusesField(forms.Field):
    """The status each listed order had when the list was shown, from
    hidden ``seen`` inputs ("1001:pending"), so a bulk change refuses an
    order moved meanwhile (orders_bulk_transition's ``seen``)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("The page is not valid any more. Load the list again."),
    }

    def to_python(self, value: Any) -> dict[int, str]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        seen = {}
        for raw in values:
            number, _colon, status = str(raw).partition(":")
            if not number.isdigit() or not 1 <= int(number) <= MAX_NUMBER or status not in OrderStatus.values:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            seen[int(number)] = status
        return seen


class BulkAction:
    """What the list's action select may ask for: a status move (the moves
    statuses.TRANSITIONS allows some order) or marking offline payments paid."""

    MARK_PAID = "mark_paid"
    CHOICES = [
        (OrderStatus.PROCESSED.value, _("Mark as processed")),
        (OrderStatus.DELIVERED.value, _("Mark as delivered")),
        (OrderStatus.CANCELLED.value, _("Cancel")),
        (MARK_PAID, _("Mark as paid (offline payment received)")),
    ]


class BulkChangeForm(forms.Form):
    numbers = OrderNumbersField(required=False)
    seen = SeenStatusesField(required=False)
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("Choose an action…")), *BulkAction.CHOICES])
    reason = forms.ChoiceField(
        label=_("Reason for cancelling"),
        choices=[("", "—"), *CancelReason.choices],
        required=False,
    )
    restock = forms.BooleanField(label=_("Put the units back in stock"), required=False, initial=True)
    refund = forms.BooleanField(label=_("Refund card payments"), required=False, initial=True)
    notify = forms.BooleanField(label=_("Email the customers"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "numbers" in cleaned and not cleaned["numbers"]:
            self.add_error(None, _("Tick at least one order."))
        if cleaned.get("action") == OrderStatus.CANCELLED and not cleaned.get("reason"):
            self.add_error("reason", _("Choose a reason for cancelling."))
        return cleaned


class ExportForm(forms.Form):
    """The ticked orders of an export (none: every order the filters match)."""

    numbers = OrderNumbersField(required=False)

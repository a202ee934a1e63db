"""Forms of the extension's back-office pages: they parse what staff type;
the services decide the rest (their refusals are shown beside the fields
with ``core.forms.add_domain_error``)."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AbandonedCheckout

MESSAGE_MAX_LENGTH = 1000
# The results page's ranges: the presets, the default, the longest.
PRESET_DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_RANGE_DAYS = 366

# The list's tabs: every status but WATCHING (never listed), "" for all.
STATUS_TABS: list[tuple[str, Any]] = [
    ("", _("All")),
    *[(value, label) for value, label in AbandonedCheckout.Status.choices if value != "watching"],
]


class RemindForm(forms.Form):
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_LENGTH}),
        help_text=_("Plain text, shown above the cart in the email. Up to 1000 characters."),
    )


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_TABS, required=False)


def _schedule(value: str) -> list[int]:
    """ "60, 1440, 4320" as [60, 1440, 4320]; the service checks the rest."""
    parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    try:
        return [int(part) for part in parts]
    except ValueError:
        raise forms.ValidationError(
            _("Write whole numbers of minutes separated by commas, e.g. 60, 1440, 4320.")
        ) from None


class SettingsForm(forms.Form):
    delay_minutes = forms.IntegerField(
        label=_("A checkout is abandoned after (minutes)"),
        help_text=_(
            "How long after a customer started checkout, without ordering, it counts as abandoned "
            "and its stock hold is released. Default 60. 0 is allowed, for a demo or a test."
        ),
    )
    auto_send = forms.BooleanField(
        label=_("Send the reminders automatically"),
        required=False,
        help_text=_("Off: reminders are only sent by hand, from an abandoned checkout's page."),
    )
    schedule_minutes = forms.CharField(
        label=_("Reminder schedule (minutes after abandonment)"),
        max_length=100,
        help_text=_(
            "Up to three steps, in ascending order, separated by commas. Default 60, 1440, 4320 "
            "(1 hour, 1 day, 3 days). 0 sends the first one at once."
        ),
    )
    link_ttl_days = forms.IntegerField(
        label=_("Recovery link lifetime (days)"),
        help_text=_("A reminder's link works for this many days after the last reminder. Default 7."),
    )
    retention_days = forms.IntegerField(
        label=_("Keep personal data for (days)"),
        help_text=_(
            "After this, an abandoned checkout's email, name and customer are erased; its figures "
            "stay in the results. Default 90."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_schedule_minutes(self) -> list[int]:
        return _schedule(self.cleaned_data["schedule_minutes"])


class ResultsForm(forms.Form):
    """The range of the results page (dates in the shop's time zone): ``days``
    (a preset ending today) or ``start``/``end``; the last 30 days by default."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.TypedChoiceField(
        choices=[(str(days), str(days)) for days in PRESET_DAYS],
        coerce=int,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        start, end = self.range_of(cleaned)
        if start > end:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise forms.ValidationError(
                _("Choose at most %(days)d days.") % {"days": MAX_RANGE_DAYS}, code="too_long"
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    @staticmethod
    def range_of(cleaned: dict[str, Any]) -> tuple[date, date]:
        today = timezone.localdate()
        end = cleaned.get("end") or today
        if cleaned.get("days"):
            return today - timedelta(days=cleaned["days"] - 1), today
        start = cleaned.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        return start, end

"""Forms of the owners' settings pages (views/settings.py): they parse what
the owner types; the services they feed check the rest (addresses, country
codes, a pickup method's location…) and their refusals land beside the fields.

A text the merchant writes once per language (a shipping method's name, the
offline payment instructions) has its field in the shop's language and one
field per other language the shop speaks (``translation_fields``)."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lojista.checkout.models import PICKUP_DETAILS_MAX_LENGTH, PICKUP_LOCATION_MAX_LENGTH, ShippingMethod
from lojista.core.i18n import shop_language
from lojista.core.services import MAX_CHECKOUT_HOLD_MINUTES, NAME_MAX_LENGTH, TEXT_MAX_LENGTH


def other_languages() -> list[tuple[str, str]]:
    """The languages the shop speaks besides its own: ``(code, name)``."""
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != shop_language()]


def translation_field_name(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


class TranslatedForm(forms.Form):
    """A form with ``translated`` fields: for each, one more field per other
    language, labelled with it, holding the text in that language."""

    # The names of the fields written once per language.
    translated: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for name, field in self.fields.items():
            fields[name] = field
            if name in self.translated:
                for language, language_name in other_languages():
                    fields[translation_field_name(name, language)] = self._translation_field(
                        field, language_name
                    )
        self.fields = fields

    @staticmethod
    def _translation_field(field: forms.Field, language_name: str) -> forms.CharField:
        return forms.CharField(
            label=_("%(field)s in %(language)s") % {"field": field.label, "language": language_name},
            required=False,
            max_length=getattr(field, "max_length", None),
            widget=field.widget.__class__(attrs=field.widget.attrs),
            help_text=_("Blank: the text above is used."),
        )

    def translations(self) -> dict[str, dict[str, str]]:
        """The texts typed in the other languages, as the services take them."""
        return {
            language: {
                field: self.cleaned_data.get(translation_field_name(field, language), "")
                for field in self.translated
            }
            for language, _name in other_languages()
        }

    @classmethod
    def translation_initial(cls, translations: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
        return {
            translation_field_name(field, language): (translations.get(language) or {}).get(field, "")
            for field in cls.translated
            for language, _name in other_languages()
        }

    @staticmethod
    def field_of_error(name: str) -> str:
        """The form field of a service's ``translations.<language>.<field>``."""
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "translations":
            return translation_field_name(parts[2], parts[1])
        return name


def _language_choices() -> list[tuple[str, str]]:
    default = dict(settings.LANGUAGES)[settings.LANGUAGE_CODE]
    deployment = _("The deployment's (SHOP_LANGUAGE: %(language)s)") % {"language": default}
    return [("", deployment), *((code, str(name)) for code, name in settings.LANGUAGES)]


class ShopForm(forms.Form):
    name = forms.CharField(
        label=_("Shop name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("Blank: the deployment's SHOP_NAME."),
    )
    details = forms.CharField(
        label=_("Shop details"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Address, tax number and contact, printed on invoices."),
    )
    language = forms.ChoiceField(
        label=_("Shop language"),
        required=False,
        choices=_language_choices,
        help_text=_(
            "The language of the emails to the shop, of the back office (unless a staff member "
            "chooses theirs) and of visitors whose browser asks for no language the shop speaks."
        ),
    )
    sender_name = forms.CharField(
        label=_("Sender name"),
        max_length=100,
        required=False,
        help_text=_("The name the shop's emails come from. Blank: the shop name."),
    )
    sender_email = forms.EmailField(
        label=_("Sender email"),
        required=False,
        help_text=_("The address the shop's emails come from. Blank: the deployment's DEFAULT_FROM_EMAIL."),
    )
    logo_url = forms.CharField(
        label=_("Logo URL"),
        max_length=500,
        required=False,
        help_text=_("An http or https link to the logo shown at the top of the emails."),
    )
    checkout_hold_minutes = forms.IntegerField(
        label=_("Checkout hold (minutes)"),
        required=False,
        min_value=1,
        max_value=MAX_CHECKOUT_HOLD_MINUTES,
        help_text=_(
            "How long a checkout keeps its items for the customer. Blank: the deployment's "
            "CHECKOUT_HOLD_MINUTES."
        ),
    )
    invoice_footer = forms.CharField(
        label=_("Invoice footer"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NotificationListForm(forms.Form):
    order_notification_emails = forms.CharField(
        label=_("Order notification emails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One address per line. Each gets an email for every new order and cancellation."),
    )

    def addresses(self) -> list[str]:
        return self.cleaned_data["order_notification_emails"].splitlines()


class PaymentsForm(TranslatedForm):
    payment_instructions = forms.CharField(
        label=_("Offline payment instructions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown in the confirmation of an order paid offline (bank transfer, cash on delivery)."),
    )
    translated = ("payment_instructions",)


class ShippingZoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_(
            "Two-letter ISO codes separated by spaces or commas, such as PT ES FR. "
            "A zone of pickup methods only may list none."
        ),
    )

    def country_codes(self) -> list[str]:
        return self.cleaned_data["countries"].replace(",", " ").split()


class ShippingMethodForm(TranslatedForm):
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, digits and hyphens, unique: what the storefront sends to choose it."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False, help_text=_("Shown beside the name.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ShippingMethod.Kind.choices)
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=12, decimal_places=2)
    free_above = forms.DecimalField(
        label=_("Free above subtotal"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Orders worth this much or more ship free. Blank: never free."),
    )
    is_active = forms.BooleanField(label=_("Active (offered at checkout)"), required=False, initial=True)
    pickup_location = forms.CharField(
        label=_("Pickup location"),
        max_length=PICKUP_LOCATION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For pickup: the address where customers collect their orders."),
    )
    pickup_details = forms.CharField(
        label=_("Opening details"),
        max_length=PICKUP_DETAILS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For pickup: opening hours and how to collect, one item per line."),
    )
    translated = ("name", "description")

    FIELDS = ("code", "name", "description", "kind", "price", "free_above", "is_active")
    PICKUP_FIELDS = ("pickup_location", "pickup_details")

    @classmethod
    def initial_of(cls, method: ShippingMethod) -> dict[str, Any]:
        initial = {field: getattr(method, field) for field in (*cls.FIELDS, *cls.PICKUP_FIELDS)}
        return {**initial, **cls.translation_initial(method.translations)}

    def service_fields(self) -> dict[str, Any]:
        """What shipping_method_save takes, from what was typed."""
        fields = {field: self.cleaned_data[field] for field in (*self.FIELDS, *self.PICKUP_FIELDS)}
        return {**fields, "translations": self.translations()}

"""Forms of the back office's products section: they parse what staff type
(lines of image links, "name: value" option lines, a localized price); the
catalog and inventory services check the rest (free slug and SKU, links)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lojista.catalog.models import Product, Variant
from lojista.inventory.models import StockMovement
from lojista.inventory.schemas import MAX_UNITS


@dataclass(frozen=True)
class ProductSearch:
    q: str = ""
    low_stock: bool = False
    cursor: str = ""


class ProductSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    low_stock = forms.BooleanField(label=_("Low stock only"), required=False)
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def search(self) -> ProductSearch:
        """What to list: the whole list when the query string makes no sense."""
        if not self.is_valid():
            return ProductSearch()
        data = self.cleaned_data
        return ProductSearch(q=data["q"].strip(), low_stock=data["low_stock"], cursor=data["cursor"])


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.CharField(
        label=_("Slug"),
        max_length=200,
        required=False,
        help_text=_("The product's address in the shop. Leave it empty to make it from the name."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    images = forms.CharField(
        label=_("Image links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One http or https link per line, the first is the main picture."),
    )
    is_published = forms.BooleanField(label=_("Published (shown in the shop)"), required=False, initial=True)

    @staticmethod
    def initial_of(product: Product) -> dict[str, Any]:
        return {
            "name": product.name,
            "slug": product.slug,
            "description": product.description,
            "images": "\n".join(product.images),
            "is_published": product.is_published,
        }

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields as the catalog services take them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "slug": data["slug"],
            "description": data["description"],
            "images": data["images"].splitlines(),
            "is_published": data["is_published"],
        }


class VariantForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("For example: Blue, size M.")
    )
    sku = forms.CharField(label=_("SKU"), max_length=64, help_text=_("Unique: no two variants share one."))
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=12, decimal_places=2, localize=True)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('One per line, as "name: value", for example "size: M".'),
    )
    track_stock = forms.BooleanField(
        label=_("Track stock (untracked variants never run out)"), required=False, initial=True
    )
    max_per_order = forms.IntegerField(
        label=_("Maximum per order"),
        required=False,
        min_value=1,
        help_text=_("Empty: the shop's default."),
    )
    is_published = forms.BooleanField(label=_("Published (shown in the shop)"), required=False, initial=True)
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        initial=0,
        help_text=_("Variants are listed by position, lowest first."),
    )

    @staticmethod
    def initial_of(variant: Variant) -> dict[str, Any]:
        return {
            "name": variant.name,
            "sku": variant.sku,
            "price": variant.price,
            "options": "\n".join(f"{key}: {value}" for key, value in variant.options.items()),
            "track_stock": variant.track_stock,
            "max_per_order": variant.max_per_order,
            "is_published": variant.is_published,
            "position": variant.position,
        }

    def clean_options(self) -> dict[str, str]:
        options: dict[str, str] = {}
        for line in self.cleaned_data["options"].splitlines():
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon or not name.strip() or not value.strip():
                raise forms.ValidationError(
                    _('Write each option as "name: value" ("%(line)s" is not).'),
                    params={"line": line.strip()},
                )
            options[name.strip()] = value.strip()
        return options

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "sku": data["sku"],
            "price": data["price"],
            "options": data["options"],
            "track_stock": data["track_stock"],
            "max_per_order": data["max_per_order"],
            "is_published": data["is_published"],
            "position": data["position"],
        }


class StockForm(forms.Form):
    """Set a variant's units on hand (a count) or change them by some units,
    with the reason kept in its history. Prefixed per variant: the product
    page holds one for each."""

    ADJUST = "adjust"
    SET = "set"

    action = forms.ChoiceField(
        label=_("Change"),
        choices=[(ADJUST, _("Add or remove units")), (SET, _("Set the count on hand to"))],
        initial=ADJUST,
    )
    quantity = forms.IntegerField(
        label=_("Units"),
        min_value=-MAX_UNITS,
        max_value=MAX_UNITS,
        help_text=_("To remove units, enter a negative number."),
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(reason.value, reason.label) for reason in StockMovement.STAFF_REASONS],
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quantity = data.get("quantity")
        if quantity is None:
            return data
        if data.get("action") == self.SET and quantity < 0:
            self.add_error("quantity", _("A count cannot be negative."))
        elif data.get("action") == self.ADJUST and quantity == 0:
            self.add_error("quantity", _("Enter how many units to add (or, negative, to remove)."))
        return data

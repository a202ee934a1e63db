"""Fill the shop with the demo catalogue (lojista/demo/data.py), shipping and an owner account.

Running it again only adds what is missing: products, variants and shipping
methods are matched by slug, SKU and code, and nothing that exists is changed,
so a merchant's edits to prices, stock or the owner's password survive.
"""

import os
import secrets
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from lojista.catalog.models import Product, Variant
from lojista.checkout.models import ShippingMethod, ShippingZone
from lojista.customers.errors import WeakPassword
from lojista.customers.management.commands.createstaff import PASSWORD_VARIABLE
from lojista.customers.models import User
from lojista.customers.services import staff_upsert
from lojista.demo.data import (
    DEMO_PAYMENT_INSTRUCTIONS,
    OWNER_EMAIL,
    OWNER_NAME,
    PRODUCTS,
    SHIPPING_ZONES,
    DemoProduct,
    DemoShippingZone,
)
from lojista.demo.orders import seed_orders
from lojista.inventory.services import stock_set
from lojista.notifications.models import NotificationSettings
from lojista.notifications.services import notification_settings_update
from lojista.orders.models import Order


@dataclass
class Added:
    products: int = 0
    variants: int = 0
    shipping_methods: int = 0


class Command(BaseCommand):
    help = "Create a demo shop: catalogue with variants and stock, shipping zones and an owner account."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the shop already has products."
        )

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Product.objects.exists():
            self.stdout.write(_("The shop already has products; the demo data was not loaded."))
            return
        added = Added()
        with transaction.atomic():
            for product in PRODUCTS:
                seed_product(product, added)
            for zone in SHIPPING_ZONES:
                seed_zone(zone, added)
            owner_password = self.seed_owner()
            seed_notifications()
        # Placed after the catalogue is committed, through the services the
        # API uses (each its own transactions, as at a real checkout).
        orders = 0 if Order.objects.exists() else seed_orders(owner=User.objects.get(email=OWNER_EMAIL))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo shop ready: added %(products)d products, %(variants)d variants, "
                    "%(methods)d shipping methods and %(orders)d orders."
                )
                % {
                    "products": added.products,
                    "variants": added.variants,
                    "methods": added.shipping_methods,
                    "orders": orders,
                }
            )
        )
        self.print_owner(owner_password)

    def seed_owner(self) -> str | None:
        """Create the owner account; None when it already exists (its password stays as it is)."""
        if User.objects.filter(email=OWNER_EMAIL).exists():
            return None
        # 32 characters without "@" or ".": never "too similar" to the owner's
        # email, which a shorter random one could be (Django's check compares
        # the letters of the two, not their order).
        password = os.environ.get(PASSWORD_VARIABLE) or secrets.token_urlsafe(24)
        try:
            staff_upsert(email=OWNER_EMAIL, password=password, role=User.Role.OWNER, name=OWNER_NAME)
        except WeakPassword as exc:
            raise CommandError(
                _("The password in %(variable)s was refused:") % {"variable": PASSWORD_VARIABLE}
                + "\n"
                + "\n".join(exc.details["fields"]["password"])
            ) from exc
        return password

    def print_owner(self, password: str | None) -> None:
        if password is None:
            self.stdout.write(
                _(
                    "The staff account %(email)s already exists; its password was left unchanged. "
                    "To set a new one: %(variable)s=<new password> python manage.py createstaff "
                    "--email %(email)s --role owner"
                )
                % {"email": OWNER_EMAIL, "variable": PASSWORD_VARIABLE}
            )
            return
        if os.environ.get(PASSWORD_VARIABLE):
            # The operator chose it; keep it out of logs.
            password = _("the value of %(variable)s") % {"variable": PASSWORD_VARIABLE}
        message = _("Owner account created. Log in to the back office (/backoffice/) with:")
        self.stdout.write(self.style.SUCCESS(message))
        self.stdout.write(_("  email:    %(email)s") % {"email": OWNER_EMAIL})
        self.stdout.write(_("  password: %(password)s") % {"password": password})


def seed_notifications() -> None:
    """Send the shop's new-order emails to the owner, so the demo shows both
    emails of an order; settings a merchant already saved are left alone."""
    if NotificationSettings.objects.exists():
        return
    # No sender name: the emails are sent in the shop's name, whatever the
    # owner renames it to.
    notification_settings_update(
        order_notification_emails=[OWNER_EMAIL],
        payment_instructions=DEMO_PAYMENT_INSTRUCTIONS,
    )


def seed_product(spec: DemoProduct, added: Added) -> None:
    product, created = Product.objects.get_or_create(
        slug=spec.slug,
        defaults={"name": spec.name, "description": spec.description, "images": spec.images},
    )
    added.products += created
    for position, variant_spec in enumerate(spec.variants):
        variant, created = Variant.objects.get_or_create(
            sku=variant_spec.sku,
            defaults={
                "product": product,
                "name": variant_spec.name,
                "options": variant_spec.options,
                "price": variant_spec.price,
                "track_stock": variant_spec.stock is not None,
                "position": position,
            },
        )
        if created:
            added.variants += 1
            # Stock is set only on creation: a merchant may have changed it since.
            if variant_spec.stock is not None:
                stock_set(variant_id=variant.pk, quantity=variant_spec.stock)


def seed_zone(spec: DemoShippingZone, added: Added) -> None:
    """A zone is recognised by its demo methods (codes are unique, names are not)."""
    codes = [method.code for method in spec.methods]
    existing = ShippingMethod.objects.filter(code__in=codes).select_related("zone").first()
    zone = (
        existing.zone
        if existing
        else ShippingZone.objects.create(name=spec.name, countries=list(spec.countries))
    )
    for method in spec.methods:
        __, created = ShippingMethod.objects.get_or_create(
            code=method.code,
            defaults={
                "zone": zone,
                "name": method.name,
                "kind": method.kind,
                "price": method.price,
                "free_above": method.free_above,
                "pickup_location": method.pickup_location,
                "pickup_details": method.pickup_details,
            },
        )
        added.shipping_methods += created

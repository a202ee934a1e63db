"""`manage.py seed_demo`: a believable demo shop, safe to run twice."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command

from lojista.catalog.models import Product, Variant
from lojista.checkout.models import ShippingMethod, ShippingZone
from lojista.customers.models import User
from lojista.inventory.models import Stock
from lojista.notifications.models import NotificationSettings

OWNER = "owner@lojista.test"

# seed_demo places orders through checkout completion, which refuses to run
# inside a transaction (it calls payment providers): no wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    match = re.search(r"password:\s+(\S+)", output)
    assert match, output
    return match.group(1)


def shop_counts() -> dict[str, int]:
    return {
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "stock rows": Stock.objects.count(),
        "zones": ShippingZone.objects.count(),
        "methods": ShippingMethod.objects.count(),
        "users": User.objects.count(),
    }


@pytest.fixture(autouse=True)
def no_password_from_environment(monkeypatch):
    monkeypatch.delenv("LOJISTA_STAFF_PASSWORD", raising=False)


def test_creates_a_catalogue_with_variants_and_stock():
    seed()

    assert Product.objects.count() >= 20
    assert not Product.objects.filter(variants=None).exists()
    assert Product.objects.exclude(description="").count() == Product.objects.count()
    sized = Variant.objects.filter(options__has_key="size").first()
    assert sized.name == f"{sized.options['size']} / {sized.options['colour']}"
    assert Stock.objects.filter(quantity=0, variant__track_stock=True).exists()
    assert Stock.objects.filter(quantity__gt=0).exists()
    untracked = Variant.objects.filter(track_stock=False)
    assert untracked.exists()
    assert not Stock.objects.filter(variant__in=untracked).exists()
    assert not Variant.objects.filter(track_stock=True, stock=None).exists()


def test_creates_shipping_zones_with_a_free_threshold_and_pickup():
    seed()

    assert ShippingZone.objects.count() >= 2
    portugal = ShippingZone.objects.get(countries=["PT"])
    standard = portugal.methods.get(code="pt-standard")
    assert (str(standard.price), str(standard.free_above)) == ("4.90", "50.00")
    pickup = ShippingMethod.objects.get(kind=ShippingMethod.Kind.PICKUP)
    assert pickup.price == 0
    assert "Rua da Prata 80" in pickup.pickup_location
    assert "Saturday" in pickup.pickup_details
    pickup.full_clean()  # what the admin asks of a pickup method
    assert ShippingZone.objects.filter(countries=["BR"]).exists()


def test_prints_owner_credentials_that_log_in():
    output = seed()

    assert OWNER in output
    owner = authenticate(email=OWNER, password=printed_password(output))
    assert owner is not None
    assert (owner.is_staff, owner.role) == (True, User.Role.OWNER)


def test_uses_the_password_from_the_environment_without_printing_it(monkeypatch):
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", "a long demo passphrase")

    output = seed()

    assert "a long demo passphrase" not in output
    assert "LOJISTA_STAFF_PASSWORD" in output
    assert authenticate(email=OWNER, password="a long demo passphrase") is not None


def test_a_refused_password_creates_nothing(monkeypatch):
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", "123")

    with pytest.raises(CommandError, match="refused"):
        seed()

    assert set(shop_counts().values()) == {0}


def test_running_twice_adds_nothing_and_keeps_password_and_changed_stock():
    password = printed_password(seed())
    counts = shop_counts()
    stock = Stock.objects.filter(quantity__gt=0).first()
    Stock.objects.filter(pk=stock.pk).update(quantity=3)

    output = seed()

    assert shop_counts() == counts
    assert "already exists" in output
    assert "createstaff" in output
    assert "password:" not in output
    assert authenticate(email=OWNER, password=password) is not None
    stock.refresh_from_db()
    assert stock.quantity == 3


def test_restores_a_deleted_demo_product_with_its_stock():
    seed()
    counts = shop_counts()
    Product.objects.get(slug="stoneware-mug").delete()

    seed()

    assert shop_counts() == counts
    assert Stock.objects.filter(variant__product__slug="stoneware-mug", quantity__gt=0).exists()


def test_if_empty_does_nothing_when_the_shop_has_products():
    Product.objects.create(name="Own product", slug="own-product")

    output = seed("--if-empty")

    assert len(output.strip().splitlines()) == 1
    assert Product.objects.count() == 1
    assert not ShippingZone.objects.exists()
    assert not User.objects.exists()


def test_if_empty_seeds_an_empty_shop():
    output = seed("--if-empty")

    assert Product.objects.count() >= 20
    assert authenticate(email=OWNER, password=printed_password(output)) is not None


def test_sends_the_shops_new_order_emails_to_the_owner_without_overwriting_saved_settings():
    call_command("seed_demo", stdout=StringIO())
    shop = NotificationSettings.objects.get()
    assert shop.order_notification_emails == ["owner@lojista.test"]
    assert "IBAN" in shop.payment_instructions

    NotificationSettings.objects.update(order_notification_emails=["orders@shop.example"])
    call_command("seed_demo", stdout=StringIO())

    assert NotificationSettings.objects.get().order_notification_emails == ["orders@shop.example"]


# What the shop does not do: no digital delivery, nothing sent by email but
# the order's own emails, no gift-card codes or messages to a recipient.
PROMISES_THE_SHOP_DOES_NOT_KEEP = re.compile(
    r"download|\bpdf\b|by e-?mail|your message|instant|right after payment|valid for", re.IGNORECASE
)


def test_product_texts_promise_nothing_the_shop_does_not_do():
    seed()

    for product in Product.objects.prefetch_related("variants"):
        texts = [product.name, product.description, *(variant.name for variant in product.variants.all())]
        for text in texts:
            assert not PROMISES_THE_SHOP_DOES_NOT_KEEP.search(text), (product.slug, text)


def test_every_product_picture_is_served():
    seed()

    images = [url for product in Product.objects.all() for url in product.images]
    assert len(images) == Product.objects.count()
    for url in images:
        path = url.removeprefix(settings.STATIC_URL)
        assert finders.find(path), url


def test_places_orders_in_every_tab_through_the_real_services(mailoutbox):
    from lojista.orders.models import Order, OrderStatus, PaymentStatus

    output = seed()

    orders = Order.objects.all()
    assert "6 orders" in output
    assert {order.status for order in orders} == set(OrderStatus.values)
    assert orders.filter(payment_status=PaymentStatus.PAID).exclude(invoice_number=None).count() == 3
    mug = Stock.objects.get(variant__sku="MUG-SPEC")
    assert mug.quantity == 24 - 1 - 2  # the demo's stock, less what two orders bought
    days = {order.created_at.date() for order in orders}
    assert len(days) >= 5  # spread over the last weeks, for the back office's chart
    assert any("Order" in email.subject for email in mailoutbox)


def test_running_twice_places_no_more_orders():
    from lojista.orders.models import Order

    seed()
    seed()

    assert Order.objects.count() == 6

"""Small helpers of the inventory tests."""

from datetime import datetime, timedelta

from django.utils import timezone

from lojista.catalog.models import Variant
from lojista.inventory.models import Reservation, Stock


def on_hand(variant: Variant) -> int:
    return Stock.objects.get(variant=variant).quantity


def in_minutes(minutes: int) -> datetime:
    return timezone.now() + timedelta(minutes=minutes)


def holds(key: str) -> dict[int, int]:
    return dict(Reservation.objects.filter(key=key).values_list("variant_id", "quantity"))

"""The units other buyers hold, read when a checkout starts or completes
(``inventory.selectors.active_reserved_by_variant``, a hand-written
statement since decision 227), on SQLite and PostgreSQL."""

import pytest
from django.db.models import Sum
from django.utils import timezone

from lojista.inventory.models import Reservation
from lojista.inventory.selectors import active_reserved_by_variant
from tests.catalog.factories import hold, make_product, make_variant

pytestmark = pytest.mark.django_db


def test_unexpired_holds_are_summed_per_variant_leaving_out_the_callers_own():
    mug, shirt, cap, unheld = (make_variant(make_product(), stock=10) for _ in range(4))
    hold(mug, 2, minutes=10)
    hold(mug, 3, minutes=10)
    hold(mug, 4, minutes=10, key="checkout:mine")
    hold(mug, 5, minutes=-1)  # expired
    hold(shirt, 1, minutes=10)
    hold(cap, 7, minutes=-1)
    hold(unheld, 9, minutes=10, key="checkout:mine")
    hold(make_variant(make_product(), stock=10), 6, minutes=10)  # not asked about
    ids = [mug.pk, shirt.pk, cap.pk, unheld.pk]

    others = active_reserved_by_variant(variant_ids=ids, exclude_key="checkout:mine")
    everyone = active_reserved_by_variant(variant_ids=iter(ids))

    assert others == {mug.pk: 5, shirt.pk: 1}
    assert everyone == {mug.pk: 9, shirt.pk: 1, unheld.pk: 9}
    assert all(type(units) is int for units in [*others, *others.values()])
    # What the ORM's aggregate answers.
    orm = (
        Reservation.objects.filter(variant_id__in=ids, expires_at__gt=timezone.now())
        .exclude(key="checkout:mine")
        .values("variant_id")
        .annotate(total=Sum("quantity"))
    )
    assert others == {row["variant_id"]: row["total"] for row in orm}


def test_no_variants_hold_nothing():
    assert active_reserved_by_variant(variant_ids=[], exclude_key="checkout:mine") == {}

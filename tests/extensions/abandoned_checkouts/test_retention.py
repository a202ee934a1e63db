"""The retention purge: personal data of old abandoned checkouts is blanked,
the figures stay; an unsubscribe is kept (it is how the request is honoured)."""

from datetime import timedelta

import pytest
import time_machine

from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, Reminder, Unsubscribe
from lojista.extensions.abandoned_checkouts.services import email_digest, recovery_settings_update
from tests.extensions.abandoned_checkouts.recovery_helpers import T0, abandoned_row, minutes

Status = AbandonedCheckout.Status
pytestmark = pytest.mark.django_db


def test_rows_older_than_the_retention_lose_their_personal_data(installed, mug, run, customer):
    recovery_settings_update(
        delay_minutes=60, auto_send=False, schedule_minutes=[60], link_ttl_days=7, retention_days=30
    )
    old = abandoned_row(variant=mug, customer=customer, started_at=T0 - timedelta(days=30, minutes=1))
    Reminder.objects.create(abandoned=old, step=None, message="Olá Ana, your mug is here.")
    recovered = abandoned_row(
        email="bia@example.com",
        started_at=T0 - timedelta(days=40),
        status=Status.RECOVERED,
        recovered_at=T0 - timedelta(days=39),
        recovered_total="30.00",
    )
    recent = abandoned_row(email="caio@example.com", started_at=T0 - timedelta(days=29, hours=23))
    Unsubscribe.objects.create(email_digest=email_digest("bia@example.com"))

    with time_machine.travel(T0, tick=False):
        assert run().purged == 2

    old.refresh_from_db()
    assert (old.email, old.email_key, old.name, old.customer, old.purged_at) == ("", "", "", None, T0)
    assert old.status == Status.EXPIRED  # no reminder can be sent any more
    assert old.items[0]["sku"] == mug.sku  # what was in the cart is not personal
    assert Reminder.objects.get().message == ""
    recovered.refresh_from_db()
    assert (recovered.email, recovered.status, str(recovered.recovered_total)) == (
        "",
        Status.RECOVERED,
        "30.00",
    )
    recent.refresh_from_db()
    assert (recent.email, recent.purged_at) == ("caio@example.com", None)
    assert Unsubscribe.objects.count() == 1

    with time_machine.travel(T0 + minutes(1), tick=False):
        assert run().purged == 0

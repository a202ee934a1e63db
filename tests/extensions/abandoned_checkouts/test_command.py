"""`manage.py abandoned_checkouts_sweep`: one sweep now, what it did printed;
refused, with a non-zero exit, while the extension is not installed."""

from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout
from tests.extensions.abandoned_checkouts.recovery_helpers import T0, begin_checkout, minutes, row_of

pytestmark = pytest.mark.django_db


def test_one_sweep_now_prints_what_it_did(api, auto, mug, smtp, django_capture_on_commit_callbacks):
    with time_machine.travel(T0 - minutes(60), tick=False):
        _token, checkout_id = begin_checkout(api, {mug: 1})
    out = StringIO()

    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("abandoned_checkouts_sweep", stdout=out)

    assert out.getvalue().startswith("completed: 0, abandoned: 1, holds released: 1, reminders sent: 0")
    assert row_of(checkout_id).status == AbandonedCheckout.Status.ABANDONED


def test_refused_while_uninstalled(db):
    with pytest.raises(CommandError, match="not installed") as caught:
        call_command("abandoned_checkouts_sweep")

    assert caught.value.returncode == 1

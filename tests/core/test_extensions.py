"""The extension seam, proved with tests/sample_extension (listed in
LOJISTA_EXTENSIONS by tests/settings.py): an Effect row per periodic run and
per order status change, but only while it is installed. Tests use the
ImmediateBackend, so an enqueued task has already run when enqueue() returns."""

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from lojista.core.errors import ExtensionNotFound
from lojista.core.extensions import (
    ExtensionInfo,
    check_extensions,
    extension_install,
    extension_installed,
    extension_list,
    extension_uninstall,
)
from lojista.core.models import Extension
from lojista.core.scheduler import enqueue_due
from lojista.orders.models import Order
from lojista.orders.services import order_transition
from tests.orders.factories import placed_order
from tests.redis_helpers import CACHE_DOWN
from tests.sample_extension.models import Effect
from tests.sample_extension.tasks import note_minute

SLUG = "sample-extension"
NOTE_MINUTE = "tests.sample_extension.tasks.note_minute"
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def processed_order() -> Order:
    """An order placed and moved to processed: one order_status_changed."""
    return order_transition(order=placed_order(), to="processed", actor=None)


def effects() -> list[str]:
    return list(Effect.objects.order_by("id").values_list("what", flat=True))


def sample_info() -> ExtensionInfo:
    return next(info for info in extension_list() if info.slug == SLUG)


def test_an_extension_is_listed_and_off_by_default():
    assert [info for info in extension_list() if info.slug == SLUG] == [
        ExtensionInfo(
            slug=SLUG,
            name="Sample extension",
            description="Counts status changes and minutes, for the tests.",
            installed=False,
            url_name="sample_extension:page",
        )
    ]
    assert extension_installed(SLUG) is False
    assert not Extension.objects.exists()


def test_while_uninstalled_its_task_and_receiver_do_nothing():
    assert NOTE_MINUTE not in enqueue_due(NOON)
    processed_order()
    note_minute.enqueue()  # a run enqueued earlier does nothing either

    assert effects() == []


def test_once_installed_its_task_and_receiver_act():
    extension_install(slug=SLUG)

    assert NOTE_MINUTE in enqueue_due(NOON)
    order = processed_order()

    assert effects() == ["minute", f"order {order.number} processed"]
    assert sample_info().installed is True


def test_uninstalling_stops_every_effect_at_once_and_keeps_the_data():
    extension_install(slug=SLUG)
    enqueue_due(NOON)
    first = processed_order()

    extension_uninstall(slug=SLUG)
    assert NOTE_MINUTE not in enqueue_due(NOON + timedelta(minutes=1))
    processed_order()
    note_minute.enqueue()

    assert effects() == ["minute", f"order {first.number} processed"]
    assert Extension.objects.get(slug=SLUG).installed is False


def test_installing_again_resumes_with_the_data_kept():
    extension_install(slug=SLUG)
    enqueue_due(NOON)
    extension_uninstall(slug=SLUG)
    enqueue_due(NOON + timedelta(minutes=1))

    extension_install(slug=SLUG)
    enqueue_due(NOON + timedelta(minutes=2))

    assert effects() == ["minute", "minute"]


def test_install_and_uninstall_are_idempotent():
    extension_install(slug=SLUG)
    extension_install(slug=SLUG)
    assert extension_installed(SLUG) is True

    extension_uninstall(slug=SLUG)
    extension_uninstall(slug=SLUG)
    assert extension_installed(SLUG) is False
    assert Extension.objects.count() == 1


@pytest.mark.parametrize("call", [extension_install, extension_uninstall])
def test_an_unknown_slug_is_not_found_and_writes_nothing(call):
    with pytest.raises(ExtensionNotFound) as caught:
        call(slug="abandoned-checkout")

    assert (caught.value.status, caught.value.code) == (404, "extension_not_found")
    assert not Extension.objects.exists()


def test_a_guard_naming_an_unknown_slug_fails_loudly():
    with pytest.raises(ExtensionNotFound):
        extension_installed("sample-extensoin")


def test_the_system_check_refuses_an_entry_that_is_not_an_extension(settings):
    settings.LOJISTA_EXTENSIONS = ["tests.sample_extension", "lojista.catalog"]

    errors = check_extensions()

    assert [error.id for error in errors] == ["lojista.extensions.E001"]
    assert "'lojista.catalog'" in errors[0].msg


def test_the_installed_project_passes_the_system_checks():
    call_command("check", fail_level="ERROR")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_uninstall_committed_elsewhere_is_seen_by_the_next_check():
    """Another connection's commit (a staff member's request), sharing this
    worker's cache, takes effect on this worker's very next check."""
    extension_install(slug=SLUG)
    assert extension_installed(SLUG) is True

    def another_process() -> None:
        try:
            extension_uninstall(slug=SLUG)
        finally:
            connection.close()

    thread = threading.Thread(target=another_process)
    thread.start()
    thread.join()

    assert extension_installed(SLUG) is False
    processed_order()
    assert effects() == []


def test_the_flags_are_read_once_until_one_changes(django_assert_num_queries):
    """Placing an order asks for two flags: after the first read, no query."""
    extension_install(slug=SLUG)
    assert extension_installed(SLUG) is True
    with django_assert_num_queries(0):
        assert extension_installed(SLUG) is True
        assert extension_installed(SLUG) is True

    extension_uninstall(slug=SLUG)

    assert extension_installed(SLUG) is False
    processed_order()
    assert effects() == []


def test_a_flag_row_saved_any_way_is_seen_at_once():
    """The admin or a data fix saves the row without the service."""
    assert extension_installed(SLUG) is False
    Extension.objects.create(slug=SLUG, installed=True)
    assert extension_installed(SLUG) is True
    Extension.objects.filter(slug=SLUG).delete()
    assert extension_installed(SLUG) is False


@override_settings(CACHES=CACHE_DOWN)
def test_a_cache_that_does_not_answer_reads_the_flags_from_the_database(caplog):
    with caplog.at_level(logging.ERROR, logger="lojista.cache"):
        extension_install(slug=SLUG)
        assert extension_installed(SLUG) is True
        processed_order()
        extension_uninstall(slug=SLUG)
        assert extension_installed(SLUG) is False

    assert [effect.split()[-1] for effect in effects()] == ["processed"]
    assert any("the cache does not answer" in record.getMessage() for record in caplog.records)

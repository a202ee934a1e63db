"""The owner's settings: the defaults, every field checked, nothing changed on a mistake."""

import pytest

from lojista.core.errors import InvalidInput
from lojista.extensions.abandoned_checkouts.models import RecoverySettings
from lojista.extensions.abandoned_checkouts.selectors import recovery_settings
from lojista.extensions.abandoned_checkouts.services import recovery_settings_update

pytestmark = pytest.mark.django_db

VALID = {
    "delay_minutes": 0,
    "auto_send": True,
    "schedule_minutes": [0],
    "link_ttl_days": 1,
    "retention_days": 1,
}


def fields(settings: RecoverySettings) -> dict:
    return {name: getattr(settings, name) for name in VALID}


def test_the_defaults():
    assert fields(recovery_settings()) == {
        "delay_minutes": 60,
        "auto_send": False,
        "schedule_minutes": [60, 1440, 4320],
        "link_ttl_days": 7,
        "retention_days": 90,
    }


def test_zero_minutes_are_allowed_for_demos():
    assert fields(recovery_settings_update(**VALID)) == VALID
    assert fields(recovery_settings()) == VALID


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("delay_minutes", -1),
        ("delay_minutes", 30 * 24 * 60 + 1),
        ("delay_minutes", 1.5),
        ("delay_minutes", True),
        ("schedule_minutes", []),
        ("schedule_minutes", [1, 2, 3, 4]),
        ("schedule_minutes", [60, 60]),
        ("schedule_minutes", [120, 60]),
        ("schedule_minutes", [-1]),
        ("schedule_minutes", [60 * 24 * 60 + 1]),
        ("schedule_minutes", "60"),
        ("link_ttl_days", 0),
        ("link_ttl_days", 91),
        ("retention_days", 0),
        ("retention_days", 3651),
        ("auto_send", "yes"),
    ],
)
def test_a_value_out_of_range_is_refused_naming_its_field(field, value):
    with pytest.raises(InvalidInput) as caught:
        recovery_settings_update(**{**VALID, field: value})

    assert list(caught.value.details["fields"]) == [field]
    assert fields(recovery_settings())["delay_minutes"] == 60  # unchanged


def test_every_field_at_fault_is_named_at_once():
    with pytest.raises(InvalidInput) as caught:
        recovery_settings_update(
            delay_minutes=-1, auto_send=True, schedule_minutes=[], link_ttl_days=0, retention_days=0
        )

    assert set(caught.value.details["fields"]) == {
        "delay_minutes",
        "schedule_minutes",
        "link_ttl_days",
        "retention_days",
    }

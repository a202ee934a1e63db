"""Fixtures of the extension's tests: the engine's are in recovery_helpers.py."""

from tests.extensions.abandoned_checkouts.recovery_helpers import (  # noqa: F401 (fixtures)
    auto,
    installed,
    mug,
    run,
    shop,
)

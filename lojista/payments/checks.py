"""System checks of the payment settings."""

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_test_gateway(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The test gateway with DEBUG off (forced by ALLOW_TEST_GATEWAY_IN_PRODUCTION,
    which settings.py requires for it) suits a staging or acceptance run only."""
    if settings.DEBUG or not settings.LOJISTA_TEST_GATEWAY_ENABLED:
        return []
    return [
        checks.Warning(
            "The test card gateway is on with DEBUG off: anyone can pay with a fake card (tok_visa).",
            hint="Fine for a staging or acceptance run; in a real shop set TEST_GATEWAY_ENABLED=false "
            "and remove ALLOW_TEST_GATEWAY_IN_PRODUCTION.",
            id="lojista.payments.W001",
        )
    ]

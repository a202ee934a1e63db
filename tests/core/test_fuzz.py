"""Schemathesis against the OpenAPI document, in process (WSGI, no network):
no 5xx and no answer the document does not describe, for a guest, a
customer, a staff member and an owner. Generated text includes NUL and other
control characters. Derandomized, so that CI is deterministic."""

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from conftest import bearer
from lojista.customers.models import ApiToken, User
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db

# Per operation and generation mode; ~30 operations.
MAX_EXAMPLES = 8
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]

# Valid-looking input that only the server can judge, so a schema-valid value
# may rightly be refused: opaque cursors (422 when tampered with), the
# webhook's signature (400), a new password's strength (Django's validators:
# too common, too like the name), a password-reset link's token (422).
# Every other check still runs on them.
NOT_JUDGED_BY_THE_SCHEMA = {
    "POST /api/v1/auth/register",
    "POST /api/v1/me/password",
    "POST /api/v1/auth/password-reset/confirm",
    "GET /api/v1/products",
    "GET /api/v1/me/orders",
    "GET /api/v1/admin/orders",
    "GET /api/v1/admin/outbox",
    "POST /api/v1/payments/stripe/webhook",
}


@pytest.fixture
def credentials(db) -> list[dict[str, str]]:
    customer = User.objects.create_user("ana@example.com", "correct horse battery", name="Ana")
    staff = User.objects.create_user(
        "staff@example.com", "staff password 1", name="Sam", is_staff=True, role=User.Role.STAFF
    )
    owner = User.objects.create_superuser("owner@example.com", "owner password 1", name="Olga")
    make_variant(make_product("Camiseta", slug="camiseta"), price="25.00", stock=10)
    return [
        {},
        bearer(ApiToken.issue(customer)),
        bearer(ApiToken.issue(staff)),
        bearer(ApiToken.issue(owner)),
    ]


@pytest.fixture
def keep_connection():
    """As Django's test client does: the test's transaction outlives each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema():
    config = schemathesis.Config.from_dict({"generation": {"allow-x00": True, "codec": "utf-8"}})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=config)


def _fuzz(operation, mode, roles):
    excluded = [positive_data_acceptance] if operation.label in NOT_JUDGED_BY_THE_SCHEMA else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=next(roles), excluded_checks=excluded)

    run()


def test_the_api_keeps_its_openapi_contract(credentials, keep_connection):
    roles = itertools.cycle(credentials)
    failures: list[str] = []
    operations = [result.ok() for result in _schema().get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:
        for mode in MODES:
            try:
                _fuzz(operation, mode, roles)
            except Unsatisfiable:
                pass  # nothing to generate in this mode (e.g. no invalid value for a free text)
            except (Exception, BaseExceptionGroup) as failure:  # try every operation, report all
                failures.append(f"{operation.label} [{mode.value}]: {failure}")

    assert not failures, "\n\n".join(failures)

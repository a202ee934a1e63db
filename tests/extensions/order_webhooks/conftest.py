import re
from pathlib import Path

import pytest

from lojista.core.extensions import extension_install
from lojista.extensions.order_webhooks.apps import SLUG
from lojista.extensions.order_webhooks.models import Endpoint, EventType
from tests.extensions.order_webhooks.receiver import Receiver

DOCS = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"
ALL_EVENTS = list(EventType.values)


def documented_verify():
    """The ``verify`` function of docs/webhooks.md's Python snippet, run as
    a receiver would copy it."""
    text = DOCS.read_text()
    match = re.search(r"<!-- verify-snippet -->\s*```python\n(.*?)```", text, re.DOTALL)
    assert match, "docs/webhooks.md has no verification snippet"
    namespace: dict = {}
    exec(match.group(1), namespace)
    return namespace["verify"]


@pytest.fixture
def installed(db) -> None:
    extension_install(slug=SLUG)


@pytest.fixture
def receiver(settings):
    """A local receiver, which the shop may send to (plain http, 127.0.0.1)."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(installed, receiver) -> Endpoint:
    return Endpoint.objects.create(url=receiver.url, events=ALL_EVENTS, description="Accounting")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a transaction enqueues on commit (with the ImmediateBackend of
    the test settings, the delivery itself)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def rq_redis(settings) -> str:
    """Tasks go to RQ on Redis (database 4, emptied): TASKS_BACKEND=rq."""
    from tests.rq_workers import use_rq

    return use_rq(settings)

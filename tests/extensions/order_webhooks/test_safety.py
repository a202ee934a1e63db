"""Where webhooks may go: https on public addresses only in production, at
registration and again before every attempt (no DNS rebinding); a hanging
endpoint costs the attempt its time limit and no more."""

import socket
import time

import pytest

from lojista.core.errors import InvalidInput
from lojista.extensions.order_webhooks import safety, sender, services
from lojista.extensions.order_webhooks.models import Delivery, Endpoint
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

Status = Delivery.Status
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def dns(monkeypatch):
    """Names that resolve as a test says: ``dns["hooks.test"] = ["10.0.0.1"]``."""
    answers: dict[str, list[str]] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in answers[host]
            ]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(safety.socket, "getaddrinfo", getaddrinfo)
    return answers


def refused(url: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        safety.check_url(url)
    [message] = caught.value.details["fields"]["url"]
    return message


@pytest.mark.parametrize(
    "url",
    [
        "http://8.8.8.8/hooks",
        "https://localhost/hooks",
        "https://api.localhost/hooks",
        "https://127.0.0.1/hooks",
        "https://127.1.2.3:8443/hooks",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://0.0.0.0/hooks",
        "https://10.0.0.5/hooks",
        "https://172.16.0.1/hooks",
        "https://192.168.0.1/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hooks",
        "https://[fc00::1]/hooks",
        "https://[fe80::1]/hooks",
        "https://224.0.0.1/hooks",
        "https://240.0.0.1/hooks",
        "https://user:secret@8.8.8.8/hooks",
        "https://8.8.8.8/hooks#part",
        "ftp://8.8.8.8/hooks",
        "https:///hooks",
    ],
)
def test_in_production_these_urls_are_refused_at_registration(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False

    assert refused(url)


def test_a_name_resolving_to_a_private_address_is_refused_at_registration(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    dns["intranet.example.com"] = ["93.184.216.34", "10.0.0.7"]

    assert refused("https://intranet.example.com/hooks") == (
        "10.0.0.7 is not a public internet address: the shop only sends webhooks to public servers."
    )


@pytest.mark.parametrize("url", ["https://8.8.8.8/hooks", "https://[2001:4860:4860::8888]:8443/x?a=1"])
def test_public_https_urls_are_accepted(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False

    safety.check_url(url)


def test_a_name_that_does_not_resolve_yet_is_accepted_and_checked_at_each_attempt(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    dns["hooks.example.com"] = []

    safety.check_url("https://hooks.example.com/x")


def test_with_the_setting_on_local_http_is_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True

    safety.check_url("http://127.0.0.1:8001/hooks")
    safety.check_url("http://localhost/hooks")


def test_dns_rebinding_a_public_name_to_a_local_address_is_refused_at_delivery(
    settings, installed, receiver, dns, commit
):
    """Registered while the name was public; by the attempt it points at the
    shop's own machine (where the receiver listens): nothing is sent there."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    port = receiver.server.server_address[1]
    dns["hooks.example.com"] = ["93.184.216.34"]
    endpoint = services.endpoint_create(
        url=f"https://hooks.example.com:{port}/hooks", events=["order.placed"]
    )
    dns["hooks.example.com"] = ["127.0.0.1"]

    commit(placed_order)

    delivery = Delivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.READY, 1, None)
    assert delivery.last_error == (
        "127.0.0.1 is not a public internet address: the shop only sends webhooks to public servers."
    )
    assert receiver.requests == []


def test_a_private_url_stored_before_the_setting_was_turned_off_is_refused_at_delivery(
    settings, installed, receiver, commit
):
    Endpoint.objects.create(url=receiver.url, events=["order.placed"])
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False

    commit(placed_order)

    assert "https://" in Delivery.objects.get().last_error
    assert receiver.requests == []


def test_the_connection_goes_to_the_address_checked_with_the_host_named(installed, receiver, dns, commit):
    port = receiver.server.server_address[1]
    dns["shop-erp.test"] = ["127.0.0.1"]
    Endpoint.objects.create(url=f"http://shop-erp.test:{port}/in?key=1", events=["order.placed"])

    commit(placed_order)

    [request] = receiver.wait_for(1)
    assert request.path == "/in?key=1"
    assert request.headers["host"] == f"shop-erp.test:{port}"
    assert Delivery.objects.get().status == Status.SUCCEEDED


def test_https_to_a_server_that_does_not_speak_tls_fails_the_attempt(installed, receiver, commit):
    port = receiver.server.server_address[1]
    Endpoint.objects.create(url=f"https://127.0.0.1:{port}/hooks", events=["order.placed"])

    commit(placed_order)

    assert Delivery.objects.get().last_error.startswith("TLS failed")


def test_a_hanging_endpoint_costs_the_attempt_its_time_limit_then_fails_it(
    endpoint, receiver, commit, monkeypatch
):
    monkeypatch.setattr(sender, "TOTAL_TIMEOUT", 1.0)
    receiver.hang = True

    started = time.monotonic()
    commit(placed_order)  # the ImmediateBackend runs the attempt here: the worker's time, in production
    elapsed = time.monotonic() - started

    assert 1.0 <= elapsed < 3
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.READY, 1, None)
    assert delivery.last_error == "No answer within 1 second."
    assert 1000 <= delivery.duration_ms < 2000


@pytest.mark.parametrize("how", ["slow", "drip"])
def test_an_answer_still_coming_at_the_time_limit_is_cut_there(endpoint, receiver, commit, monkeypatch, how):
    """A slow answer, or one dripping a byte at a time (each byte well within
    a per-read timeout): either way the attempt ends at the limit."""
    monkeypatch.setattr(sender, "TOTAL_TIMEOUT", 1.0)
    if how == "slow":
        receiver.delay = 5
    else:
        receiver.drip = True

    started = time.monotonic()
    commit(placed_order)

    assert time.monotonic() - started < 2
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_error) == (Status.READY, "No answer within 1 second.")


def test_the_time_limits_are_those_documented():
    assert (sender.CONNECT_TIMEOUT, sender.TOTAL_TIMEOUT) == (5.0, 10.0)

"""Rate limits: each limit answers 429 rate_limited with Retry-After once its
rate is used up, counts apart per address, cart, checkout and email, and
counts exactly under concurrency (in local memory and in Redis)."""

import threading
import time
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from lojista.carts.models import Cart
from lojista.checkout.models import Checkout
from lojista.core.ratelimit import Rate, check_rates, count
from tests.completion.shop import ADDRESS, complete, new_cart, open_shop, start_checkout, variant_with_stock
from tests.completion.test_concurrency import call, run_together
from tests.redis_helpers import redis_url

pytestmark = pytest.mark.django_db

# Hourly windows: a test would have to straddle the top of the hour to see a
# counter start afresh.
TWO_AN_HOUR = "2/h"


@pytest.fixture
def limits(settings):
    """Turn rate limits on with only the rates given (others unlimited)."""

    def set_limits(**rates: str) -> None:
        settings.LOJISTA_RATE_LIMITS_ENABLED = True
        settings.LOJISTA_RATE_LIMITS = rates

    return set_limits


def assert_rate_limited(response, limit: str) -> None:
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["code"] == "rate_limited"
    assert body["message"]
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 3600
    assert body["details"] == {"retry_after": retry_after, "limit": limit}


def post(api, path, body=None, address="192.0.2.1", **headers):
    return api.post(path, body or {}, content_type="application/json", REMOTE_ADDR=address, **headers)


def register(api, email, address="192.0.2.1"):
    body = {"email": email, "password": "a long enough passphrase", "name": "Ana"}
    return post(api, "/api/v1/auth/register", body, address=address)


def login(api, email, address="192.0.2.1", password="wrong password"):
    return post(api, "/api/v1/auth/login", {"email": email, "password": password}, address=address)


def test_cart_creation_is_limited_per_client_address(api, limits):
    limits(cart_create_address=TWO_AN_HOUR)

    assert [post(api, "/api/v1/carts").status_code for _ in range(2)] == [201, 201]
    assert_rate_limited(post(api, "/api/v1/carts"), "cart_create_address")
    assert post(api, "/api/v1/carts", address="192.0.2.2").status_code == 201


def test_behind_trusted_proxies_the_forwarded_client_address_is_limited(api, limits, settings):
    settings.LOJISTA_TRUSTED_PROXIES = 1
    limits(cart_create_address=TWO_AN_HOUR)

    def create(client_ip):
        # The leftmost entry is forgeable: it must not matter.
        forwarded = f"{uuid.uuid4().int % 256}.0.0.1, {client_ip}"
        return post(api, "/api/v1/carts", address="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert [create("203.0.113.1").status_code for _ in range(2)] == [201, 201]
    assert_rate_limited(create("203.0.113.1"), "cart_create_address")
    assert create("203.0.113.2").status_code == 201


def test_with_rate_limits_off_nothing_is_limited(api, limits, settings):
    limits(cart_create_address="1/h")
    settings.LOJISTA_RATE_LIMITS_ENABLED = False

    assert {post(api, "/api/v1/carts").status_code for _ in range(5)} == {201}


@pytest.fixture
def shop(db):
    open_shop()
    return variant_with_stock(50)


def test_checkout_start_is_limited_per_cart(api, limits, shop):
    limits(checkout_start_cart=TWO_AN_HOUR)
    cart, other = new_cart(api, {shop: 1}), new_cart(api, {shop: 1})

    assert [start_checkout(api, cart).status_code for _ in range(2)] == [201, 201]
    assert_rate_limited(start_checkout(api, cart), "checkout_start_cart")
    assert start_checkout(api, other).status_code == 201


def test_checkout_start_is_limited_per_email_in_any_case(api, limits, shop):
    limits(checkout_start_email=TWO_AN_HOUR)
    carts = [new_cart(api, {shop: 1}) for _ in range(4)]

    assert start_checkout(api, carts[0], email="ana@example.com").status_code == 201
    assert start_checkout(api, carts[1], email="ANA@example.com").status_code == 201
    assert_rate_limited(start_checkout(api, carts[2], email="ana@example.com"), "checkout_start_email")
    assert start_checkout(api, carts[3], email="bia@example.com").status_code == 201


def test_a_refused_checkout_start_holds_no_stock(api, limits, shop):
    limits(checkout_start_address="1/h")
    first, second = new_cart(api, {shop: 20}), new_cart(api, {shop: 20})
    assert start_checkout(api, first).status_code == 201

    assert_rate_limited(start_checkout(api, second), "checkout_start_address")
    assert Checkout.objects.count() == 1
    assert api.get(f"/api/v1/carts/{second}").json()["lines"][0]["quantity"] == 20


def test_checkout_start_is_limited_per_address(api, limits, shop):
    limits(checkout_start_address=TWO_AN_HOUR)
    carts = [new_cart(api, {shop: 1}) for _ in range(4)]

    assert [start_checkout(api, token).status_code for token in carts[:2]] == [201, 201]
    assert_rate_limited(start_checkout(api, carts[2]), "checkout_start_address")
    from_elsewhere = {"email": "ana@example.com", "shipping_address": ADDRESS, "shipping_method": "standard"}
    response = post(api, f"/api/v1/carts/{carts[3]}/checkout", from_elsewhere, address="192.0.2.99")
    assert response.status_code == 201


# Completion calls the payment gateway, which refuses to run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_completion_is_limited_per_checkout(api, limits, shop):
    limits(checkout_complete_checkout=TWO_AN_HOUR)
    checkouts = [start_checkout(api, new_cart(api, {shop: 1})).json()["id"] for _ in range(2)]

    assert complete(api, checkouts[0]).status_code == 201
    assert complete(api, checkouts[0]).json()["code"] == "checkout_completed"
    assert_rate_limited(complete(api, checkouts[0]), "checkout_complete_checkout")
    assert complete(api, checkouts[1]).status_code == 201


@pytest.mark.django_db(transaction=True)
def test_completion_is_limited_per_address_before_paying(api, limits, shop):
    limits(checkout_complete_address="1/h")
    first, second = (start_checkout(api, new_cart(api, {shop: 1})).json()["id"] for _ in range(2))
    assert complete(api, first).status_code == 201

    assert_rate_limited(complete(api, second), "checkout_complete_address")
    assert Checkout.objects.get(pk=second).status == Checkout.Status.OPEN


def test_registration_is_limited_per_address(api, limits):
    limits(register_address=TWO_AN_HOUR)

    assert [register(api, f"user{n}@example.com").status_code for n in range(2)] == [201, 201]
    assert_rate_limited(register(api, "user2@example.com"), "register_address")
    assert register(api, "user2@example.com", address="192.0.2.2").status_code == 201


def test_registration_is_limited_per_email(api, limits):
    limits(register_email=TWO_AN_HOUR)

    assert register(api, "ana@example.com", address="192.0.2.1").status_code == 201
    assert register(api, "ana@example.com", address="192.0.2.2").json()["code"] == "email_taken"
    assert_rate_limited(register(api, "Ana@Example.com", address="192.0.2.3"), "register_email")


def test_login_is_limited_per_address_whatever_the_outcome(api, limits, customer):
    limits(login_address=TWO_AN_HOUR)

    assert login(api, "ana@example.com", password="correct horse battery").status_code == 200
    assert login(api, "bia@example.com").status_code == 401
    assert_rate_limited(login(api, "ana@example.com", password="correct horse battery"), "login_address")


def test_login_is_limited_per_email(api, limits, customer):
    limits(login_email=TWO_AN_HOUR)

    assert login(api, "ana@example.com", address="192.0.2.1").status_code == 401
    assert login(api, "ana@example.com", address="192.0.2.2").status_code == 401
    assert_rate_limited(login(api, "ana@example.com", address="192.0.2.3"), "login_email")


def test_requests_refused_for_their_address_do_not_use_up_the_email_limit(api, limits):
    limits(register_address="1/h", register_email="1/h")
    assert register(api, "ana@example.com").status_code == 201

    for _ in range(3):
        assert_rate_limited(register(api, "bia@example.com"), "register_address")
    assert register(api, "bia@example.com", address="192.0.2.2").status_code == 201


def test_a_limit_lets_requests_through_again_once_its_window_is_over(api, limits):
    limits(cart_create_address="1/s")
    for _ in range(5):
        response = post(api, "/api/v1/carts")
        if response.status_code == 429:
            break
    assert_rate_limited(response, "cart_create_address")

    time.sleep(int(response["Retry-After"]))

    assert post(api, "/api/v1/carts").status_code == 201


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/m", Rate(30, 60)),
        ("10/h", Rate(10, 3600)),
        ("5/10m", Rate(5, 600)),
        (" 1 / 2d ", Rate(1, 172800)),
    ],
)
def test_rates_are_read_from_their_text(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["30", "0/m", "5/0m", "5/w", "many/h", "-1/h"])
def test_a_malformed_rate_is_a_configuration_error(text):
    with pytest.raises(ImproperlyConfigured):
        Rate.parse(text)


def test_a_malformed_rate_in_the_settings_fails_the_system_check(settings):
    settings.LOJISTA_RATE_LIMITS = {
        "login_email": "20/h",
        "register_email": "5 a day",
        "cart_create_address": "",
    }

    errors = check_rates()

    assert [error.id for error in errors] == ["lojista.ratelimit.E001"]
    assert "RATE_LIMIT_REGISTER_EMAIL" in errors[0].msg


def accepted_among_concurrent_hits(hits: int, rate: Rate) -> int:
    """How many of ``hits`` requests of one identity sent at once the rate let through."""
    identity = str(uuid.uuid4())
    barrier = threading.Barrier(hits)
    waits: list[int] = []

    def hit() -> None:
        barrier.wait()
        waits.append(count("concurrency", identity, rate))

    threads = [threading.Thread(target=hit) for _ in range(hits)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return waits.count(0)


def test_concurrent_requests_are_counted_exactly_in_local_memory():
    assert accepted_among_concurrent_hits(40, Rate(10, 3600)) == 10


def test_concurrent_requests_are_counted_exactly_in_redis(settings):
    """Each thread has its own cache connection, as each worker process would."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(3),
            "KEY_PREFIX": f"test-{uuid.uuid4()}",
        }
    }

    assert accepted_among_concurrent_hits(40, Rate(10, 3600)) == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_carts_created_at_once_over_http_get_exactly_the_rate(live_server, limits):
    limits(cart_create_address="3/h")

    def create(_: int) -> int:
        status, _body = call(live_server.url, "POST", "/api/v1/carts")
        return status

    # Ten at once: within the test server's listen queue.
    statuses = run_together(10, create)

    assert sorted(statuses) == [201] * 3 + [429] * 7
    assert Cart.objects.count() == 3

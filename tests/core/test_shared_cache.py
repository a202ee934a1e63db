"""Several web machines: the rate limits and the sessions of one process are
those of every other through Redis (CACHE_URL), /readyz says whether the
database and the cache answer, and a Redis that stops answering costs no
error page (rate limits open, sessions and settings from the database)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.db import connection

from lojista.core.ratelimit import Rate, count
from lojista.customers.models import User
from tests.core.test_production_settings import production_env, run, settings_of
from tests.redis_helpers import redis_url

ROOT = Path(__file__).resolve().parents[2]
# Nothing listens on port 9 (discard): a Redis that is down.
DEAD_REDIS = "redis://127.0.0.1:9/3"


@pytest.fixture
def shared_redis():
    """Redis database 3, empty before and after the test."""
    url = redis_url(3)
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(scope="module")
def _migrated_sqlite_file(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('shop') / 'shop.sqlite3'}"
    migrate = shop_command(["manage.py", "migrate", "-v0"], database_url=url, cache_url="locmemcache://")
    assert migrate.returncode == 0, migrate.stderr
    return url


@pytest.fixture
def process_database(request) -> str:
    """The database the shop processes share: on PostgreSQL the test database
    (committed rows), else a SQLite file migrated for this module."""
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        db = connection.settings_dict
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return request.getfixturevalue("_migrated_sqlite_file")


def shop_command(args: list[str], *, database_url: str, cache_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_shared_cache",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "RATE_LIMITS": "on",
        # A day's window: the two processes never straddle two windows.
        "RATE_LIMIT_LOGIN_ADDRESS": "5/d",
        # The login throttle (failures counted in the database) out of the way.
        "LOGIN_MAX_FAILURES": "1000",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def in_a_process(*args: str, database_url: str, cache_url: str) -> object:
    """Run tests/core/shop_process.py in a new process: its printed answer."""
    result = shop_command(
        ["-m", "tests.core.shop_process", *args], database_url=database_url, cache_url=cache_url
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_two_processes_count_one_rate_limit_through_redis(shared_redis, process_database):
    """Five logins a day from one address: three in one process, then three
    in another, whose third is the sixth of the day and refused."""
    redis_cache = redis_url(3)

    def logins(times: int) -> object:
        return in_a_process(
            "login", str(times), "ana@example.com", database_url=process_database, cache_url=redis_cache
        )

    assert logins(3) == [401, 401, 401]
    assert logins(3) == [401, 401, 429]


def test_with_a_per_process_cache_each_process_lets_the_whole_rate_through(process_database):
    """Why the shop needs a shared cache with several processes."""

    def logins(times: int) -> object:
        return in_a_process(
            "login", str(times), "bia@example.com", database_url=process_database, cache_url="locmemcache://"
        )

    assert logins(5) == [401] * 5
    assert logins(5) == [401] * 5


def test_a_session_made_by_one_process_is_read_by_another(shared_redis, process_database):
    processes = {"database_url": process_database, "cache_url": redis_url(3)}

    session_key = in_a_process("staff-session", "staff@example.com", **processes)

    assert isinstance(session_key, str)
    assert shared_redis.keys(f"*{KEY_PREFIX}{session_key}"), "the session is in Redis"
    assert in_a_process("backoffice", session_key, **processes) == [200]
    # The database is the sessions' source of truth; the cache only saves the read.
    shared_redis.flushdb()
    assert in_a_process("backoffice", session_key, "not-a-session-key-at-all-000000", **processes) == [
        200,
        302,
    ]


def redis_cache(url: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


@pytest.mark.django_db
def test_readyz_is_ok_when_the_database_and_the_cache_answer(api):
    response = api.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_readyz_answers_plain_http_probes_and_no_storefront_session(api, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = api.get("/readyz?utm_source=probe")

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


@pytest.mark.django_db
def test_readyz_is_ok_with_redis(api, settings, shared_redis):
    settings.CACHES = redis_cache(redis_url(3))

    assert api.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_naming_the_cache_when_redis_is_down(api, settings):
    settings.CACHES = redis_cache(DEAD_REDIS)

    response = api.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "cache": "unavailable"}}
    assert b"127.0.0.1" not in response.content


def test_readyz_is_503_naming_the_database_when_it_cannot_be_reached():
    """A real process pointed at a PostgreSQL port where nothing listens."""
    result = shop_command(
        [
            "-c",
            "import django; django.setup(); from django.test import Client;"
            "r = Client().get('/readyz'); print(r.status_code, r.content.decode())",
        ],
        database_url="postgres://postgres@127.0.0.1:9/nowhere",
        cache_url="locmemcache://",
    )

    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503", result.stderr
    assert json.loads(body) == {"status": "unavailable", "checks": {"database": "unavailable", "cache": "ok"}}


@pytest.fixture
def redis_is_down(settings):
    settings.CACHES = redis_cache(DEAD_REDIS)
    settings.SESSION_ENGINE = "lojista.core.sessions"


def test_rate_limits_let_requests_through_when_redis_is_down(redis_is_down, caplog):
    with caplog.at_level(logging.ERROR, logger="lojista.cache"):
        waits = [count("login_address", "192.0.2.1", Rate(1, 3600)) for _ in range(3)]

    assert waits == [0, 0, 0]
    assert "Rate limit login_address not counted" in caplog.text


@pytest.mark.django_db
def test_the_shop_keeps_its_sessions_and_settings_when_redis_is_down(redis_is_down, staff, client):
    """A staff member logs in and works (the session and the shop's settings
    read from the database); logging in cycles the session key."""
    client.get("/backoffice/login/")
    anonymous_key = client.session.session_key

    response = client.post("/backoffice/login/", {"email": staff.email, "password": "staff password 1"})

    assert response.status_code == 302, response.content
    assert client.session.session_key != anonymous_key
    assert client.get("/backoffice/").status_code == 200
    assert client.get("/").status_code == 200
    assert User.objects.get(pk=staff.pk).last_login is not None


@pytest.mark.django_db
def test_a_logout_fails_rather_than_leave_the_session_in_redis(redis_is_down, staff, client):
    """The session's cached copy could not be deleted: it would let the
    session in again once Redis is back, so the logout is not pretended."""
    client.force_login(staff)

    with pytest.raises(redis.ConnectionError):
        client.post("/backoffice/logout/")


def test_a_redis_cache_url_brings_cached_sessions_and_short_timeouts():
    redis_env = production_env(CACHE_URL="redis://10.0.0.5:6379/0")
    default = settings_of(production_env(), "CACHES", "SESSION_ENGINE")
    shared = settings_of(redis_env, "CACHES", "SESSION_ENGINE")
    patient = settings_of(production_env(CACHE_URL="redis://10.0.0.5:6379/0?socket_timeout=2"), "CACHES")

    assert default["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert default["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert shared["SESSION_ENGINE"] == "lojista.core.sessions"
    assert shared["CACHES"]["default"]["OPTIONS"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    assert patient["CACHES"]["default"]["OPTIONS"]["socket_timeout"] == 2


def test_check_deploy_is_clean_with_redis():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(CACHE_URL="redis://127.0.0.1:6379/3"),
    )

    assert result.returncode == 0, result.stdout + result.stderr

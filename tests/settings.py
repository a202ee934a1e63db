"""Test settings: lojista.settings with fast hashing and in-memory email."""

import os

# Tests do not read a developer's .env: they run the same everywhere.
os.environ.setdefault("ENV_FILE", os.devnull)
# DEBUG stays off as in production, so the key must pass its rule (settings.py),
# SITE_URL must be set, and the test gateway must be allowed explicitly.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-" + "0123456789abcdef" * 3)
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("ALLOW_TEST_GATEWAY_IN_PRODUCTION", "true")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# Rate limits are off in the suite; tests/core/test_rate_limits.py turns them on.
os.environ.setdefault("RATE_LIMITS", "off")

from lojista.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOJISTA_TEST_GATEWAY_ENABLED = True
# Each test starts with empty counters (conftest.py clears this cache), so
# never a shared server's cache, whatever CACHE_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The test client and live test servers speak plain HTTP.
SECURE_SSL_REDIRECT = False
# A tiny extension (tests/sample_extension), listed the way a real one is.
LOJISTA_EXTENSIONS = [*LOJISTA_EXTENSIONS, "tests.sample_extension"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "tests.sample_extension"]  # noqa: F405
# Connections are closed after each request in the suite, as before
# persistent connections: the live servers' and test threads' connections
# must not outlive their test, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

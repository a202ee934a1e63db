"""Test settings: lojista.settings with fast hashing and in-memory email."""

import os

# Tests do not read a developer's .env: they run the same everywhere.
os.environ.setdefault("ENV_FILE", os.devnull)
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from lojista.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOJISTA_TEST_GATEWAY_ENABLED = True
# The test client and live test servers speak plain HTTP.
SECURE_SSL_REDIRECT = False

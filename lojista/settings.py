"""Lojista settings, read entirely from the environment (see README's table).

Every value has a development default except SECRET_KEY, which is required as
soon as DEBUG is off.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file (see .env.example) fills in what the real environment leaves unset.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# How to make a key, in every refusal below.
_MAKE_A_KEY = 'make one with: python3 -c "import secrets; print(secrets.token_urlsafe(64))"'
# Keys that were published (.env.example, Django's startproject, docs): never secret.
_PLACEHOLDER_KEYS = {"change-me-to-a-long-random-string"}
SECRET_KEY = env.str("SECRET_KEY", default="")
if not DEBUG:
    # The rule of Django's `check --deploy` (security.W009), made fatal: a
    # guessable key signs sessions, password-reset links and CSRF tokens.
    if not SECRET_KEY:
        raise ImproperlyConfigured(f"SECRET_KEY must be set when DEBUG is off; {_MAKE_A_KEY}")
    if (
        SECRET_KEY in _PLACEHOLDER_KEYS
        or SECRET_KEY.startswith(("django-insecure", "insecure"))
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is a placeholder or too short to be secret (it needs at least 50 characters, "
            f"at least 5 of them different, and no 'insecure' prefix); {_MAKE_A_KEY}"
        )
elif not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-ninja's templates and static files: /api/v1/docs serves Swagger UI
    # from the shop itself (without the app, ninja loads it from a CDN).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "lojista.core",
    "lojista.catalog",
    "lojista.inventory",
    "lojista.customers",
    "lojista.carts",
    "lojista.checkout",
    "lojista.payments",
    "lojista.orders",
    "lojista.notifications",
    "lojista.demo",
    "lojista.backoffice",
    "lojista.storefront",
    "lojista.observability",
    "django_htmx",
]

# Extensions the owner may install (lojista.core.extensions; each is off until
# installed): optional apps, appended to INSTALLED_APPS. Core never imports them.
LOJISTA_EXTENSIONS: list[str] = [
    "lojista.extensions.abandoned_checkouts",
    "lojista.extensions.order_webhooks",
]
INSTALLED_APPS += LOJISTA_EXTENSIONS

MIDDLEWARE = [
    # Outermost: the request id (X-Request-ID) and the one log line per request.
    "lojista.core.request_log.RequestIdMiddleware",
    # Then: under /api/ it turns every error the others answer into JSON.
    "lojista.api.ApiMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (docs/security.md).
    "lojista.core.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lojista.storefront.middleware.SourceTrackingMiddleware",
    "lojista.core.middleware.ShopLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lojista.backoffice.middleware.BackofficeLanguageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lojista.urls"
WSGI_APPLICATION = "lojista.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lojista.backoffice.context.backoffice",
                "lojista.storefront.context.storefront",
            ],
        },
    },
]

# Database: SQLite file by default (the embedded demo), PostgreSQL in production.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'lojista.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two writers
    # queue up instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # Opt-in (decision 211): parameters sent apart from the statement, so
    # that psycopg prepares a statement a connection has run 5 times and
    # PostgreSQL skips parsing and planning it again; it caps a statement at
    # 65,535 parameters and needs a pooler that keeps prepared statements
    # (docs/operations.md).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool(
        "DATABASE_PREPARED_STATEMENTS", default=False
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep a process's connection between requests (opening one costs more than
# most requests: /healthz went from 383 to 3,780 req/s under gunicorn); a
# connection found broken is replaced at the start of the next request.
# CONN_MAX_AGE=0 closes it after each request (e.g. behind PgBouncer in
# transaction mode, see docs/operations.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "customers.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        # Django's default attributes are first_name/last_name, which User does not have.
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lojista.customers.password_validation.CharacterVarietyValidator"},
]

# Internationalisation: English and Portuguese (Brazil), picked from Accept-Language.
# The shop's own language (SHOP_LANGUAGE: the merchant's emails, the back
# office, a request that names no language) is Django's LANGUAGE_CODE.
LANGUAGES = [("en", _("English")), ("pt-br", _("Portuguese (Brazil)"))]
LANGUAGE_CODE = env.str("SHOP_LANGUAGE", default="en").strip().lower().replace("_", "-")
_SHOP_LANGUAGES = [code for code, _name in LANGUAGES]
if LANGUAGE_CODE not in _SHOP_LANGUAGES:
    raise ImproperlyConfigured(f"SHOP_LANGUAGE must be one of {', '.join(_SHOP_LANGUAGES)}: {LANGUAGE_CODE}")
LOCALE_PATHS = [BASE_DIR / "lojista" / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
# collectstatic also writes a gzip copy of each file, which WhiteNoise sends to
# browsers that accept it (bench/page_weight.py: pages under 100 KB).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Email: smtp://user:pass@host:port (smtp+tls://, smtp+ssl://), consolemail://, filemail://path
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    # django-environ drops the leading "/" of filemail:///abs/dir: read the
    # path from the URL itself (filemail://var/mails is relative to BASE_DIR).
    _email_url = urlsplit(env.str("EMAIL_URL"))
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(BASE_DIR / unquote(_email_url.netloc + _email_url.path))
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lojista <shop@localhost>")

# Background tasks: django-tasks with the database backend (`db_worker` runs
# them), or RQ on Redis with TASKS_BACKEND=rq (`rqworker` runs them; see
# docs/operations.md, "A broker-backed queue"). Either way a task carries only
# a row's id: the outbox rows stay the source of truth.
_TASK_BACKEND_ALIASES = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
_tasks_backend = env.str("TASKS_BACKEND", default="db")
_tasks_backend = _TASK_BACKEND_ALIASES.get(_tasks_backend, _tasks_backend)
# "webhooks": the order webhooks' deliveries, run by a worker of their own
# (`db_worker --queue-name webhooks`, or `rqworker … webhooks`) so that a slow
# endpoint never delays an email (docs/webhooks.md).
TASK_QUEUES = ["default", "webhooks"]
TASKS = {"default": {"BACKEND": _tasks_backend, "QUEUES": TASK_QUEUES}}
# The broker of TASKS_BACKEND=rq. RQ stops a job after DEFAULT_TIMEOUT
# seconds: the outbox's lease (10 minutes), so that a batch of emails is never
# killed while its rows are still its own (it stops itself after 5).
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600} for name in TASK_QUEUES}
if _tasks_backend == _TASK_BACKEND_ALIASES["rq"]:
    # django-rq: the connections and the `rqworker` command.
    INSTALLED_APPS.append("django_rq")

# The shop.
# Order webhooks (docs/webhooks.md): endpoints on localhost, private or
# otherwise non-public addresses, and plain http://, are refused unless this
# is on (for a receiver on your own machine while developing).
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("WEBHOOKS_ALLOW_PRIVATE_URLS", default=DEBUG)

LOJISTA_CURRENCY = env.str("SHOP_CURRENCY", default="EUR")
LOJISTA_SHOP_NAME = env.str("SHOP_NAME", default="Lojista Demo Shop")

# Carts expire after this many days without activity; empty guest carts sooner.
LOJISTA_CART_TTL_CUSTOMER_DAYS = env.int("CART_TTL_CUSTOMER_DAYS", default=90)
LOJISTA_CART_TTL_GUEST_DAYS = env.int("CART_TTL_GUEST_DAYS", default=30)
LOJISTA_CART_TTL_EMPTY_GUEST_DAYS = env.int("CART_TTL_EMPTY_GUEST_DAYS", default=2)
# The most units of one variant a cart line may ask for.
LOJISTA_CART_MAX_LINE_QUANTITY = 999

# The most units of one variant an order may hold, for variants that set no
# maximum of their own (empty: no shop-wide maximum).
LOJISTA_MAX_PER_ORDER = env.int("MAX_PER_ORDER", default=None)
# A tracked variant with this many units available or fewer is "low stock"
# (the back office's home and product list).
LOJISTA_LOW_STOCK_THRESHOLD = env.int("LOW_STOCK_THRESHOLD", default=3)
# Seconds the public catalog listing (the home page, GET /api/v1/products) is
# kept in the cache; every change to it makes the copy stale at once
# (lojista/catalog/listing_cache.py); 0 turns the cache off.
LOJISTA_CATALOG_CACHE_SECONDS = env.int("CATALOG_CACHE_SECONDS", default=5)

# The cache holds the rate-limit counters (lojista.core.ratelimit), so every worker
# process must share it: local memory (the default) suits only the embedded
# single-process demo; with several workers (gunicorn) use Redis,
# CACHE_URL=redis://127.0.0.1:6379/0. Not the database cache: its incr is not atomic.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
_REDIS_CACHE = "lojista.core.redis_cache.RedisCache"
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's, keeping one Redis client per pool (lojista/core/redis_cache.py).
    CACHES["default"]["BACKEND"] = _REDIS_CACHE
    # A Redis that stops answering costs a request half a second per call,
    # then the shop carries on without it (lojista.core.shared_cache); the
    # URL may set its own: redis://host:6379/0?socket_timeout=1.
    _redis_options = CACHES["default"].setdefault("OPTIONS", {})
    _redis_options.setdefault("socket_connect_timeout", 0.5)
    _redis_options.setdefault("socket_timeout", 0.5)
# Sessions: in the database; with a shared cache (Redis), Django's cached_db
# sessions (the database stays the source of truth, the cache saves the read)
# in a variant that reads the database while the cache is down (decision 179).
SESSION_ENGINE = (
    "lojista.core.sessions"
    if CACHES["default"]["BACKEND"] == _REDIS_CACHE
    else "django.contrib.sessions.backends.db"
)

# Login throttling: LOGIN_MAX_FAILURES failed logins for one email or
# one client address within LOGIN_FAILURE_WINDOW seconds answers 429.
# Each attempt is recorded before the password is checked (see docs/security.md);
# the API's login and the back office's session logins share the count.
LOJISTA_LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=10)
LOJISTA_LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=15 * 60)

# Where customers.web.staff_required/owner_required send an anonymous visitor
# (a path or a URL name): the back office's login page.
LOJISTA_STAFF_LOGIN_URL = "/backoffice/login/"

# Rate limits (RATE_LIMITS=off turns them all off): "<count>/<period>" per
# "<action>_<scope>", the scope being the client address (generous: many
# customers share one behind a carrier's NAT), the cart, the checkout or the
# email. RATE_LIMIT_<NAME> overrides one (empty: no limit). See docs/security.md.
LOJISTA_RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS", default=True)
_RATE_LIMIT_DEFAULTS = {
    "cart_create_address": "60/m",
    "checkout_start_address": "30/m",
    "checkout_start_cart": "20/h",
    "checkout_start_email": "20/h",
    "checkout_complete_address": "30/m",
    "checkout_complete_checkout": "10/h",
    "register_address": "20/h",
    "register_email": "5/h",
    "login_address": "60/m",
    "login_email": "20/h",
    "password_reset_address": "20/h",
    "password_reset_email": "3/h",
    "password_reset_confirm_address": "30/h",
}
LOJISTA_RATE_LIMITS = {
    name: env.str(f"RATE_LIMIT_{name.upper()}", default=rate) for name, rate in _RATE_LIMIT_DEFAULTS.items()
}

# Logs go to stderr: LOG_FORMAT=text (the demo) or json, one JSON object per
# line with the request id (lojista.core.request_log); in json, the
# "lojista.request" logger also writes one line per request.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json: {LOG_FORMAT}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lojista.core.request_log.RequestIdFilter"}},
    "formatters": {"json": {"()": "lojista.core.request_log.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers would also print through their default handler.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # In text the server (runserver, gunicorn's access log) already says it.
        "lojista.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}

# /metrics (Prometheus; lojista.observability): it answers a request bearing
# "Authorization: Bearer <METRICS_TOKEN>"; while no token is set, only
# requests from a loopback or private address that came through no proxy.
LOJISTA_METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)

# HTTPS, on by default when DEBUG is off. Plain HTTP is redirected to HTTPS
# (turn it off only when a proxy in front already redirects), except /healthz
# and /readyz so that load balancers can probe over plain HTTP, and /metrics,
# which Prometheus scrapes on the private network. Behind a proxy that ends
# TLS, set SECURE_PROXY_SSL_HEADER=true (the proxy must set X-Forwarded-Proto)
# or every request looks like plain HTTP and is redirected forever.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Asking browsers to preload the domain is its owner's decision (a submission
# to the browsers' list, hard to undo), not a default; check --deploy would
# warn about it in every shop.
# Content-Security-Policy (lojista.core.security_headers): CSP_REPORT_ONLY=true
# sends it as Content-Security-Policy-Report-Only, to try a change safely.
# Referrer-Policy (same-origin) and nosniff are Django's defaults.
LOJISTA_CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

SILENCED_SYSTEM_CHECKS = ["security.W021"]

# A password-reset link works for this many seconds (and once: it stops
# working when the password changes, or when the account logs in).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=2 * 3600)
# A staff member's invitation link works for this many days (and once).
LOJISTA_INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)

# API tokens expire TOKEN_TTL_DAYS after their last use; a user keeps at most
# TOKEN_MAX_PER_USER of them (a new login revokes the least recently used).
LOJISTA_TOKEN_TTL_DAYS = env.int("TOKEN_TTL_DAYS", default=30)
LOJISTA_TOKEN_MAX_PER_USER = env.int("TOKEN_MAX_PER_USER", default=10)

# The largest request body the API reads, in bytes (413 payload_too_large
# above it). Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) stays the limit of
# the back office's forms.
LOJISTA_API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=2 * 1024 * 1024)

# How many reverse proxies in front of the app append to X-Forwarded-For
# (0: trust only the connection's address).
LOJISTA_TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)

# Checkout: how long stock is held for a checkout, and the first order number.
LOJISTA_CHECKOUT_HOLD_MINUTES = env.int("CHECKOUT_HOLD_MINUTES", default=60)
LOJISTA_FIRST_ORDER_NUMBER = env.int("FIRST_ORDER_NUMBER", default=1001)

# Payments. The test gateway (fake cards: anyone could "pay" with tok_visa)
# is on by default only in DEBUG. With DEBUG off it needs
# ALLOW_TEST_GATEWAY_IN_PRODUCTION=true beside TEST_GATEWAY_ENABLED=true (a
# staging or acceptance run), which `check --deploy` warns about
# (lojista.payments.W001). Stripe is offered when its secret key is set.
LOJISTA_TEST_GATEWAY_ENABLED = env.bool("TEST_GATEWAY_ENABLED", default=DEBUG)
_test_gateway_forced = env.bool("ALLOW_TEST_GATEWAY_IN_PRODUCTION", default=False)
if LOJISTA_TEST_GATEWAY_ENABLED and not DEBUG and not _test_gateway_forced:
    raise ImproperlyConfigured(
        "TEST_GATEWAY_ENABLED=true with DEBUG off would let anyone pay with a fake card: set "
        "TEST_GATEWAY_ENABLED=false, or, for a staging or acceptance run only, also set "
        "ALLOW_TEST_GATEWAY_IN_PRODUCTION=true."
    )
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Where the stripe SDK sends requests; tests point it at a local fake of Stripe.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")

# Where the shop is served: links in emails point here. Required when DEBUG
# is off (the development default would send customers to 127.0.0.1).
LOJISTA_SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
_site_url = urlsplit(LOJISTA_SITE_URL)
if _site_url.scheme not in {"http", "https"} or not _site_url.netloc:
    raise ImproperlyConfigured(
        "SITE_URL must be the shop's public address, such as https://shop.example "
        "(links in emails point there); it is required when DEBUG is off."
    )
# Email delivery: attempts before a message is marked failed, and the first
# retry delay (doubling each time).
LOJISTA_EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=8)
LOJISTA_EMAIL_RETRY_SECONDS = env.int("EMAIL_RETRY_SECONDS", default=30)
# The longest one email's templates may take to render (merchants' templates
# are small programs; see docs/security.md).
LOJISTA_EMAIL_RENDER_SECONDS = env.float("EMAIL_RENDER_SECONDS", default=2.0)

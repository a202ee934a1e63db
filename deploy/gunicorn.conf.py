"""gunicorn's configuration for Lojista's web process (docs/operations.md,
"Gunicorn"): `gunicorn -c deploy/gunicorn.conf.py lojista.wsgi`, as
deploy/systemd/lojista-web.service runs it. Each setting below can be
changed without editing this file: command-line options win over it, and
the environment variables it reads are named beside each."""

import multiprocessing
import os

# Behind the proxy (nginx, a load balancer) on this machine; a web machine
# behind a load balancer elsewhere binds its private address instead.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, two per core and one more (gunicorn's advice): a request
# waits on PostgreSQL, Redis or a payment provider about as long as it
# computes, so a core keeps two busy. bench/RESULTS.md, "server", measured
# 4 on a 2-core machine; 5 is within the noise of it. WEB_CONCURRENCY is
# gunicorn's own variable for this (and PaaS's).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# A request still running after 120 s is stuck (a database lock, a payment
# provider that does not answer: Stripe's client waits up to 80 s): gunicorn
# kills the worker and starts another; a payment taken meanwhile is placed by
# its webhook or the reconciliation job (docs/operations.md, "Periodic jobs").
# Not less: a sync worker streaming the orders' CSV export says nothing to
# gunicorn until it ends, and a shop of a million orders streams for about a
# minute (bench/RESULTS.md, "data"). GUNICORN_TIMEOUT changes it.
# On SIGTERM or SIGHUP (`systemctl reload`), requests in flight get 25 s to
# finish (systemd's TimeoutStopSec is 30).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 25
# Keep-alive with the proxy in front; above nginx's upstream keepalive_timeout.
keepalive = 5

# Recycle each worker after about 2,000 requests (a slow leak never grows
# for long); the jitter keeps the workers from all restarting at once.
max_requests = 2000
max_requests_jitter = 200

# The addresses allowed to tell gunicorn a request came over HTTPS
# (X-Forwarded-Proto): the proxy's. Django's SECURE_PROXY_SSL_HEADER and
# TRUSTED_PROXIES decide the same for the app (docs/operations.md, "TLS
# behind a proxy"); set both to the same proxies.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log to stderr (journald). With LOG_FORMAT=json the app writes its
# own request line with the request id; turn this one off then with
# GUNICORN_ACCESS_LOG= (empty).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None

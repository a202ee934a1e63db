"""The WSGI application (gunicorn: ``lojista.wsgi:application``)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lojista.settings")

application = get_wsgi_application()

# Import every view and the API now (Django would on the first request), then
# keep all these long-lived objects out of the garbage collector's full
# passes: a full pass walked the whole application's objects, ~100 ms, every
# few large responses (the staff API's order pages: p50 28 ms, p95 150 ms).
# Decision 232.
get_resolver().url_patterns  # noqa: B018 - the import is the point
gc.freeze()

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

from lojista.core.shared_cache import cache_answers


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    if not _database_answers():
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every service the shop uses answers (the database, the cache),
    503 naming those that do not; never an address or an error's text."""
    checks = {"database": _database_answers(), "cache": cache_answers()}
    body = {
        "status": "ok" if all(checks.values()) else "unavailable",
        "checks": {name: "ok" if fine else "unavailable" for name, fine in checks.items()},
    }
    return JsonResponse(body, status=200 if all(checks.values()) else 503)

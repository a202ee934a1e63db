"""Background work of accounts: periodic purges (registered in apps.py) and
the password-reset request."""

import logging

from django_tasks import task

from lojista.customers.services import login_failures_purge, password_reset_request, tokens_purge_expired


@task()
def purge_login_failures() -> int:
    return login_failures_purge()


@task()
def purge_expired_tokens() -> int:
    return tokens_purge_expired()


@task()
def request_password_reset(email: str, language: str = "") -> None:
    """``services.password_reset_request``, off the request (see its docstring)."""
    password_reset_request(email=email, language=language)


logger = logging.getLogger(__name__)


def request_password_reset_later(*, email: str, language: str) -> None:
    """Queue ``request_password_reset``. When the queue does not answer (a
    broker that is down: RQ's Redis), the request is served now rather than
    lost: while it lasts, the answer takes longer for an existing account
    (logged). The email itself goes through the outbox, which keeps it until
    a worker can send it. (Any error: each task backend raises its own.)"""
    try:
        request_password_reset.enqueue(email=email, language=language)
    except Exception:
        logger.exception("Password reset served in the request: the task queue does not answer")
        password_reset_request(email=email, language=language)

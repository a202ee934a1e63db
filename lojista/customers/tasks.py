"""Background work of accounts: periodic purges (registered in apps.py) and
the password-reset request."""

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

"""manage.py createstaff: staff accounts from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from lojista.customers.errors import InvalidRole
from lojista.customers.models import User
from lojista.customers.services import staff_upsert

pytestmark = pytest.mark.django_db


class FakeStdin(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture
def no_terminal(monkeypatch):
    monkeypatch.delenv("LOJISTA_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", FakeStdin(tty=False))


@pytest.fixture
def terminal(monkeypatch):
    """A terminal where the user types the given answers to getpass."""
    monkeypatch.delenv("LOJISTA_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", FakeStdin(tty=True))

    def type_answers(*answers):
        remaining = iter(answers)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(remaining))

    return type_answers


def createstaff(*args) -> str:
    out = io.StringIO()
    call_command("createstaff", *args, stdout=out)
    return out.getvalue()


def test_creates_a_staff_member_with_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", "a sturdy staff passphrase")

    output = createstaff("--email", "Rui@Example.com", "--name", "Rui")

    user = User.objects.get(email="rui@example.com")
    assert (user.is_staff, user.is_superuser, user.role, user.name) == (True, False, "staff", "Rui")
    assert user.check_password("a sturdy staff passphrase")
    assert "Created" in output


def test_an_owner_is_also_a_superuser(monkeypatch):
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", "a sturdy staff passphrase")

    createstaff("--email", "boss@example.com", "--role", "owner")

    user = User.objects.get(email="boss@example.com")
    assert (user.is_staff, user.is_superuser, user.role) == (True, True, "owner")


def test_running_again_updates_role_and_password_and_keeps_the_name(monkeypatch):
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", "a sturdy staff passphrase")
    createstaff("--email", "rui@example.com", "--role", "owner", "--name", "Rui")
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", "another sturdy passphrase")

    output = createstaff("--email", "RUI@example.com", "--role", "staff")

    user = User.objects.get()
    assert (user.role, user.is_superuser, user.name) == ("staff", False, "Rui")
    assert user.check_password("another sturdy passphrase")
    assert "Updated" in output


def test_promotes_an_existing_customer(monkeypatch, customer):
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", "a sturdy staff passphrase")

    createstaff("--email", "ana@example.com")

    customer.refresh_from_db()
    assert (customer.is_staff, customer.role, customer.name) == (True, "staff", "Ana Souza")


def test_without_a_password_or_a_terminal_it_refuses(no_terminal):
    with pytest.raises(CommandError, match="LOJISTA_STAFF_PASSWORD"):
        createstaff("--email", "rui@example.com")

    assert not User.objects.exists()


def test_a_weak_password_is_refused_with_the_problems(monkeypatch):
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", "1234")

    with pytest.raises(CommandError, match="too short"):
        createstaff("--email", "rui@example.com")

    assert not User.objects.exists()


def test_an_unknown_role_is_refused(monkeypatch):
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", "a sturdy staff passphrase")

    with pytest.raises(CommandError, match="role"):
        createstaff("--email", "rui@example.com", "--role", "admin")


def test_on_a_terminal_the_password_is_prompted_twice(terminal):
    terminal("a typed staff passphrase", "a typed staff passphrase")

    createstaff("--email", "rui@example.com")

    assert User.objects.get().check_password("a typed staff passphrase")


def test_on_a_terminal_different_answers_are_refused(terminal):
    terminal("a typed staff passphrase", "a different passphrase")

    with pytest.raises(CommandError, match="do not match"):
        createstaff("--email", "rui@example.com")

    assert not User.objects.exists()


def test_on_a_terminal_an_empty_password_is_refused(terminal):
    terminal("", "")

    with pytest.raises(CommandError, match="empty"):
        createstaff("--email", "rui@example.com")


def test_staff_upsert_refuses_an_unknown_role():
    with pytest.raises(InvalidRole):
        staff_upsert(email="rui@example.com", password="a sturdy staff passphrase", role="admin")

    assert not User.objects.exists()

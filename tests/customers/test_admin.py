"""The interim Django admin for users."""

import pytest

from lojista.customers.models import User

CHANGELIST = "/admin/customers/user/"

pytestmark = pytest.mark.django_db


def test_the_user_list_searches_by_email_and_name(admin_client, customer, staff):
    by_name = admin_client.get(CHANGELIST, {"q": "souza"})
    by_email = admin_client.get(CHANGELIST, {"q": "staff@"})

    assert by_name.status_code == by_email.status_code == 200
    assert b"ana@example.com" in by_name.content
    assert b"staff@example.com" not in by_name.content
    assert b"staff@example.com" in by_email.content


def test_the_user_list_filters_staff(admin_client, customer, staff):
    response = admin_client.get(CHANGELIST, {"is_staff__exact": "1"})

    assert b"staff@example.com" in response.content
    assert b"ana@example.com" not in response.content


def test_adding_a_user_lowercases_the_email_and_hashes_the_password(admin_client):
    response = admin_client.post(
        f"{CHANGELIST}add/",
        {
            "email": "New@Example.com",
            "name": "New Person",
            "usable_password": "true",
            "password1": "a sturdy admin passphrase",
            "password2": "a sturdy admin passphrase",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new@example.com")
    assert user.check_password("a sturdy admin passphrase")
    assert user.password != "a sturdy admin passphrase"


def test_adding_a_user_with_a_taken_email_in_another_case_is_refused(admin_client, customer):
    response = admin_client.post(
        f"{CHANGELIST}add/",
        {
            "email": "ANA@example.com",
            "usable_password": "true",
            "password1": "a sturdy admin passphrase",
            "password2": "a sturdy admin passphrase",
        },
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="ana@example.com").count() == 1


def test_the_change_page_and_password_form_open(admin_client, customer):
    change = admin_client.get(f"{CHANGELIST}{customer.pk}/change/")
    password = admin_client.get(f"{CHANGELIST}{customer.pk}/password/")

    assert change.status_code == password.status_code == 200
    assert b"ana@example.com" in change.content


def test_customers_cannot_open_the_admin(client, customer):
    client.force_login(customer)

    response = client.get(CHANGELIST)

    assert response.status_code == 302

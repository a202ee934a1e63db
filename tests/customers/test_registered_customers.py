"""Who counts as a customer for staff: accounts without a staff role."""

import pytest

from lojista.customers.errors import CustomerNotFound
from lojista.customers.models import User
from lojista.customers.selectors import registered_customer, registered_customers

pytestmark = pytest.mark.django_db


def test_staff_and_owners_are_not_customers(customer, staff, owner):
    # Someone staff by the flag but without a role (made by hand) is not a customer either.
    User.objects.create_user("half@example.com", "a long password 1", is_staff=True)

    assert list(registered_customers()) == [customer]
    assert registered_customer(customer_id=customer.pk) == customer
    for person in (staff, owner):
        with pytest.raises(CustomerNotFound):
            registered_customer(customer_id=person.pk)


def test_search_by_part_of_the_email_or_name(customer):
    User.objects.create_user("bia@shop.example", "a long password 1", name="Bia Lima")

    assert [person.email for person in registered_customers(q="  souza ")] == ["ana@example.com"]
    assert [person.email for person in registered_customers(q="SHOP.EX")] == ["bia@shop.example"]
    assert registered_customers(q="nobody").count() == 0

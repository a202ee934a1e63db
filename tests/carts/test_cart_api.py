"""Guest and customer carts: create, add, change, remove, come back later."""

import pytest
from django.test import Client

from conftest import bearer
from lojista.carts.models import Cart, CartLine
from lojista.customers.models import ApiToken, User
from tests.carts.helpers import MY_CART, add, get_cart, line_of, new_cart, remove, set_quantity
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt():
    return make_variant(make_product("Camiseta"), name="M", price="25.00", stock=10)


@pytest.fixture
def mug():
    return make_variant(make_product("Caneca"), price="12.50", stock=10)


def requested(token: str) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart__token=token).values_list("variant_id", "requested_quantity"))


def test_a_new_guest_cart_is_empty_and_has_a_long_random_token(api):
    body = new_cart(api)

    assert body == {
        "token": body["token"],
        "status": "open",
        "lines": [],
        "item_count": 0,
        "subtotal": {"amount": "0.00", "currency": "EUR"},
        "currency": "EUR",
        "checkoutable": False,
        "messages": [],
    }
    # token_urlsafe: 6 random bits per character, so 32 characters carry 192.
    assert len(body["token"]) >= 32
    assert new_cart(api)["token"] != body["token"]
    assert Cart.objects.get(token=body["token"]).customer is None


def test_added_items_are_there_when_the_guest_comes_back_with_only_the_token(api, shirt, mug):
    token = new_cart(api)["token"]
    add(api, token, shirt.pk, 2)
    add(api, token, mug.pk, 1)

    response = get_cart(Client(), token)

    assert response.status_code == 200
    body = response.json()
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [(shirt.sku, 2), (mug.sku, 1)]
    assert line_of(body, shirt) == {
        "id": CartLine.objects.get(variant=shirt).pk,
        "variant_id": shirt.pk,
        "product_name": "Camiseta",
        "variant_name": "M",
        "sku": shirt.sku,
        "unit_price": {"amount": "25.00", "currency": "EUR"},
        "requested_quantity": 2,
        "quantity": 2,
        "line_total": {"amount": "50.00", "currency": "EUR"},
        "available": True,
        "problem": None,
        "message": None,
    }
    assert body["item_count"] == 3
    assert body["subtotal"] == {"amount": "62.50", "currency": "EUR"}
    assert body["checkoutable"] is True
    assert body["messages"] == []


def test_adding_a_variant_already_in_the_cart_adds_to_its_line(api, shirt):
    token = new_cart(api)["token"]
    add(api, token, shirt.pk, 2)

    response = add(api, token, shirt.pk, 3)

    assert response.status_code == 200
    [line] = response.json()["lines"]
    assert (line["requested_quantity"], line["quantity"]) == (5, 5)
    assert requested(token) == {shirt.pk: 5}


def test_changing_a_quantity_sets_it(api, shirt):
    token = new_cart(api)["token"]
    line_id = add(api, token, shirt.pk, 2).json()["lines"][0]["id"]

    response = set_quantity(api, token, line_id, 7)

    assert response.status_code == 200
    assert response.json()["lines"][0]["quantity"] == 7
    assert requested(token) == {shirt.pk: 7}


def test_setting_a_quantity_to_zero_removes_the_line(api, shirt, mug):
    token = new_cart(api)["token"]
    line_id = add(api, token, shirt.pk, 2).json()["lines"][0]["id"]
    add(api, token, mug.pk, 1)

    response = set_quantity(api, token, line_id, 0)

    assert response.status_code == 200
    assert [line["variant_id"] for line in response.json()["lines"]] == [mug.pk]
    assert requested(token) == {mug.pk: 1}


def test_deleting_a_line_removes_it(api, shirt, mug):
    token = new_cart(api)["token"]
    line_id = add(api, token, shirt.pk, 2).json()["lines"][0]["id"]
    add(api, token, mug.pk, 1)

    response = remove(api, token, line_id)

    assert response.status_code == 200
    assert [line["variant_id"] for line in response.json()["lines"]] == [mug.pk]
    assert requested(token) == {mug.pk: 1}


# The customer's cart


def test_a_customer_cart_is_created_once_and_follows_them_across_devices(api, customer, shirt):
    phone, laptop = bearer(ApiToken.issue(customer)), bearer(ApiToken.issue(customer))

    first = api.get(MY_CART, headers=phone)
    add(api, first.json()["token"], shirt.pk, 2, headers=phone)
    second = Client().get(MY_CART, headers=laptop)

    assert first.status_code == second.status_code == 200
    assert second.json()["token"] == first.json()["token"]
    assert [line["quantity"] for line in second.json()["lines"]] == [2]
    assert Cart.objects.filter(customer=customer).count() == 1


def test_my_cart_needs_a_bearer_token(api):
    assert api.get(MY_CART).status_code == 401
    assert api.get(MY_CART, headers=bearer("not-a-token")).status_code == 401
    assert not Cart.objects.exists()


def test_a_customer_opens_their_cart_by_token_with_their_bearer(api, customer, customer_headers, shirt):
    token = api.get(MY_CART, headers=customer_headers).json()["token"]

    assert add(api, token, shirt.pk, 1, headers=customer_headers).status_code == 200
    assert get_cart(api, token, headers=customer_headers).json()["item_count"] == 1


def test_a_customer_cart_is_not_found_without_its_owners_bearer(api, customer_headers, shirt):
    token = api.get(MY_CART, headers=customer_headers).json()["token"]
    add(api, token, shirt.pk, 1, headers=customer_headers)
    line_id = CartLine.objects.get().pk
    bia = User.objects.create_user("bia@example.com", "another passphrase", name="Bia")

    for headers in ({}, bearer(ApiToken.issue(bia)), bearer("forged")):
        for response in (
            get_cart(api, token, headers=headers),
            add(api, token, shirt.pk, 1, headers=headers),
            set_quantity(api, token, line_id, 5, headers=headers),
            remove(api, token, line_id, headers=headers),
        ):
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"
    assert requested(token) == {shirt.pk: 1}


def test_a_guest_cart_stays_readable_by_its_token_when_a_bearer_is_sent(api, customer_headers, shirt):
    token = new_cart(api)["token"]

    response = add(api, token, shirt.pk, 1, headers=customer_headers)

    assert response.status_code == 200
    assert Cart.objects.get(token=token).customer is None


# Bad input changes nothing


def test_unknown_and_malformed_tokens_answer_the_same_404(api, shirt):
    new_cart(api)
    bodies = []
    # (A token with control characters is 422, as every parameter: tests/core/test_input_policy.py.)
    for token in ("x" * 32, "short", "a" * 500):
        response = get_cart(api, token)
        assert response.status_code == 404
        bodies.append(response.json())
        assert add(api, token, shirt.pk, 1).status_code == 404
    assert all(body == bodies[0] for body in bodies)
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, 1000, 2.5, "3", None, True])
def test_an_invalid_quantity_to_add_is_refused_and_changes_nothing(api, shirt, quantity):
    token = new_cart(api)["token"]
    add(api, token, shirt.pk, 1)

    response = add(api, token, shirt.pk, quantity)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "quantity" in response.json()["details"]["fields"]
    assert requested(token) == {shirt.pk: 1}


@pytest.mark.parametrize("quantity", [-1, 1000, 1.5, "two"])
def test_an_invalid_quantity_to_set_is_refused_and_changes_nothing(api, shirt, quantity):
    token = new_cart(api)["token"]
    line_id = add(api, token, shirt.pk, 1).json()["lines"][0]["id"]

    response = set_quantity(api, token, line_id, quantity)

    assert response.status_code == 422
    assert requested(token) == {shirt.pk: 1}


def test_adding_past_the_line_maximum_is_refused_and_changes_nothing(api, shirt):
    token = new_cart(api)["token"]
    add(api, token, shirt.pk, 990)

    response = add(api, token, shirt.pk, 10)

    assert response.status_code == 422
    assert response.json()["details"]["fields"]["quantity"] == ["The quantity must be between 1 and 999."]
    assert add(api, token, shirt.pk, 9).status_code == 200
    assert requested(token) == {shirt.pk: 999}


def test_an_unknown_or_unpublished_variant_cannot_be_added(api, shirt):
    token = new_cart(api)["token"]
    draft_variant = make_variant(make_product(), is_published=False, stock=5)
    variant_of_draft = make_variant(make_product(is_published=False), stock=5)

    for variant_id in (999_999, draft_variant.pk, variant_of_draft.pk):
        response = add(api, token, variant_id, 1)
        assert response.status_code == 404, variant_id
    assert add(api, token, 0, 1).status_code == 422
    assert not CartLine.objects.exists()


def test_a_line_of_another_cart_is_not_found(api, shirt):
    mine, theirs = new_cart(api)["token"], new_cart(api)["token"]
    their_line = add(api, theirs, shirt.pk, 1).json()["lines"][0]["id"]

    assert set_quantity(api, mine, their_line, 5).status_code == 404
    assert remove(api, mine, their_line).status_code == 404
    assert set_quantity(api, mine, 424242, 5).status_code == 404
    assert requested(theirs) == {shirt.pk: 1}


@pytest.mark.parametrize("status", [Cart.Status.MERGED, Cart.Status.CONVERTED])
def test_a_closed_cart_can_be_read_but_not_changed(api, shirt, status):
    token = new_cart(api)["token"]
    line_id = add(api, token, shirt.pk, 1).json()["lines"][0]["id"]
    Cart.objects.filter(token=token).update(status=status)

    for response in (
        add(api, token, shirt.pk, 1),
        set_quantity(api, token, line_id, 3),
        remove(api, token, line_id),
    ):
        assert response.status_code == 409
        assert response.json()["code"] == "cart_closed"
    body = get_cart(api, token).json()
    assert (body["status"], body["checkoutable"]) == (status, False)
    assert requested(token) == {shirt.pk: 1}

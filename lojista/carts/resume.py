"""Handing a cart to a browser: the seam between an app that restores a cart
(an extension such as abandoned checkouts, which may not import the
storefront) and the storefront, which decides what the browser holds.

The app makes a short-lived signed token naming the cart (and the checkout
to prefill, if any) with ``cart_resume_token`` and redirects to the
storefront's ``storefront:cart_resume`` page with it; that page reads it
with ``cart_resume_read`` and gives the cart to the visitor: a guest's
cookie names it, a logged-in customer gets its lines in their own cart
(``cart_restore_into_customer``).

The token carries the cart's id, never its token (the guest's only key to
the cart), and lives a few minutes: it is an internal hand-off right after
a click, not a link to keep. It is signed (Django signing, its own salt), not
encrypted: the ids it names are no secret.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

from lojista.carts.errors import CartResumeInvalid
from lojista.carts.models import Cart, CartLine
from lojista.carts.services import cart_for_customer
from lojista.carts.signals import cart_changed
from lojista.customers.models import User

SALT = "lojista.carts.resume"
MAX_AGE = timedelta(minutes=15)


def cart_resume_token(*, cart: Cart, checkout_id: object = None) -> str:
    """A token for ``storefront:cart_resume`` handing ``cart`` to the browser
    that follows it, with ``checkout_id`` (a checkout whose email, address and
    shipping method prefill the checkout page) when given."""
    payload = {"cart": cart.pk, "checkout": str(checkout_id) if checkout_id else None}
    return signing.dumps(payload, salt=SALT)


def cart_resume_read(token: str) -> tuple[Cart, str | None]:
    """The open cart ``token`` names and the checkout id to prefill (or
    None); raises ``CartResumeInvalid`` (reason ``tampered``, ``expired`` or
    ``closed``)."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise CartResumeInvalid(reason="expired") from None
    except signing.BadSignature:
        raise CartResumeInvalid(reason="tampered") from None
    cart_id = payload.get("cart") if isinstance(payload, dict) else None
    checkout_id = payload.get("checkout") if isinstance(payload, dict) else None
    if type(cart_id) is not int or not (checkout_id is None or isinstance(checkout_id, str)):
        raise CartResumeInvalid(reason="tampered")
    cart = Cart.objects.filter(pk=cart_id).first()
    if cart is None or cart.status != Cart.Status.OPEN:
        raise CartResumeInvalid(reason="closed")
    return cart, checkout_id


@dataclass(frozen=True)
class Resumed:
    """The cart the browser now holds (a guest's, to remember in its cookie,
    or the customer's own) and the checkout id to prefill, if any."""

    cart: Cart
    checkout_id: str | None


def cart_resume(*, token: str, customer: User | None, language: str = "") -> Resumed:
    """Follow a resume token for ``customer`` (None: a guest). A guest gets
    the cart itself; a logged-in customer gets its lines in their own cart
    (``cart_restore_into_customer``). A customer's cart is only ever handed
    to that customer (reason ``login`` for anyone else). Raises
    ``CartResumeInvalid``; changes nothing then."""
    cart, checkout_id = cart_resume_read(token)
    if cart.customer_id is not None:
        if customer is None or cart.customer_id != customer.pk:
            raise CartResumeInvalid(reason="login")
    elif customer is not None:
        cart = cart_restore_into_customer(cart=cart, customer=customer, language=language)
    return Resumed(cart=cart, checkout_id=checkout_id)


@transaction.atomic
def cart_restore_into_customer(*, cart: Cart, customer: User, language: str = "") -> Cart:
    """Put the lines of the guest ``cart`` (handed over by a resume token)
    into ``customer``'s open cart and close ``cart`` as merged; return the
    customer's cart.

    Unlike the merge at login (``services.cart_merge_into_customer``, which
    adds both carts' quantities up), a restore asks for *at least* each
    line's quantity: the restored cart is usually the customer's own wish
    again (their cart still holds it, or they clicked the link twice), and
    following a reminder must not double it. Raises ``CartResumeInvalid``
    (``closed``) when ``cart`` is not an open guest cart any more.
    """
    restored = Cart.objects.select_for_update().filter(pk=cart.pk).first()
    if restored is None or restored.status != Cart.Status.OPEN or restored.customer_id is not None:
        raise CartResumeInvalid(reason="closed")
    target = cart_for_customer(customer=customer, language=language)
    wished = {
        line.variant_id: line for line in restored.lines.order_by("created_at", "id") if line.variant_id
    }
    own = {line.variant_id: line for line in target.lines.filter(variant_id__in=wished)}
    new_lines, raised = [], []
    for variant_id, line in wished.items():
        mine = own.get(variant_id)
        if mine is None:
            line.pk, line.cart = None, target
            new_lines.append(line)
        elif mine.requested_quantity < line.requested_quantity:
            mine.requested_quantity = line.requested_quantity
            raised.append(mine)
    now = timezone.now()
    # Lock the customer's cart as every change of its lines does.
    Cart.objects.filter(pk=target.pk).update(updated_at=now)
    CartLine.objects.bulk_create(new_lines)
    CartLine.objects.bulk_update(raised, ["requested_quantity"])
    Cart.objects.filter(pk=restored.pk).update(status=Cart.Status.MERGED, closed_at=now)
    cart_changed.send(sender=Cart, cart=restored)
    if new_lines or raised:
        cart_changed.send(sender=Cart, cart=target)
    return target

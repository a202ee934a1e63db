"""Payment gateways behind one small interface.

A gateway turns a Payment into a ``ChargeResult`` and gives money back; it
never touches the database (the services record what it answers). Three are
built in: ``offline`` (cash on delivery / bank transfer: nothing to charge),
``test`` (fake cards for development and demos) and ``stripe`` (PaymentIntents).
Each says whether it is enabled; the payments app registers them with
``lojista.checkout.payment_methods``, the one place that knows which ones a
checkout offers.
"""

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from lojista.payments.errors import PaymentGatewayUnavailable
from lojista.payments.models import Payment, Refund

logger = logging.getLogger(__name__)

ChargeStatus = Literal["succeeded", "awaiting", "declined", "requires_action"]


@dataclass(frozen=True)
class ChargeResult:
    status: ChargeStatus
    reference: str = ""
    client_secret: str = ""
    error_code: str = ""
    error_message: str = ""


class Gateway(Protocol):
    code: str
    # True when charge() and refund() call a remote provider: they must then
    # run outside any database transaction.
    remote: bool

    def is_enabled(self) -> bool:
        """Whether the shop offers it now (read on every call)."""
        ...

    def charge(self, *, payment: Payment, payment_token: str | None) -> ChargeResult: ...

    def refund(self, *, payment: Payment, refund: Refund) -> str:
        """Give ``refund.amount`` of ``payment`` back; the provider's reference
        for the refund. ``refund.pk`` is the provider's idempotency key."""
        ...


def decline_message(code: str, fallback: str = "") -> str:
    """What to tell the customer about a decline, in their language: our
    own words for the reasons we know, the provider's message otherwise."""
    messages = {
        "card_declined": _("Your card was declined."),
        "expired_card": _("Your card has expired."),
        "incorrect_cvc": _("Your card's security code is incorrect."),
        "incorrect_number": _("Your card number is incorrect."),
        "processing_error": _("An error occurred while processing your card. Try again."),
        "invalid_token": _("These payment details are not valid. Check them or use another card."),
        "payment_canceled": _("The payment was canceled."),
    }
    return messages.get(code) or fallback or _("The payment was declined.")


def declined(code: str, fallback_message: str = "", *, reference: str = "") -> ChargeResult:
    return ChargeResult(
        status="declined",
        reference=reference,
        error_code=code,
        error_message=decline_message(code, fallback_message),
    )


class OfflineGateway:
    """Cash on delivery or bank transfer: the order is placed now and the
    money arrives later, outside the app."""

    code = Payment.Gateway.OFFLINE.value
    remote = False

    def is_enabled(self) -> bool:
        return True

    def charge(self, *, payment: Payment, payment_token: str | None) -> ChargeResult:
        return ChargeResult(status="awaiting")

    def refund(self, *, payment: Payment, refund: Refund) -> str:
        """Nothing was taken through the app, so nothing is sent back."""
        return ""


class TestGateway:
    """Fake cards, after Stripe's test tokens: ``tok_visa`` pays,
    ``tok_chargeDeclined`` is declined, anything else is not a card."""

    code = Payment.Gateway.TEST.value
    remote = False

    def is_enabled(self) -> bool:
        """Off in production unless the shop turns it on: fake cards must not pay."""
        return bool(settings.LOJISTA_TEST_GATEWAY_ENABLED)

    def charge(self, *, payment: Payment, payment_token: str | None) -> ChargeResult:
        if payment_token == "tok_visa":
            return ChargeResult(status="succeeded", reference=f"test_ch_{uuid.uuid4().hex}")
        if payment_token == "tok_chargeDeclined":
            return declined("card_declined")
        return declined("invalid_token")

    def refund(self, *, payment: Payment, refund: Refund) -> str:
        """Fake money goes back without anyone to tell."""
        return f"test_re_{uuid.uuid4().hex}"


# Stripe counts amounts in the currency's smallest unit; for most currencies
# that is a hundredth, for these none, and for these a thousandth.
# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})


def minor_units(amount: Decimal, currency: str) -> int:
    """``Decimal("12.50")`` EUR -> 1250; ``Decimal("1500")`` JPY -> 1500."""
    currency = currency.upper()
    if currency in ZERO_DECIMAL_CURRENCIES:
        exponent = 0
    elif currency in THREE_DECIMAL_CURRENCIES:
        exponent = 3
    else:
        exponent = 2
    units = amount.scaleb(exponent)
    if units != units.to_integral_value():
        raise ValueError(f"{amount} {currency} has more decimals than the currency allows")
    return int(units)


class StripeGateway:
    """Stripe PaymentIntents. The payment's id is the idempotency key of the
    creation, so a retried attempt (same Payment) gets Stripe's first answer
    back instead of a second charge."""

    code = Payment.Gateway.STRIPE.value
    remote = True

    def is_enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY)

    def charge(self, *, payment: Payment, payment_token: str | None) -> ChargeResult:
        """Create (and, given a PaymentMethod id, confirm) the PaymentIntent;
        once one exists, read it again instead: Stripe replays the first
        answer to a repeated creation, which would hide a confirmation."""
        try:
            if payment.reference:
                intent = self._client().v1.payment_intents.retrieve(payment.reference)
            else:
                intent = self._create_intent(payment=payment, payment_token=payment_token)
        except stripe.CardError as error:
            return self._card_declined(error)
        except stripe.InvalidRequestError as error:
            if error.param != "payment_method":
                raise self._unavailable(error) from error
            return declined("invalid_token")
        except stripe.StripeError as error:
            raise self._unavailable(error) from error
        return intent_outcome(intent.to_dict())

    def refund(self, *, payment: Payment, refund: Refund) -> str:
        """A charge refunded already (from Stripe's dashboard, say) counts as
        refunded, without a reference of ours."""
        try:
            answer = self._client().v1.refunds.create(
                {"payment_intent": payment.reference, "amount": minor_units(refund.amount, refund.currency)},
                {"idempotency_key": f"refund:{refund.pk}"},
            )
        except stripe.InvalidRequestError as error:
            if error.code != "charge_already_refunded":
                raise self._unavailable(error) from error
            return ""
        except stripe.StripeError as error:
            raise self._unavailable(error) from error
        return answer.id

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=2,
        )

    def _create_intent(self, *, payment: Payment, payment_token: str | None) -> stripe.PaymentIntent:
        params: dict[str, Any] = {
            "amount": minor_units(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            "metadata": {"payment_id": str(payment.pk), "checkout_id": str(payment.checkout_id)},
            # Card-like methods only: confirming on the server then needs no return_url.
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
        if payment_token:
            params |= {"payment_method": payment_token, "confirm": True}
        return self._client().v1.payment_intents.create(
            params,  # type: ignore[arg-type]
            {"idempotency_key": str(payment.pk)},
        )

    def _card_declined(self, error: stripe.CardError) -> ChargeResult:
        """A 402: the card was refused. The intent Stripe created for it, if
        any, is kept as the reference so its webhooks find this payment."""
        body = error.json_body if isinstance(error.json_body, dict) else {}
        intent = body.get("error", {}).get("payment_intent") or {}
        reference = intent.get("id", "")
        return declined(error.code or "card_declined", error.user_message or "", reference=reference)

    def _unavailable(self, error: stripe.StripeError) -> PaymentGatewayUnavailable:
        logger.warning("Stripe could not be used: %r", error)
        return PaymentGatewayUnavailable(provider_message=(error.user_message or str(error))[:1000])


def intent_outcome(intent: dict[str, Any]) -> ChargeResult:
    """A PaymentIntent (as a plain dict, from the API or a webhook) seen as a
    ChargeResult. One still waiting for the customer, or for Stripe, needs
    action: the app confirms it with Stripe's SDK and the webhook tells us the end."""
    reference = intent["id"]
    failure = intent.get("last_payment_error")
    if intent["status"] == "succeeded":
        return ChargeResult(status="succeeded", reference=reference)
    if intent["status"] == "canceled":
        return declined("payment_canceled", reference=reference)
    if intent["status"] == "requires_payment_method" and failure:
        code = failure.get("code") or "card_declined"
        return declined(code, failure.get("message") or "", reference=reference)
    return ChargeResult(
        status="requires_action", reference=reference, client_secret=intent.get("client_secret") or ""
    )


# Every gateway the shop knows (one per Payment.Gateway), in the order offered.
GATEWAYS: dict[str, Gateway] = {
    gateway.code: gateway for gateway in (OfflineGateway(), TestGateway(), StripeGateway())
}


def gateway_for(code: str) -> Gateway:
    try:
        return GATEWAYS[code]
    except KeyError:
        raise LookupError(f"No payment gateway is called {code!r}") from None

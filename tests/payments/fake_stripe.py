"""A fake of the few Stripe API endpoints Lojista uses, served over real HTTP.

The real ``stripe`` SDK talks to it (``STRIPE_API_BASE`` points here), so the
tests exercise the SDK's form encoding, headers, retries and error parsing.
It answers like Stripe for the test PaymentMethods Lojista's tests use:

- ``pm_card_visa``: the PaymentIntent succeeds;
- ``pm_card_chargeDeclined``: HTTP 402 card_error (the intent is created and
  left requiring a payment method);
- ``pm_card_authenticationRequired``: requires_action (3-D Secure), with a
  client_secret;
- no payment method: requires_payment_method;
- any other ``pm_…``: HTTP 400 resource_missing on ``payment_method``.

Refunds succeed once per PaymentIntent, or fail with ``refund_error`` when set.

Like Stripe, it replays the first answer to a POST whose Idempotency-Key it
has seen, and refuses a request without the right secret key (401).
"""

import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SECRET_KEY = "sk_test_fake"
WEBHOOK_SECRET = "whsec_test"

DECLINED = {
    "type": "card_error",
    "code": "card_declined",
    "decline_code": "generic_decline",
    "message": "Your card was declined.",
}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    params: dict[str, Any]  # the form body, nested back: {"metadata": {"payment_id": …}}

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


def _nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding undone: ``metadata[payment_id]=x`` -> {"metadata": {"payment_id": "x"}}."""
    params: dict[str, Any] = {}
    for key, value in pairs:
        names = key.replace("]", "").split("[")
        target = params
        for name in names[:-1]:
            target = target.setdefault(name, {})
        target[names[-1]] = value
    return params


def _error(status: int, **error: Any) -> tuple[int, dict[str, Any]]:
    return status, {"error": error}


class FakeStripe:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: list[dict[str, Any]] = []
        # Set to a Stripe error (type, code, message) to refuse every refund with it.
        self.refund_error: dict[str, Any] | None = None
        self._replies: dict[str, tuple[int, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        # A short poll interval: shutdown() waits for the next poll.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # What happens at Stripe outside our requests.

    def confirm(self, intent_id: str) -> dict[str, Any]:
        """The customer completed 3-D Secure in the app."""
        intent = self.intents[intent_id]
        intent.update(status="succeeded", last_payment_error=None)
        return intent

    def fail(self, intent_id: str) -> dict[str, Any]:
        """The customer's authentication or card failed."""
        intent = self.intents[intent_id]
        intent.update(status="requires_payment_method", last_payment_error=DECLINED)
        return intent

    def event(self, event_type: str, intent: dict[str, Any]) -> bytes:
        """A webhook body for ``event_type`` about (a snapshot of) ``intent``."""
        return json.dumps(
            {
                "id": f"evt_{uuid.uuid4().hex}",
                "object": "event",
                "type": event_type,
                "created": int(time.time()),
                "livemode": False,
                "data": {"object": dict(intent)},
            }
        ).encode()

    def sign(self, payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
        """The Stripe-Signature header Stripe would send with ``payload``."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        signed = f"{timestamp}.".encode() + payload
        digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={digest}"

    # The API.

    def handle(self, request: Request) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append(request)
            if request.headers.get("authorization") != f"Bearer {SECRET_KEY}":
                return _error(401, type="invalid_request_error", message="Invalid API Key provided.")
            if request.method == "GET":
                return self._retrieve_intent(request.path)
            key = request.idempotency_key
            if key and key in self._replies:
                return self._replies[key]
            if request.path == "/v1/payment_intents":
                reply = self._create_intent(request.params)
            elif request.path == "/v1/refunds":
                reply = self._create_refund(request.params)
            else:
                reply = _error(404, type="invalid_request_error", message="Unrecognized request URL.")
            if key:
                self._replies[key] = reply
            return reply

    def _create_intent(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        payment_method = params.get("payment_method")
        if payment_method not in (
            None,
            "pm_card_visa",
            "pm_card_chargeDeclined",
            "pm_card_authenticationRequired",
        ):
            return _error(
                400,
                type="invalid_request_error",
                code="resource_missing",
                param="payment_method",
                message=f"No such PaymentMethod: '{payment_method}'",
            )
        intent_id = f"pi_{uuid.uuid4().hex[:24]}"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(params["amount"]),
            "currency": params["currency"],
            "metadata": params.get("metadata", {}),
            "client_secret": f"{intent_id}_secret_{uuid.uuid4().hex[:24]}",
            "payment_method": payment_method,
            "status": "requires_payment_method",
            "last_payment_error": None,
        }
        self.intents[intent_id] = intent
        if payment_method == "pm_card_visa":
            intent["status"] = "succeeded"
        elif payment_method == "pm_card_authenticationRequired":
            intent["status"] = "requires_action"
        elif payment_method == "pm_card_chargeDeclined":
            intent["last_payment_error"] = DECLINED
            return _error(402, **DECLINED, payment_intent=dict(intent))
        return 200, dict(intent)

    def _retrieve_intent(self, path: str) -> tuple[int, dict[str, Any]]:
        intent = self.intents.get(path.removeprefix("/v1/payment_intents/"))
        if intent is None:
            return _error(
                404, type="invalid_request_error", code="resource_missing", message="No such intent"
            )
        return 200, dict(intent)

    def _create_refund(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.refund_error is not None:
            return _error(400, **self.refund_error)
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return _error(400, type="invalid_request_error", message="This PaymentIntent cannot be refunded.")
        if intent.get("refunded"):
            return _error(
                400,
                type="invalid_request_error",
                code="charge_already_refunded",
                message="This charge has already been refunded.",
            )
        intent["refunded"] = True
        refund = {
            "id": f"re_{uuid.uuid4().hex[:24]}",
            "object": "refund",
            "payment_intent": intent["id"],
            "amount": int(params.get("amount", intent["amount"])),
            "status": "succeeded",
        }
        self.refunds.append(refund)
        return 200, refund

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer(params={})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                self._answer(params=_nested(parse_qsl(body, keep_blank_values=True)))

            def _answer(self, *, params: dict[str, Any]) -> None:
                request = Request(
                    method=self.command,
                    path=urlsplit(self.path).path,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    params=params,
                )
                status, body = fake.handle(request)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the tests assert on ``fake.requests`` instead."""

        return Handler

from typing import Any

from lojista.core.extensions import when_installed
from lojista.orders.models import Order
from tests.sample_extension.models import Effect


@when_installed("sample-extension")
def note_status_change(sender: Any, *, order: Order, **kwargs: Any) -> None:
    Effect.objects.create(what=f"order {order.number} {order.status}")

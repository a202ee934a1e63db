import pytest

from lojista.notifications.models import NotificationSettings

MERCHANT = ["orders@shop.example", "owner@shop.example"]


@pytest.fixture
def shop(db) -> NotificationSettings:
    """A shop that notifies two addresses of every new order."""
    row = NotificationSettings.load()
    row.order_notification_emails = MERCHANT
    row.sender_email = "hello@shop.example"
    row.logo_url = "https://shop.example/logo.png"
    row.save()
    return row


@pytest.fixture
def rq_redis(settings) -> str:
    """Tasks go to RQ on Redis (database 4, emptied): TASKS_BACKEND=rq."""
    from tests.rq_workers import use_rq

    return use_rq(settings)

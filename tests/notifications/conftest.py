import pytest

from lojista.notifications.models import NotificationSettings
from tests.notifications.smtp import SmtpServer

MERCHANT = ["orders@shop.example", "owner@shop.example"]


@pytest.fixture
def smtp(settings):
    """A running SMTP server that Django sends every email to."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def shop(db) -> NotificationSettings:
    """A shop that notifies two addresses of every new order."""
    row = NotificationSettings.load()
    row.order_notification_emails = MERCHANT
    row.sender_email = "hello@shop.example"
    row.logo_url = "https://shop.example/logo.png"
    row.save()
    return row

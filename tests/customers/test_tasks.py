"""The periodic purge of old login failures."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from lojista.core.scheduler import periodic_tasks
from lojista.customers.models import LoginFailure

pytestmark = pytest.mark.django_db


def test_purge_login_failures_deletes_only_failures_outside_the_window():
    now = timezone.now()
    window = timedelta(seconds=settings.LOJISTA_LOGIN_FAILURE_WINDOW)
    LoginFailure.objects.create(
        email="old@example.com", client_address="192.0.2.1", created_at=now - window * 2
    )
    LoginFailure.objects.create(email="new@example.com", client_address="192.0.2.1", created_at=now)
    task_path = "lojista.customers.tasks.purge_login_failures"
    assert task_path in {periodic.path for periodic in periodic_tasks()}

    result = import_string(task_path).enqueue()

    assert result.return_value == 1
    assert list(LoginFailure.objects.values_list("email", flat=True)) == ["new@example.com"]

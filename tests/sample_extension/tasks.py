from django_tasks import task

from lojista.core.extensions import when_installed
from tests.sample_extension.models import Effect


@task()
@when_installed("sample-extension")
def note_minute() -> None:
    Effect.objects.create(what="minute")

"""One sweep of the Abandoned checkouts extension now (what the periodic task
does every minute): abandoned checkouts found, reminders sent, links expired,
old personal data purged. Works without the scheduler or the task worker
running; the emails go through the outbox as usual."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lojista.core.extensions import extension_installed
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.services import abandoned_checkouts_sweep


class Command(BaseCommand):
    help = "Run one sweep of the Abandoned checkouts extension now and print what it did."

    def handle(self, *args, **options):
        if not extension_installed(SLUG):
            raise CommandError(
                _(
                    "The Abandoned checkouts extension is not installed: "
                    "install it from the Extension Store first."
                )
            )
        result = abandoned_checkouts_sweep()
        self.stdout.write(str(result))

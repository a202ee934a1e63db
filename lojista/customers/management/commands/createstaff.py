"""Create a staff account, or update its role, name and password."""

import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lojista.customers.errors import WeakPassword
from lojista.customers.models import User
from lojista.customers.services import staff_upsert

PASSWORD_VARIABLE = "LOJISTA_STAFF_PASSWORD"


class Command(BaseCommand):
    help = (
        f"Create a staff account or update an existing one. The password comes from {PASSWORD_VARIABLE}, "
        "or is prompted for on a terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The login email; an existing account is updated.")
        parser.add_argument(
            "--role",
            choices=User.Role.values,
            default=User.Role.STAFF,
            help="owner (settings, staff accounts; also a Django superuser) or staff; default staff.",
        )
        parser.add_argument("--name", help="The display name; kept as it is when omitted.")

    def handle(self, *args, email: str, role: str, name: str | None, **options):
        password = self._password()
        try:
            user, created = staff_upsert(email=email, password=password, role=role, name=name)
        except WeakPassword as exc:
            raise CommandError(
                _("The password was refused:") + "\n" + "\n".join(exc.details["fields"]["password"])
            ) from exc
        if created:
            message = _("Created %(role)s account %(email)s.")
        else:
            message = _("Updated %(role)s account %(email)s.")
        self.stdout.write(self.style.SUCCESS(message % {"role": user.role, "email": user.email}))

    def _password(self) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                _("No password: set %(variable)s or run this command on a terminal.")
                % {"variable": PASSWORD_VARIABLE}
            )
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The passwords do not match."))
        if not password:
            raise CommandError(_("The password cannot be empty."))
        return password

"""One shop process of its own, for tests that need a second one beside
pytest's (DJANGO_SETTINGS_MODULE=tests.settings_shared_cache, CACHE_URL and
DATABASE_URL in the environment). Each command prints one JSON line:

  login <count> <email>         the API's login, <count> times, wrong password: the statuses
  staff-session <email>         a staff member (created if new) logged in: the session key
  backoffice <session key>...   the back office's home with each session cookie: the statuses
"""

import json
import sys

import django


def main(command: str, *args: str) -> object:
    django.setup()
    from django.conf import settings
    from django.test import Client

    from lojista.customers.models import User

    if command == "login":
        count, email = int(args[0]), args[1]
        body = json.dumps({"email": email, "password": "not the password"})
        return [
            Client().post("/api/v1/auth/login", body, content_type="application/json").status_code
            for _ in range(count)
        ]
    if command == "staff-session":
        email = args[0]
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, "staff password 1", name="Sam Staff", is_staff=True, role=User.Role.STAFF
        )
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value
    if command == "backoffice":
        statuses = []
        for session_key in args:
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = session_key
            statuses.append(client.get("/backoffice/").status_code)
        return statuses
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))

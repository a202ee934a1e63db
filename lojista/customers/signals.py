"""What accounts tell the apps above them (receivers are connected in their
app's AppConfig.ready())."""

from django.dispatch import Signal

# A password reset was asked for an account that can have one, inside the
# transaction of the request: ``user``, ``uid`` and ``token`` (what
# ``POST /auth/password-reset/confirm`` takes back) and ``language`` (the
# account's, else the request's). Notifications emails the link.
password_reset_requested = Signal()

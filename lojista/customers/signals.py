"""What accounts tell the apps above them (receivers are connected in their
app's AppConfig.ready())."""

from django.dispatch import Signal

# A password reset was asked for an account that can have one, inside the
# transaction of the request: ``user`` and ``language`` (the account's, else
# the request's). Notifications emails the link, whose token it makes when it
# renders the email (notifications/account_kinds.py).
password_reset_requested = Signal()

# A staff member was invited (or invited again) and must choose a password,
# inside the transaction that made the account: ``user`` (their account,
# without a usable password), ``invited_by`` (the owner, or None) and
# ``language`` (the shop's). Notifications emails the invitation link, whose
# token it makes when it renders the email (notifications/account_kinds.py).
staff_invited = Signal()

"""Abandoned checkouts: find the checkouts customers left, remind them by
email on the owner's schedule, restore their cart from the reminder's link,
and count what it recovers (docs/abandoned-checkouts.md)."""

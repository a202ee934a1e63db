"""docs/operations.md, "Upgrades and rollback": a release's migrations work
with the release before's code. A column added NOT NULL with only Django's
``default`` breaks that (Django drops the default once the rows are filled,
and the old code's inserts do not name the column): new columns are
nullable or have a ``db_default``."""

from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField
from django.db.models import NOT_PROVIDED

# Written before the rule was checked; each needs its upgrade done with the
# processes stopped (the list in docs/operations.md). Never add to it.
BEFORE_THE_CHECK = {
    ("checkout", "0003_checkout_payment_attempt", "checkout.payment_attempt_key"),
    ("checkout", "0004_shippingmethod_description_and_more", "shippingmethod.description"),
    ("checkout", "0004_shippingmethod_description_and_more", "shippingmethod.translations"),
    ("customers", "0002_api_token_last_used_at", "apitoken.last_used_at"),
    ("notifications", "0002_outbox_subject", "outboxmessage.claim"),
    ("notifications", "0002_outbox_subject", "outboxmessage.is_test"),
    ("notifications", "0002_outbox_subject", "outboxmessage.subject_id"),
    ("notifications", "0002_outbox_subject", "outboxmessage.subject_type"),
    ("notifications", "0003_notificationsettings_translations", "notificationsettings.translations"),
}


def columns_old_code_cannot_insert() -> set[tuple[str, str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = set()
    for (app, name), migration in loader.disk_migrations.items():
        if not type(migration).__module__.startswith("lojista."):
            continue
        for operation in migration.operations:
            if not isinstance(operation, AddField):
                continue
            field = operation.field
            if not (field.null or field.many_to_many or field.db_default is not NOT_PROVIDED):
                found.add((app, name, f"{operation.model_name}.{operation.name}"))
    return found


def test_new_columns_are_nullable_or_have_a_database_default():
    assert columns_old_code_cannot_insert() == BEFORE_THE_CHECK

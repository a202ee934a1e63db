"""The back office's Abandoned checkouts pages: Orders → Abandoned, one
checkout with its recovery-email form, the results, the owners' settings;
who may open them, bad input, escaping, messages, the list's query budget;
and a recovered order's entry on the order page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lojista.core.extensions import extension_uninstall
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, RecoverySettings, Reminder
from lojista.extensions.abandoned_checkouts.services import abandoned_remind
from lojista.orders.models import OrderEvent
from tests.backoffice.order_factories import order_of
from tests.extensions.abandoned_checkouts.page_helpers import abandon, install, mug
from tests.storefront.checkout_helpers import open_shop

pytestmark = pytest.mark.django_db

BASE = "/backoffice/abandoned-checkouts/"
LIST_QUERIES = 3  # the extension flags are cached (decision 210)
Status = AbandonedCheckout.Status


@pytest.fixture(autouse=True)
def installed(db):
    open_shop()
    install()


def text(response) -> str:
    return response.content.decode()


# Who may open them ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "{pk}/", "results/", "settings/"])
def test_a_visitor_is_sent_to_log_in_and_a_customer_is_refused(customer_client, path):
    path = path.format(pk=abandon().pk)

    response = Client().get(BASE + path)
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/login/?next=")
    assert customer_client.get(BASE + path).status_code == 403


@pytest.mark.parametrize(
    ("path", "status"), [("", 200), ("{pk}/", 200), ("results/", 200), ("settings/", 403)]
)
def test_staff_open_the_pages_but_the_settings(staff_client, path, status):
    path = path.format(pk=abandon().pk)

    assert staff_client.get(BASE + path).status_code == status


def test_owners_open_the_settings_and_find_the_link_to_them(owner_client, staff_client):
    assert owner_client.get(BASE + "settings/").status_code == 200
    assert f'href="{BASE}settings/"' in text(owner_client.get(BASE))
    assert f'href="{BASE}settings/"' not in text(staff_client.get(BASE))


def test_uninstalled_every_page_is_not_found(owner_client):
    row = abandon()
    extension_uninstall(slug=SLUG)

    for path in ("", f"{row.pk}/", "results/", "settings/"):
        assert owner_client.get(BASE + path).status_code == 404, path


# The list ---------------------------------------------------------------------------


def test_the_list_shows_each_abandoned_checkout(staff_client):
    cup = mug(name="Xícara")
    row = abandon((mug(), 2), (cup, 1), email="bia@example.com", name="Bia Lima")
    abandoned_remind(abandoned=row, actor=None)

    page = text(staff_client.get(BASE))

    assert "Bia Lima" in page and "bia@example.com" in page
    assert "€37.50" in page  # 2 x 12.50 + 12.50
    assert re.search(r'<td class="num">3</td>\s*<td><time', page)  # items
    assert f'href="{BASE}{row.pk}/"' in page
    assert '<span class="badge reminded">Reminded</span>' in page
    assert re.search(r'<td class="num">1</td>\s*<td><span class="badge', page)  # reminders sent
    assert "minutes ago" in page


def test_the_status_tabs_filter_the_list(staff_client):
    reminded = abandon(email="rita@example.com")
    abandoned_remind(abandoned=reminded, actor=None)
    abandon(email="otto@example.com")

    page = text(staff_client.get(BASE, {"status": "reminded"}))
    assert "rita@example.com" in page and "otto@example.com" not in page
    assert f'href="{BASE}?status=reminded" aria-current="page"' in page

    page = text(staff_client.get(BASE, {"status": "abandoned"}))
    assert "otto@example.com" in page and "rita@example.com" not in page

    page = text(staff_client.get(BASE, {"status": "recovered"}))
    assert "No abandoned checkouts with this status." in page


def test_an_unknown_status_or_page_link_says_so_and_lists_the_first_page(staff_client):
    abandon()

    response = staff_client.get(BASE, {"status": "<b>gone</b>"})
    assert response.status_code == 400
    assert "There is no such status" in text(response) and "ana@example.com" in text(response)
    assert "<b>gone</b>" not in text(response)

    response = staff_client.get(BASE, {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "That page link is not valid" in text(response) and "ana@example.com" in text(response)


def test_pages_follow_each_other_newest_first(staff_client, settings):
    from lojista.extensions.abandoned_checkouts.views import backoffice

    variant = mug()
    rows = [abandon((variant, 1), email=f"c{index}@example.com") for index in range(3)]
    original = backoffice.PAGE_SIZE
    backoffice.PAGE_SIZE = 2
    try:
        first = text(staff_client.get(BASE))
        next_url = re.search(r'href="([^"]+)" rel="next"', first)
        assert next_url
        second = text(staff_client.get(next_url.group(1).replace("&amp;", "&")))
    finally:
        backoffice.PAGE_SIZE = original
    assert rows[2].email in first and rows[1].email in first and rows[0].email not in first
    assert rows[0].email in second and rows[2].email not in second
    assert "First page" in second and 'rel="next"' not in second


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(BASE).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_for_one_row_or_a_full_page(staff_client, staff, shop_settings_cached):
    variant = mug()
    row = abandon((variant, 1), customer=None)
    abandoned_remind(abandoned=row, actor=staff)
    one = _list_queries(staff_client)

    for index in range(12):
        abandon((variant, 1), email=f"c{index}@example.com")
    AbandonedCheckout.objects.update(status=Status.REMINDED)
    many = _list_queries(staff_client)

    assert many == one
    # The session, the user, one page of rows (the flags are cached).
    assert one == LIST_QUERIES


def test_an_empty_list_explains_how_it_works_with_the_settings(staff_client):
    settings_row = RecoverySettings.load()
    settings_row.delay_minutes = 45
    settings_row.save()

    page = text(staff_client.get(BASE))

    assert "No abandoned checkout yet" in page
    assert "does not order within 45 minutes" in page
    assert "Reminders are not sent automatically" in page


def test_names_and_emails_are_escaped(staff_client):
    row = abandon(name="<script>alert(1)</script>")

    for path in ("", f"{row.pk}/"):
        page = text(staff_client.get(BASE + path))
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# One abandoned checkout ---------------------------------------------------------------


def test_the_page_shows_the_customer_the_items_and_the_timeline(staff_client, staff):
    row = abandon((mug(name="Caneca Azul", sku="MUG-BLUE"), 3))
    abandoned_remind(abandoned=row, actor=staff, message="Your mug is waiting!")

    page = text(staff_client.get(f"{BASE}{row.pk}/"))

    assert "Ana Souza" in page and "ana@example.com" in page and "Guest" in page
    assert "Caneca Azul" in page and "MUG-BLUE" in page and "€12.50" in page and "€37.50" in page
    for event in ("Checkout started", "Abandoned", "Recovery email sent by hand", "by Sam Staff"):
        assert event in page, event
    assert "Your mug is waiting!" in page
    assert "Link works until" in page


def test_unknown_and_watched_checkouts_are_not_found(staff_client, settings):
    assert staff_client.get(f"{BASE}999/").status_code == 404
    install(delay_minutes=60)
    row = abandon()
    assert row.status == Status.WATCHING
    assert staff_client.get(f"{BASE}{row.pk}/").status_code == 404
    assert staff_client.post(f"{BASE}{row.pk}/remind/").status_code == 404


def test_sending_a_recovery_email_by_hand(staff_client, staff, django_capture_on_commit_callbacks):
    row = abandon()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"{BASE}{row.pk}/remind/", {"message": "Hi Ana,\nwe kept your mug <3"}, follow=True
        )

    assert response.redirect_chain == [(f"{BASE}{row.pk}/", 302)]
    page = text(response)
    assert "Reminder sent to ana@example.com." in page
    assert "we kept your mug &lt;3" in page
    reminder = Reminder.objects.get()
    assert (reminder.step, reminder.sent_by, reminder.message) == (
        None,
        staff,
        "Hi Ana,\nwe kept your mug <3",
    )
    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert "we kept your mug" in email.body and "/cart/recover/" in email.body


def test_a_second_email_right_away_is_refused_with_the_reason(staff_client, staff):
    row = abandon()
    abandoned_remind(abandoned=row, actor=staff)

    page = text(staff_client.get(f"{BASE}{row.pk}/"))
    assert "A reminder was sent a few minutes ago" in page
    assert re.search(r'<button type="submit" class="primary" disabled>', page)

    response = staff_client.post(f"{BASE}{row.pk}/remind/", {"message": "again"})
    assert response.status_code == 409
    assert "A reminder was sent a few minutes ago" in text(response)
    assert 'role="alert"' in text(response)
    assert Reminder.objects.count() == 1


def test_no_email_to_a_customer_who_ordered_since(staff_client):
    row = abandon()
    order_of(email="ana@example.com")

    response = staff_client.post(f"{BASE}{row.pk}/remind/", {"message": ""})

    assert response.status_code == 409
    assert "ordered since" in text(response)
    assert not Reminder.objects.exists()


def test_a_message_too_long_is_refused_beside_it_keeping_what_was_typed(staff_client):
    row = abandon()

    response = staff_client.post(f"{BASE}{row.pk}/remind/", {"message": "x" * 1001})

    assert response.status_code == 400
    page = text(response)
    assert "at most 1000 characters" in page and "x" * 1001 in page
    assert not Reminder.objects.exists()


def test_the_form_needs_a_post_with_a_csrf_token(staff):
    row = abandon()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    assert client.get(f"{BASE}{row.pk}/remind/").status_code == 405
    assert client.post(f"{BASE}{row.pk}/remind/", {"message": ""}).status_code == 403
    assert not Reminder.objects.exists()


def test_a_recovered_checkout_links_to_its_order(staff_client):
    row = abandon()
    order = order_of()
    AbandonedCheckout.objects.filter(pk=row.pk).update(
        status=Status.RECOVERED, recovered_at=timezone.now(), order=order, recovered_total=order.total
    )

    page = text(staff_client.get(f"{BASE}{row.pk}/"))

    assert "Recovered: the customer ordered" in page
    assert f'href="/backoffice/orders/{order.number}/"' in page
    assert "This checkout was already recovered." in page


# Results -------------------------------------------------------------------------------


def figure(page: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert found, name
    return found.group(1).strip()


def test_the_results_count_the_last_30_days_by_default_with_a_chart(staff_client, staff):
    first, second = abandon(email="a@example.com"), abandon(email="b@example.com")
    abandoned_remind(abandoned=first, actor=staff)
    order = order_of()
    AbandonedCheckout.objects.filter(pk=first.pk).update(
        status=Status.RECOVERED, recovered_at=timezone.now(), order=order, recovered_total=order.total
    )
    old = timezone.now() - timedelta(days=40)
    AbandonedCheckout.objects.filter(pk=second.pk).update(abandoned_at=old, started_at=old)

    response = staff_client.get(BASE + "results/")

    assert response.status_code == 200
    page = text(response)
    assert figure(page, "abandoned") == "1"
    assert figure(page, "reminded") == "1"
    assert figure(page, "recovered") == "1"
    assert figure(page, "revenue") == f"€{order.total}"
    assert figure(page, "rate") == "100.0%"
    svg = re.search(r'<svg class="chart"[^>]*>(.*?)</svg>', page, re.S)
    assert svg
    assert 'aria-label="Recovered orders and revenue per day' in svg.group(0)
    assert svg.group(1).count('<g class="day">') == 30
    assert f"1 abandoned, 1 reminded, 0 clicked, 1 recovered, €{order.total}</title>" in svg.group(1)


def test_a_preset_or_a_range_of_dates_chooses_the_days(staff_client):
    page = text(staff_client.get(BASE + "results/", {"days": "7"}))
    assert page.count('<g class="day">') == 7
    assert 'aria-current="true">Last 7 days' in page

    today = timezone.localdate()
    start = today - timedelta(days=89)
    page = text(staff_client.get(BASE + "results/", {"start": start.isoformat(), "end": today.isoformat()}))
    assert page.count('<g class="day">') == 90
    assert f'value="{start.isoformat()}"' in page


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"start": "2026-05-10", "end": "2026-05-01"}, "The start date must be on or before the end date."),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "Choose at most 366 days."),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"days": "12"}, "Select a valid choice."),
    ],
)
def test_a_range_that_makes_no_sense_is_an_error_over_the_default_range(staff_client, query, error):
    response = staff_client.get(BASE + "results/", query)

    assert response.status_code == 400
    page = text(response)
    assert error in page
    assert page.count('<g class="day">') == 30


def test_the_chart_s_coordinates_are_not_localised(staff_client, staff):
    staff.language = "pt-br"
    staff.save()
    abandon()

    page = text(staff_client.get(BASE + "results/"))

    assert 'lang="pt-br"' in page
    svg = re.search(r'<svg class="chart".*?</svg>', page, re.S)
    assert svg
    for value in re.findall(r' (?:x|y|x1|x2|y1|y2|height|cx|cy)="([^"]*)"', svg.group(0)):
        assert re.fullmatch(r"-?\d+(\.\d)?", value), value


# Settings (owners) -------------------------------------------------------------------------


def test_the_settings_show_the_current_values_and_the_emails_templates(owner_client):
    page = text(owner_client.get(BASE + "settings/"))

    assert 'name="delay_minutes" value="0"' in page
    assert 'value="60, 1440, 4320"' in page
    assert "0 is allowed, for a demo or a test" in page
    assert "/backoffice/settings/emails/abandoned_checkout_manual/en/" in page
    assert "/backoffice/settings/emails/abandoned_checkout_1/pt-br/" in page


def test_saving_the_settings(owner_client):
    response = owner_client.post(
        BASE + "settings/",
        {
            "delay_minutes": "30",
            "auto_send": "on",
            "schedule_minutes": "0, 120",
            "link_ttl_days": "3",
            "retention_days": "30",
        },
        follow=True,
    )

    assert response.redirect_chain == [(BASE + "settings/", 302)]
    assert "The settings were saved." in text(response)
    saved = RecoverySettings.load()
    assert (saved.delay_minutes, saved.auto_send, saved.schedule_minutes) == (30, True, [0, 120])
    assert (saved.link_ttl_days, saved.retention_days) == (3, 30)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"delay_minutes": "-5"}, "delay_minutes"),
        ({"delay_minutes": "soon"}, "delay_minutes"),
        ({"schedule_minutes": "an hour"}, "schedule_minutes"),
        ({"schedule_minutes": "60, 30"}, "schedule_minutes"),
        ({"schedule_minutes": "1, 2, 3, 4"}, "schedule_minutes"),
        ({"link_ttl_days": "0"}, "link_ttl_days"),
        ({"retention_days": "100000"}, "retention_days"),
    ],
)
def test_bad_settings_are_shown_beside_their_field_and_nothing_is_saved(owner_client, changes, field):
    data = {
        "delay_minutes": "30",
        "auto_send": "on",
        "schedule_minutes": "0, 120",
        "link_ttl_days": "3",
        "retention_days": "30",
        **changes,
    }

    response = owner_client.post(BASE + "settings/", data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    page = text(response)
    assert re.search(rf'<div class="field invalid">\s*<label for="id_{field}"', page)
    saved = RecoverySettings.load()
    assert (saved.delay_minutes, saved.auto_send) == (0, False)


# The order page ------------------------------------------------------------------------------


def test_a_recovered_order_says_so_on_its_timeline(staff_client):
    order = order_of()
    OrderEvent.objects.create(
        order=order, type=OrderEvent.Type.RECOVERED, data={"abandoned_id": 1, "reminders": 2, "clicked": True}
    )

    page = text(staff_client.get(f"/backoffice/orders/{order.number}/"))

    assert "Recovered by a reminder" in page
    assert "Recovered: the customer came back through a reminder." in page
    assert "2 reminders sent" in page and "The customer opened the reminder's link" in page

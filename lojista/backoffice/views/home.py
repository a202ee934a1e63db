"""The day at a glance: today's and this week's sales, what waits for the
merchant (orders to handle, variants to restock, emails that failed), and
the last 30 days as a chart."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lojista.customers.web import staff_required
from lojista.inventory.selectors import low_stock_variants
from lojista.notifications.models import OutboxMessage
from lojista.notifications.selectors import outbox_count, outbox_page
from lojista.orders import reports
from lojista.orders.models import OrderStatus

from ..charts import sales_chart

# Rows of each list on the page; the sections they come from show the rest.
LOW_STOCK_SHOWN = 10
FAILED_EMAILS_SHOWN = 5


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    sales = reports.sales_overview()
    waiting = reports.orders_waiting()
    low_stock = list(low_stock_variants()[: LOW_STOCK_SHOWN + 1])
    failed = OutboxMessage.Status.FAILED
    context = {
        "sales": sales,
        "chart": sales_chart(sales.days, currency=sales.currency),
        "waiting_total": sum(waiting.values()),
        "waiting_pending": waiting[OrderStatus.PENDING],
        "waiting_processed": waiting[OrderStatus.PROCESSED],
        "low_stock": low_stock[:LOW_STOCK_SHOWN],
        "more_low_stock": len(low_stock) > LOW_STOCK_SHOWN,
        "failed_email_count": outbox_count(status=failed),
        "failed_emails": outbox_page(status=failed, limit=FAILED_EMAILS_SHOWN).items,
    }
    return render(request, "backoffice/home.html", context)

"""The staff dashboard (/admin/dashboard/): the reports' figures for the last 30 days as charts,
each with its numbers in a table. One query per figure (reports.queries), as in the API."""

from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString

from orders.models import Order
from reports import charts, queries
from reports.charts import Segment, count

Status = Order.Status
STATUS_TONES = {
    Status.PENDING_PAYMENT: "tone-pink",
    Status.PAID: "tone-sky",
    Status.PROCESSING: "tone-blue",
    Status.SHIPPED: "tone-orange",
    Status.OUT_FOR_DELIVERY: "tone-yellow",
    Status.DELIVERED: "tone-green",
    Status.CANCELLED: "tone-grey",
    Status.RETURNED: "tone-red",
}


@dataclass
class Figure:
    """A chart (or several) and the table of its numbers."""

    key: str  # its id on the page
    title: str
    charts: list[SafeString]
    headers: list[str]
    rows: list[list[str]]
    note: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)


def _day(day) -> str:
    return f"{day:%b} {day.day}"


def _sales_figure(sales: queries.Sales) -> Figure:
    days = [_day(point.period) for point in sales.series]
    revenue = [point.revenue for point in sales.series]
    orders = [point.orders for point in sales.series]
    money = partial(charts.money, currency=sales.currency)
    return Figure(
        "sales",
        "Revenue and orders per day",
        [
            charts.area(
                days,
                revenue,
                title="Revenue per day",
                desc=f"Revenue of the orders paid each day, {days[0]} to {days[-1]}.",
                caption=f"Revenue ({sales.currency})",
                axis=partial(charts.short_money, currency=sales.currency),
                value=money,
            ),
            charts.columns(
                days,
                orders,
                title="Orders per day",
                desc=f"Orders paid each day, {days[0]} to {days[-1]}.",
                caption="Orders",
            ),
        ],
        ["Day", "Orders", "Revenue", "Refunds"],
        [
            [
                f"{point.period:%a} {_day(point.period)}",
                count(point.orders),
                money(point.revenue),
                money(point.refunds),
            ]
            for point in sales.series
        ],
    )


def _status_figure(statuses: list[queries.StatusCount]) -> Figure:
    changelist = reverse("admin:orders_order_changelist")
    return Figure(
        "status",
        "Orders by status",
        [
            charts.donut(
                [
                    Segment(s.label, s.orders, STATUS_TONES.get(s.status, "tone-grey"))
                    for s in statuses
                ],
                title="Orders by status",
                desc="Where the orders paid in the period are now.",
                total_label="orders",
            )
        ],
        ["Status", "Orders"],
        [[s.label, count(s.orders)] for s in statuses],
        note="The orders paid in the period, by where they are now.",
        links=[(f"{changelist}?status__exact={s.status}", s.label) for s in statuses],
    )


def _top_products_figure(top: list[queries.TopProduct], currency: str) -> Figure:
    money = partial(charts.money, currency=currency)
    return Figure(
        "top-products",
        "Top products",
        [
            charts.bars(
                [p.name for p in top],
                [p.revenue for p in top],
                title="Top products by revenue",
                desc="The products that brought in most in the period.",
                value=money,
            )
        ],
        ["Product", "Units", "Revenue"],
        [[p.name, count(p.units), money(p.revenue)] for p in top],
        note="By line totals of the orders paid in the period (not cancelled).",
    )


def _category_figure(categories: list[queries.CategoryRevenue], currency: str) -> Figure:
    money = partial(charts.money, currency=currency)
    return Figure(
        "categories",
        "Revenue by category",
        [
            charts.bars(
                [c.name for c in categories],
                [c.revenue for c in categories],
                title="Revenue by category",
                desc="What each category brought in in the period.",
                value=money,
                label_width=150,
            )
        ],
        ["Category", "Units", "Revenue"],
        [[c.name, count(c.units), money(c.revenue)] for c in categories],
        note="By line totals of the orders paid in the period (not cancelled).",
    )


def _stock_figure(stock: queries.StockHealth) -> Figure:
    products = reverse("admin:catalog_product_changelist")
    alerts = reverse("admin:catalog_lowstockalert_changelist")
    parts = [
        ("Out of stock", stock.out_of_stock, "tone-red", "out_of_stock"),
        (f"Low (under {stock.low_below})", stock.low_stock, "tone-yellow", "low_stock"),
        ("In stock", stock.in_stock, "tone-green", "in_stock"),
    ]
    return Figure(
        "stock",
        "Stock health",
        [
            charts.stacked(
                [Segment(label, value, tone) for label, value, tone, _ in parts],
                title="Products on sale by stock",
                desc="How many products on sale are out of stock, low or in stock.",
            )
        ],
        ["Products", "Count"],
        [[label, count(value)] for label, value, *_ in parts]
        + [["Low-stock alerts open", count(stock.open_alerts)]],
        note=(
            f"Products on sale now; {count(stock.open_alerts)} low-stock "
            f"alert{pluralize(stock.open_alerts)} open."
        ),
        links=[(f"{products}?stock_status={key}", label) for label, _, _, key in parts]
        + [(f"{alerts}?status__exact=open", "Open alerts")],
    )


def _returns_figure(rate: queries.ReturnsRate) -> Figure:
    kept = rate.delivered - rate.returned
    return Figure(
        "returns",
        "Returns rate",
        [
            charts.stacked(
                [
                    Segment("Returned", rate.returned, "tone-red"),
                    Segment("Not returned", kept, "tone-green"),
                ],
                title=f"Returns rate: {rate.percent}%",
                desc="Of the orders delivered in the period, those with a return refunded.",
            )
        ],
        ["Orders delivered", "Returned (refunded)", "Returns rate"],
        [[count(rate.delivered), count(rate.returned), f"{rate.percent}%"]],
        note=(
            f"{rate.percent}% of the {count(rate.delivered)} orders delivered in the period "
            "have had a return refunded so far."
        ),
    )


@staff_member_required
def dashboard(request):
    dates = queries.DateRange.last()
    sales = queries.sales(dates=dates, interval="day")
    rate = queries.returns_rate(dates=dates)
    # Two columns under the sales, of about the same height.
    columns = [
        [
            _status_figure(queries.orders_by_status(dates=dates)),
            _stock_figure(queries.stock_health()),
            _returns_figure(rate),
        ],
        [
            _top_products_figure(queries.top_products(dates=dates, limit=10), sales.currency),
            _category_figure(queries.revenue_by_category(dates=dates), sales.currency),
        ],
    ]
    totals = sales.totals
    money = partial(charts.money, currency=sales.currency)
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "dates": dates,
        "time_zone": settings.TIME_ZONE,
        "kpis": [
            ("Revenue", money(totals["revenue"])),
            ("Orders", count(totals["orders"])),
            ("Average order", money(totals["average_order"])),
            ("Refunds", money(totals["refunds"])),
            ("Net", money(totals["net"])),
            ("Returns rate", f"{rate.percent}%"),
        ],
        "sales": _sales_figure(sales),
        "columns": columns,
    }
    return TemplateResponse(request, "reports/dashboard.html", context)

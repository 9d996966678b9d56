"""The staff reports' figures, one query each, over a range of the shop's days: the time zone
of settings.TIME_ZONE (the current one) decides on which day an order was paid or refunded.

Definitions (API.md, "Staff reports"):

- revenue: the totals of the orders paid in the range, by the day they were paid, whatever
  happened to them since; refunds: the money given back in the range (cancellations and
  returns, Refund rows), by the day it was given back; net = revenue - refunds.
- top products and revenue by category: the lines of the orders paid in the range and not
  cancelled, at their line totals (before the order's discounts, tax and shipping).
- returns rate: of the orders delivered in the range, the share with a return refunded since.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from cart import pricing
from catalog.models import LowStockAlert, Product
from orders.models import Order, OrderItem, Refund, Return

DEFAULT_DAYS = 30
MAX_DAYS = 366
INTERVALS = ("day", "week", "month")
_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
_MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DateRange:
    """From ``start`` to ``end``, both included, in the shop's days."""

    start: date
    end: date

    @classmethod
    def last(cls, days: int = DEFAULT_DAYS) -> "DateRange":
        """The last ``days`` days, today (the shop's today) included."""
        today = timezone.localdate()
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """The first moment of ``start`` and of the day after ``end``, in the shop's time zone."""
        return _midnight(self.start), _midnight(self.end + timedelta(days=1))


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _paid_in(dates: DateRange, prefix: str = "") -> Q:
    start, end = dates.bounds()
    return Q(**{f"{prefix}paid_at__gte": start, f"{prefix}paid_at__lt": end})


def _day_of(value) -> date:
    """A truncated moment as the shop's date (backends hand back aware datetimes or dates)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def period_starts(dates: DateRange, interval: str) -> list[date]:
    """The first day of each day, week (from Monday) or month that the range touches."""
    if interval == "day":
        return [dates.start + timedelta(days=n) for n in range(dates.days)]
    if interval == "week":
        first = dates.start - timedelta(days=dates.start.weekday())
        return [first + timedelta(weeks=n) for n in range((dates.end - first).days // 7 + 1)]
    starts, month = [], dates.start.replace(day=1)
    while month <= dates.end:
        starts.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return starts


# Sales


@dataclass(frozen=True)
class SalesPoint:
    period: date
    orders: int
    revenue: Decimal
    refunds: Decimal


@dataclass(frozen=True)
class Sales:
    currency: str
    series: list[SalesPoint]

    @property
    def totals(self) -> dict:
        orders = sum(point.orders for point in self.series)
        revenue = sum((point.revenue for point in self.series), ZERO)
        refunds = sum((point.refunds for point in self.series), ZERO)
        average = pricing.cents(revenue / orders) if orders else ZERO
        return {
            "orders": orders,
            "revenue": revenue,
            "refunds": refunds,
            "net": revenue - refunds,
            "average_order": average,
        }


def sales(*, dates: DateRange, interval: str = "day") -> Sales:
    """Orders paid and their totals by the period they were paid in, and refunds by the period
    they were given in: every period of the range, with zeros where nothing happened. One query:
    both tables grouped by period, as one UNION ALL."""
    trunc = _TRUNC[interval]
    tz = timezone.get_current_timezone()
    start, end = dates.bounds()
    paid = (
        Order.objects.filter(_paid_in(dates))
        .annotate(period=trunc("paid_at", tzinfo=tz))
        .values("period")
        .annotate(
            orders=Count("id"),
            revenue=Sum("total", output_field=_MONEY),
            refunds=Value(ZERO, output_field=_MONEY),
        )
        .order_by()
    )
    # A payment refunded because its order could not stand was never revenue: left out.
    refunded = (
        Refund.objects.filter(
            created_at__gte=start, created_at__lt=end, order__paid_at__isnull=False
        )
        .annotate(period=trunc("created_at", tzinfo=tz))
        .values("period")
        .annotate(
            orders=Value(0, output_field=IntegerField()),
            revenue=Value(ZERO, output_field=_MONEY),
            refunds=Sum("amount", output_field=_MONEY),
        )
        .order_by()
    )
    rows = paid.union(refunded, all=True).values_list("period", "orders", "revenue", "refunds")
    found: dict[date, list] = {}
    for period, orders, revenue, refunds in rows:
        sums = found.setdefault(_day_of(period), [0, ZERO, ZERO])
        sums[0] += orders
        sums[1] += revenue or ZERO
        sums[2] += refunds or ZERO
    series = []
    for period in period_starts(dates, interval):
        orders, revenue, refunds = found.get(period, (0, ZERO, ZERO))
        series.append(SalesPoint(period, orders, pricing.cents(revenue), pricing.cents(refunds)))
    return Sales(currency=pricing.CURRENCY, series=series)


# What sold


@dataclass(frozen=True)
class TopProduct:
    product_id: int
    name: str
    units: int
    revenue: Decimal


def _sold_lines(dates: DateRange):
    return OrderItem.objects.filter(_paid_in(dates, "order__")).exclude(
        order__status=Order.Status.CANCELLED
    )


def top_products(*, dates: DateRange, limit: int = 10) -> list[TopProduct]:
    """The products that brought in most, with the units sold; named as the catalog names
    them now (as they were sold when deleted since)."""
    current_name = Product.objects.filter(pk=OuterRef("product_id")).order_by().values("name")
    rows = (
        _sold_lines(dates)
        .values("product_id")
        .annotate(
            name=Coalesce(Subquery(current_name[:1]), Max("product_name")),
            units=Sum("quantity"),
            revenue=Sum("subtotal", output_field=_MONEY),
        )
        .order_by("-revenue", "-units", "product_id")[:limit]
    )
    return [
        TopProduct(row["product_id"], row["name"], row["units"], pricing.cents(row["revenue"]))
        for row in rows
    ]


@dataclass(frozen=True)
class CategoryRevenue:
    name: str
    units: int
    revenue: Decimal


DELETED_PRODUCTS = "Products deleted since"


def revenue_by_category(*, dates: DateRange) -> list[CategoryRevenue]:
    """Sales by the category of the product sold, most first. A line whose variant was
    deleted finds its category through its product id; one whose product is gone is counted
    apart."""
    by_product = (
        Product.objects.filter(pk=OuterRef("product_id")).order_by().values("category__name")
    )
    category = Coalesce(F("variant__product__category__name"), Subquery(by_product[:1]))
    rows = (
        _sold_lines(dates)
        .values(category=category)
        .annotate(units=Sum("quantity"), revenue=Sum("subtotal", output_field=_MONEY))
        .order_by("-revenue", "category")
    )
    return [
        CategoryRevenue(
            row["category"] or DELETED_PRODUCTS, row["units"], pricing.cents(row["revenue"])
        )
        for row in rows
    ]


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    orders: int


def orders_by_status(*, dates: DateRange) -> list[StatusCount]:
    """The orders paid in the range by where they are now, in the order of the fulfilment path
    (statuses with none left out)."""
    counts = dict(
        Order.objects.filter(_paid_in(dates))
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )
    return [
        StatusCount(status, label, counts[status])
        for status, label in Order.Status.choices
        if counts.get(status)
    ]


@dataclass(frozen=True)
class ReturnsRate:
    delivered: int
    returned: int

    @property
    def percent(self) -> Decimal:
        if not self.delivered:
            return Decimal("0.0")
        return (Decimal(100 * self.returned) / self.delivered).quantize(Decimal("0.1"))


def returns_rate(*, dates: DateRange) -> ReturnsRate:
    """Orders delivered in the range, and how many of them have had a return refunded (so far:
    recent deliveries may still come back)."""
    start, end = dates.bounds()
    refunded = Return.objects.filter(order=OuterRef("pk"), status=Return.Status.REFUNDED)
    counts = Order.objects.filter(delivered_at__gte=start, delivered_at__lt=end).aggregate(
        delivered=Count("id"), returned=Count("id", filter=Q(Exists(refunded)))
    )
    return ReturnsRate(**counts)


# Stock


@dataclass(frozen=True)
class StockHealth:
    out_of_stock: int
    low_stock: int
    in_stock: int
    open_alerts: int
    low_below: int

    @property
    def products(self) -> int:
        return self.out_of_stock + self.low_stock + self.in_stock


def stock_health(*, low_below: int | None = None) -> StockHealth:
    """The products on sale by catalog.models.stock_status (low: below
    settings.LOW_STOCK_THRESHOLD units), and the low-stock alerts still open."""
    low = settings.LOW_STOCK_THRESHOLD if low_below is None else low_below
    # SELECT COUNT(*) of the open alerts, as a subquery (a Func, not an aggregate: no GROUP BY).
    open_alerts = (
        LowStockAlert.objects.filter(status=LowStockAlert.Status.OPEN)
        .order_by()
        .values(n=Func(F("id"), function="COUNT", output_field=IntegerField()))
    )
    counts = Product.objects.active().aggregate(
        out_of_stock=Count("id", filter=Q(stock__lte=0)),
        low_stock=Count("id", filter=Q(stock__gt=0, stock__lt=low)),
        in_stock=Count("id", filter=Q(stock__gte=low)),
        # The alerts ride along as a scalar subquery; aggregate() takes it inside an aggregate.
        open_alerts=Max(Subquery(open_alerts)),
    )
    if counts["open_alerts"] is None:  # no products on sale to ride along
        counts["open_alerts"] = LowStockAlert.objects.filter(
            status=LowStockAlert.Status.OPEN
        ).count()
    return StockHealth(**counts, low_below=low)

"""GET /api/staff/reports/top-products and /stock, and the dashboard's other figures (orders by
status, revenue by category, returns rate) from reports.queries."""

import pytest
from django.test import override_settings

from catalog.models import LowStockAlert, Product
from orders.models import OrderItem
from reports import queries
from reports.queries import DateRange
from tests.catalog import builders
from tests.reports.conftest import utc

pytestmark = pytest.mark.django_db

TOP = "/api/staff/reports/top-products"
STOCK = "/api/staff/reports/stock"
MARCH = {"from": "2025-03-01", "to": "2025-03-31"}
MARCH_DATES = DateRange(*(utc(2025, 3, day).date() for day in (1, 31)))


@pytest.fixture
def march(shopper, boots, socks):
    shopper.buy((boots, 1), paid_at=utc(2025, 3, 3, 10))
    shopper.buy((socks, 2), paid_at=utc(2025, 3, 4, 10))
    shopper.buy((socks, 4), paid_at=utc(2025, 3, 20, 10))
    cancelled = shopper.buy((boots, 3), paid_at=utc(2025, 3, 21, 10))
    shopper.cancel(cancelled, at=utc(2025, 3, 21, 12))
    shopper.buy((boots, 5), paid_at=utc(2025, 4, 1, 10))  # April


def test_top_products_by_revenue_with_units(staff_api, march, boots, socks):
    response = staff_api.get(TOP, MARCH)
    assert response.status_code == 200, response.content
    # The cancelled order's boots don't count; April's aren't in March.
    assert response.json() == [
        {"product_id": boots.pk, "name": "Trail Boots", "units": 1, "revenue": "80.00"},
        {"product_id": socks.pk, "name": "Wool Socks", "units": 6, "revenue": "75.00"},
    ]
    assert [p["name"] for p in staff_api.get(TOP, {**MARCH, "limit": 1}).json()] == ["Trail Boots"]


def test_top_products_go_by_the_catalogs_name_and_keep_deleted_ones(staff_api, march, socks):
    Product.objects.filter(pk=socks.pk).update(name="Merino Socks")
    OrderItem.objects.filter(product_id=socks.pk, order__paid_at__month=3).update(
        product_id=999999, variant=None
    )  # as if the product had been deleted since
    names = {p["name"]: p["units"] for p in staff_api.get(TOP, MARCH).json()}
    assert names == {"Trail Boots": 1, "Wool Socks": 6}  # the name it was sold under


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"from": "03/01/2025"}]
)
def test_top_products_bad_parameters(staff_api, params):
    response = staff_api.get(TOP, params)
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == list(params)


def test_revenue_by_category_finds_categories_of_deleted_variants(march, boots, socks):
    # A variant deleted since: its lines still belong to the product's category.
    OrderItem.objects.filter(product_id=boots.pk).update(variant=None)
    assert queries.revenue_by_category(dates=MARCH_DATES) == [
        queries.CategoryRevenue("Shoes", 1, boots.price),
        queries.CategoryRevenue("Socks", 6, socks.price * 6),
    ]
    OrderItem.objects.filter(product_id=socks.pk).update(product_id=999999, variant=None)
    assert [c.name for c in queries.revenue_by_category(dates=MARCH_DATES)] == [
        "Shoes",
        queries.DELETED_PRODUCTS,
    ]


def test_orders_by_status_and_returns_rate(shopper, boots, socks):
    delivered = [shopper.buy((socks, 2), paid_at=utc(2025, 3, day, 10)) for day in (3, 4, 5)]
    for order in delivered:
        shopper.deliver(order, at=utc(2025, 3, 10, 10))
    shopper.send_back(delivered[0], {socks: 2}, refunded_at=utc(2025, 3, 15))  # all: returned
    shopper.send_back(delivered[1], {socks: 1}, refunded_at=utc(2025, 3, 15))  # part: delivered
    shopper.buy((boots, 1), paid_at=utc(2025, 3, 6, 10))  # paid
    shopper.cancel(shopper.buy((boots, 1), paid_at=utc(2025, 3, 7, 10)), at=utc(2025, 3, 7, 11))

    assert [(s.status, s.orders) for s in queries.orders_by_status(dates=MARCH_DATES)] == [
        ("paid", 1),
        ("delivered", 2),
        ("cancelled", 1),
        ("returned", 1),
    ]
    rate = queries.returns_rate(dates=MARCH_DATES)
    assert (rate.delivered, rate.returned, str(rate.percent)) == (3, 2, "66.7")
    assert queries.returns_rate(
        dates=DateRange(utc(2025, 4, 1).date(), utc(2025, 4, 30).date())
    ) == queries.ReturnsRate(0, 0)


@pytest.fixture
def stock(db):
    builders.product("Gone", variants=[("", "", 0)])
    builders.product("Few", variants=[("Red", "S", 3), ("Red", "M", 4)])  # 7
    builders.product("Plenty", variants=[("", "", 25)])
    builders.product("Hidden", variants=[("", "", 0)], is_active=False)  # not on sale
    few = Product.objects.get(name="Few").variants.all()
    LowStockAlert.objects.create(variant=few[0], quantity=3)
    LowStockAlert.objects.create(variant=few[1], quantity=4)
    LowStockAlert.objects.create(
        variant=Product.objects.get(name="Plenty").variants.get(), quantity=2, status="resolved"
    )


def test_stock_health(staff_api, stock):
    assert staff_api.get(STOCK).json() == {
        "out_of_stock": 1,
        "low_stock": 1,
        "in_stock": 1,
        "open_alerts": 2,
    }
    with override_settings(LOW_STOCK_THRESHOLD=5):
        assert staff_api.get(STOCK).json()["low_stock"] == 0


def test_stock_with_nothing_on_sale(staff_api, db):
    assert staff_api.get(STOCK).json() == {
        "out_of_stock": 0,
        "low_stock": 0,
        "in_stock": 0,
        "open_alerts": 0,
    }


def test_staff_only(api, user_api):
    for url in (TOP, STOCK):
        assert api.get(url).status_code == 401
        assert user_api.get(url).status_code == 403


def test_one_query_each(staff_api, march, stock, django_assert_num_queries):
    staff_api.get(STOCK)
    # The staff user (IsAdminUser reads is_staff), then the figure.
    with django_assert_num_queries(2):
        assert len(staff_api.get(TOP, MARCH).json()) == 2
    with django_assert_num_queries(2):
        assert staff_api.get(STOCK).json()["open_alerts"] == 2

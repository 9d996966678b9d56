"""GET /api/staff/reports/sales: revenue by the day orders were paid, refunds by the day they were
given, every period of the range (zeros included), in the shop's days; bad ranges are 400s."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.reports.conftest import utc

pytestmark = pytest.mark.django_db

SALES = "/api/staff/reports/sales"


@pytest.fixture
def week(shopper, boots, socks):
    """Sunday 2 to Saturday 8 March 2025, with an order paid before it refunded in it."""
    a = shopper.buy((boots, 1), paid_at=utc(2025, 3, 3, 10))  # 86.40
    b = shopper.buy((socks, 2), paid_at=utc(2025, 3, 3, 15))  # 32.99
    c = shopper.buy((boots, 1), (socks, 1), paid_at=utc(2025, 3, 5, 9))  # 92.50 + 7.40 = 99.90
    shopper.cancel(c, at=utc(2025, 3, 6, 8))  # all of it back
    d = shopper.buy((socks, 2), paid_at=utc(2025, 2, 28, 12))  # 32.99, before the range
    shopper.deliver(d, at=utc(2025, 3, 2, 12))
    # One sock of two: 12.50 / 25.00 of the 27.00 paid for goods (no shipping back) = 13.50.
    shopper.send_back(d, {socks: 1}, refunded_at=utc(2025, 3, 4, 16))
    return a, b, c, d


def test_totals_and_every_day_of_the_range(staff_api, week):
    response = staff_api.get(SALES, {"from": "2025-03-02", "to": "2025-03-08"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["currency"] == "USD"
    assert body["totals"] == {
        "orders": 3,
        "revenue": "219.29",  # 86.40 + 32.99 + 99.90
        "refunds": "113.40",  # 99.90 cancelled + 13.50 returned
        "net": "105.89",
        "average_order": "73.10",  # 219.29 / 3 = 73.0966...
    }
    assert body["series"] == [
        {"period": "2025-03-02", "orders": 0, "revenue": "0.00", "refunds": "0.00"},
        {"period": "2025-03-03", "orders": 2, "revenue": "119.39", "refunds": "0.00"},
        {"period": "2025-03-04", "orders": 0, "revenue": "0.00", "refunds": "13.50"},
        {"period": "2025-03-05", "orders": 1, "revenue": "99.90", "refunds": "0.00"},
        {"period": "2025-03-06", "orders": 0, "revenue": "0.00", "refunds": "99.90"},
        {"period": "2025-03-07", "orders": 0, "revenue": "0.00", "refunds": "0.00"},
        {"period": "2025-03-08", "orders": 0, "revenue": "0.00", "refunds": "0.00"},
    ]


def test_weeks_start_on_monday_and_count_only_the_range(staff_api, week):
    body = staff_api.get(
        SALES, {"from": "2025-03-02", "to": "2025-03-08", "interval": "week"}
    ).json()
    # The Sunday belongs to the week of Monday 24 February; the order paid on the 28th is
    # outside the range, so that week has nothing.
    assert body["series"] == [
        {"period": "2025-02-24", "orders": 0, "revenue": "0.00", "refunds": "0.00"},
        {"period": "2025-03-03", "orders": 3, "revenue": "219.29", "refunds": "113.40"},
    ]
    assert body["totals"]["revenue"] == "219.29"


def test_months(staff_api, week):
    body = staff_api.get(
        SALES, {"from": "2025-01-15", "to": "2025-04-10", "interval": "month"}
    ).json()
    assert [(p["period"], p["orders"], p["revenue"], p["refunds"]) for p in body["series"]] == [
        ("2025-01-01", 0, "0.00", "0.00"),
        ("2025-02-01", 1, "32.99", "0.00"),
        ("2025-03-01", 3, "219.29", "113.40"),
        ("2025-04-01", 0, "0.00", "0.00"),
    ]
    assert body["totals"] == {
        "orders": 4,
        "revenue": "252.28",
        "refunds": "113.40",
        "net": "138.88",
        "average_order": "63.07",
    }


def test_a_range_with_nothing_is_all_zeros(staff_api, week):
    body = staff_api.get(SALES, {"from": "2024-06-01", "to": "2024-06-03"}).json()
    assert body["totals"] == {
        "orders": 0,
        "revenue": "0.00",
        "refunds": "0.00",
        "net": "0.00",
        "average_order": "0.00",
    }
    assert [p["period"] for p in body["series"]] == ["2024-06-01", "2024-06-02", "2024-06-03"]


@pytest.mark.parametrize(
    "zone, paid_at, day",
    [
        ("UTC", utc(2025, 3, 5, 3), "2025-03-05"),
        ("America/New_York", utc(2025, 3, 5, 3), "2025-03-04"),  # 22:00 the evening before
        ("Pacific/Auckland", utc(2025, 3, 4, 13), "2025-03-05"),  # 02:00 the morning after
    ],
)
def test_the_shops_time_zone_decides_the_day(staff_api, shopper, boots, zone, paid_at, day):
    order = shopper.buy((boots, 1), paid_at=paid_at)
    shopper.cancel(order, at=paid_at)
    with override_settings(TIME_ZONE=zone):
        body = staff_api.get(SALES, {"from": "2025-03-03", "to": "2025-03-06"}).json()
    busy = [p for p in body["series"] if p["orders"]]
    refunded = [p for p in body["series"] if p["refunds"] != "0.00"]
    assert [p["period"] for p in busy] == [day] and busy[0]["revenue"] == "86.40"
    assert [p["period"] for p in refunded] == [day]


def test_local_midnight_bounds_the_range(staff_api, shopper, boots):
    with override_settings(TIME_ZONE="America/New_York"):
        shopper.buy((boots, 1), paid_at=utc(2025, 3, 5, 4, 59))  # 23:59 on the 4th there
        shopper.buy((boots, 1), paid_at=utc(2025, 3, 5, 5, 0))  # midnight: the 5th
        body = staff_api.get(SALES, {"from": "2025-03-05", "to": "2025-03-05"}).json()
    assert body["totals"]["orders"] == 1


def test_the_last_30_days_by_default(staff_api, shopper, boots):
    shopper.buy((boots, 1), paid_at=timezone.now() - timedelta(days=1))
    shopper.buy((boots, 1), paid_at=timezone.now() - timedelta(days=45))
    body = staff_api.get(SALES).json()
    today = timezone.localdate()
    assert [p["period"] for p in body["series"]] == [
        str(today - timedelta(days=n)) for n in range(29, -1, -1)
    ]
    assert body["totals"]["orders"] == 1
    # Only "from": to today.
    since = staff_api.get(SALES, {"from": str(today - timedelta(days=59))}).json()
    assert len(since["series"]) == 60 and since["totals"]["orders"] == 2


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2025-03-08", "to": "2025-03-07"}, "to"),
        ({"from": "2024-01-01", "to": "2025-01-01"}, "to"),  # 367 days
        ({"from": str(date.today() - timedelta(days=400))}, "from"),
        ({"from": "2025-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"interval": "year"}, "interval"),
    ],
)
def test_bad_parameters_are_400s_naming_the_field(staff_api, params, field):
    response = staff_api.get(SALES, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and list(error["details"]) == [field]


def test_a_leap_year_is_not_too_long(staff_api):
    body = staff_api.get(SALES, {"from": "2024-01-01", "to": "2024-12-31", "interval": "month"})
    assert body.status_code == 200 and len(body.json()["series"]) == 12


def test_staff_only(api, user_api):
    assert api.get(SALES).status_code == 401
    refused = user_api.get(SALES)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"


def test_one_query_for_the_report(staff_api, week, django_assert_num_queries):
    staff_api.get(SALES)  # warm: nothing cached on the way, but the first request loads modules
    # The staff user (IsAdminUser reads is_staff), then orders and refunds in one UNION ALL.
    with django_assert_num_queries(2):
        response = staff_api.get(SALES, {"from": "2025-01-01", "to": "2025-12-31"})
    assert response.json()["totals"]["orders"] == 4

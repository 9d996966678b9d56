"""The orders export in the admin: Export on the Order list, a format and two days, a file with
one row per order placed on those days by the shop's clock."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from tests.factories import UserFactory
from tests.orders.conftest import add_to_cart, place

pytestmark = pytest.mark.django_db

EXPORT_URL = "/admin/orders/order/export/"
CSV_FORMAT, XLSX_FORMAT = "0", "1"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def placed(settings, user_api, socks, jacket, address, good_card):
    """Four orders placed through the API at the edges of 1 and 2 March in New York."""
    settings.TIME_ZONE = "America/New_York"

    def order_at(when: datetime, key: str, *products) -> Order:
        for product, options in products:
            add_to_cart(user_api, product, **options)
        response = place(user_api, address, good_card, key=key)
        assert response.status_code == 201, response.content
        order = Order.objects.get(pk=response.json()["id"])
        Order.objects.filter(pk=order.pk).update(created_at=when)  # placed back then
        order.refresh_from_db()
        return order

    socks_line = (socks, {"quantity": 2})
    jacket_line = (jacket, {"color": "Navy", "size": "M"})
    return {
        "feb28_late": order_at(datetime(2026, 3, 1, 3, 0, tzinfo=UTC), "k1", socks_line),
        "mar1_early": order_at(
            datetime(2026, 3, 1, 5, 30, tzinfo=UTC), "k2", socks_line, jacket_line
        ),
        "mar2_late": order_at(datetime(2026, 3, 3, 4, 30, tzinfo=UTC), "k3", jacket_line),
        "mar3_early": order_at(datetime(2026, 3, 3, 5, 30, tzinfo=UTC), "k4", socks_line),
    }


def export(client, first="2026-03-01", last="2026-03-02", file_format=CSV_FORMAT):
    return client.post(
        EXPORT_URL, {"format": file_format, "date_from": first, "date_to": last, "resource": "0"}
    )


def test_the_order_list_offers_an_export_with_two_days(staff_client, placed):
    assert EXPORT_URL in staff_client.get("/admin/orders/order/").content.decode()
    form = staff_client.get(EXPORT_URL).content.decode()
    assert 'name="date_from"' in form and 'name="date_to"' in form


def test_the_csv_has_one_row_per_order_placed_on_those_days(staff_client, placed):
    response = export(staff_client)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    first, second = placed["mar1_early"], placed["mar2_late"]
    assert [row["number"] for row in rows] == [first.number, second.number]
    assert rows[0] == {
        "number": first.number,
        "created_at": "2026-03-01 00:30:00",  # the shop's clock: New York
        "paid_at": rows[0]["paid_at"],
        "status": "paid",
        "customer_email": "ann@example.com",
        "items_count": "3",
        "subtotal": str(first.subtotal),
        "discount": str(first.discount),
        "tax": str(first.tax),
        "shipping": str(first.shipping),
        "total": str(first.total),
        "refunded_total": "0.00",
        "currency": "USD",
    }
    assert rows[0]["paid_at"]
    assert (rows[1]["created_at"], rows[1]["items_count"]) == ("2026-03-02 23:30:00", "1")


def test_the_xlsx_has_the_same_rows(staff_client, placed):
    response = export(staff_client, "2026-03-02", "2026-03-03", XLSX_FORMAT)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:6] == (
        "number",
        "created_at",
        "paid_at",
        "status",
        "customer_email",
        "items_count",
    )
    assert [(row[0], row[1], row[5]) for row in rows[1:]] == [
        (placed["mar2_late"].number, datetime(2026, 3, 2, 23, 30), 1),
        (placed["mar3_early"].number, datetime(2026, 3, 3, 0, 30), 2),
    ]


def test_a_range_ending_before_it_starts_is_refused(staff_client, placed):
    response = export(staff_client, "2026-03-02", "2026-03-01")
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert "The last day can&#x27;t be before the first." in response.content.decode()


def test_the_export_costs_the_same_queries_for_more_orders(staff_client, placed):
    def queries_of(first, last) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert export(staff_client, first, last).status_code == 200
        return len(queries)

    assert queries_of("2026-03-01", "2026-03-01") == queries_of("2026-02-01", "2026-03-31")


def test_staff_without_order_rights_cannot_export(client, placed):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert export(client).status_code == 403

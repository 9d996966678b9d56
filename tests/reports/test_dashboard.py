"""The staff dashboard at /admin/dashboard/: the reports' figures for the last 30 days as SVG
charts, each with its numbers in a table, the same as the API's; staff only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from reports.charts import Segment, bars, donut, stacked
from tests.catalog import builders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/dashboard/"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", email="root@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def recent(shopper, boots, socks):
    now = timezone.now()
    shopper.buy((boots, 1), paid_at=now - timedelta(days=2))  # 86.40
    shopper.buy((socks, 2), paid_at=now - timedelta(days=3))  # 32.99
    cancelled = shopper.buy((boots, 1), paid_at=now - timedelta(days=4))  # 86.40
    shopper.cancel(cancelled, at=now - timedelta(days=4))
    returned = shopper.buy((socks, 2), paid_at=now - timedelta(days=10))  # 32.99
    shopper.deliver(returned, at=now - timedelta(days=6))
    # All of it: 27.00 back (shipping isn't refunded).
    shopper.send_back(returned, {socks: 2}, refunded_at=now - timedelta(days=1))


def _table(page: str, key: str) -> list[list[str]]:
    """The rows of a figure's table, as text."""
    section = re.search(
        rf'<section class="figure" aria-labelledby="figure-{key}">.*?</section>', page, re.DOTALL
    ).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.DOTALL).group(1)
    return [
        [
            re.sub(r"<.*?>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    ]


def test_staff_see_the_figures_as_charts_with_their_numbers(
    client, staff_user, staff_api, recent, boots, socks
):
    client.force_login(staff_user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        page.count('<svg class="chart ') == 7
    )  # revenue, orders, status, top products, categories, stock, returns
    assert page.count('role="img"') == 7 and page.count("<details") == 6

    # The same figures as the API's.
    totals = staff_api.get("/api/staff/reports/sales").json()["totals"]
    assert totals == {
        "orders": 4,
        "revenue": "238.78",
        "refunds": "113.40",  # 86.40 cancelled + 27.00 returned
        "net": "125.38",
        "average_order": "59.70",
    }
    for label, value in (
        ("Revenue", "$238.78"),
        ("Orders", "4"),
        ("Average order", "$59.70"),
        ("Refunds", "$113.40"),
        ("Net", "$125.38"),
    ):
        assert f'kpi-label">{label}</span> <span class="kpi-value">{value}<' in page

    days = _table(page, "sales")
    assert len(days) == 30
    today = timezone.localdate()
    two_days_ago = today - timedelta(days=2)
    assert [row for row in days if row[0].endswith(f"{two_days_ago:%b} {two_days_ago.day}")] == [
        [f"{two_days_ago:%a} {two_days_ago:%b} {two_days_ago.day}", "1", "$86.40", "$0.00"]
    ]
    assert _table(page, "status") == [["Paid", "2"], ["Cancelled", "1"], ["Returned", "1"]]
    top = staff_api.get("/api/staff/reports/top-products").json()
    assert (
        _table(page, "top-products")
        == [[p["name"], str(p["units"]), f"${p['revenue']}"] for p in top]
        == [["Trail Boots", "1", "$80.00"], ["Wool Socks", "4", "$50.00"]]
    )
    assert _table(page, "categories") == [["Shoes", "1", "$80.00"], ["Socks", "4", "$50.00"]]
    assert _table(page, "stock") == [
        ["Out of stock", "0"],
        ["Low (under 10)", "0"],
        ["In stock", "2"],
        ["Low-stock alerts open", "0"],
    ]
    assert _table(page, "returns") == [["1", "1", "100.0%"]]


def test_an_empty_shop(client, superuser):
    client.force_login(superuser)
    page = client.get(DASHBOARD).content.decode()
    assert page.count('<svg class="chart ') == 7 and "Nothing in this period." in page
    assert 'kpi-value">$0.00<' in page


def test_labels_are_escaped(client, staff_user, shopper):
    odd = builders.product('<script>alert(1)</script> & "Co"', price="5.00", category_name="A&B")
    shopper.buy((odd, 1), paid_at=timezone.now())
    client.force_login(staff_user)
    page = client.get(DASHBOARD).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;" in page
    assert "A&amp;B" in page


def test_charts_escape_what_they_are_given():
    evil = "<b>&'\""
    for chart in (
        bars([evil], [1], title=evil, desc=evil),
        donut([Segment(evil, 1, "tone-red")], title=evil, desc=evil, total_label=evil),
        stacked([Segment(evil, 1, '"><script>')], title=evil, desc=evil),
    ):
        assert "<b>" not in chart and "<script>" not in chart and "&lt;b&gt;&amp;" in chart


def test_others_are_sent_to_the_admin_sign_in(client, user):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/dashboard/"
    client.force_login(user)
    assert client.get(DASHBOARD)["Location"] == "/admin/login/?next=/admin/dashboard/"


def test_one_query_per_figure(client, superuser, recent, django_assert_num_queries):
    client.force_login(superuser)
    client.get(DASHBOARD)  # the storefront's navigation, which every page has, is cached now
    # The session, the user and the cart count of the storefront's header (context processors
    # every page runs); then one query per figure: sales, orders by status, top products,
    # revenue by category, stock health, returns rate.
    with django_assert_num_queries(3 + 6):
        assert client.get(DASHBOARD).status_code == 200


def test_the_admin_index_links_to_the_dashboard(client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/").content.decode()
    assert 'href="/admin/dashboard/"' in page and "Open the dashboard" in page
    assert "Recent actions" in page  # the admin's own index is still there

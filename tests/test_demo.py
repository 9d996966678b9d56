"""`manage.py seed_demo`: the logins, the catalog, coupons and Jane at Gold, months of orders;
safe to rerun; on PostgreSQL a catalog bulk-loaded by COPY that the shop searches, lists and
sells."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Min, Sum
from django.utils import timezone

from accounts.demo import DEMO_LOGINS
from accounts.models import User
from cart.pricing import cents
from catalog.models import Product, ProductVariant, StockLevel
from loyalty import services as loyalty
from loyalty.models import Coupon
from orders.models import Order, OrderItem, Refund
from reports import queries
from tests.catalog import builders
from tests.conftest import full_mode_only

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_everything_once(capsys):
    call_command("seed_demo", "--if-empty", "--products", "12")
    call_command("seed_demo", "--if-empty", "--products", "12")
    out = capsys.readouterr().out
    assert "already has 12 products; none added" in out
    assert Product.objects.count() == 12
    # The demo logins once each (the demo's reviewers have accounts of their own).
    shown = [login.username for login in DEMO_LOGINS]
    assert User.objects.filter(username__in=shown).count() == len(DEMO_LOGINS)
    for login in DEMO_LOGINS:
        assert login.email in out and login.password in out
        assert User.objects.get(email=login.email).check_password(login.password)
    assert User.objects.get(email="admin@example.com").is_staff
    assert User.objects.get(username="john").addresses.count() == 1
    assert set(Coupon.objects.values_list("code", flat=True)) == {"WELCOME10", "SAVE5", "GOLD20"}
    jane = loyalty.profile(User.objects.get(username="jane"))
    assert jane["tier"] == "gold" and jane["points"] == 1500


def test_the_demo_has_months_of_orders_for_the_dashboard():
    """seed_demo gives the demo shop a few months of orders so the dashboard has something to
    show: busier lately, in every state an order can be in, refunds and all."""
    call_command("seed_demo", "--products", "40", stdout=StringIO())
    history = Order.objects.filter(user__username__startswith="customer")
    assert history.count() > 1000
    assert timezone.now() - history.aggregate(first=Min("paid_at"))["first"] > timedelta(days=110)
    months = {(paid.year, paid.month) for paid in history.values_list("paid_at", flat=True)}
    assert len(months) >= 4
    statuses = set(history.values_list("status", flat=True))
    assert {"delivered", "shipped", "cancelled", "returned"} <= statuses
    assert statuses & {"paid", "processing"}
    # Busier lately: the last 30 days sold more than the 30 days three months before them.
    today = timezone.localdate()
    last = queries.sales(dates=queries.DateRange.last(30)).totals
    earlier = queries.DateRange(today - timedelta(days=119), today - timedelta(days=90))
    assert last["orders"] > queries.sales(dates=earlier).totals["orders"] * 1.5
    assert last["refunds"] > 0

    # Money adds up: each order's lines make its subtotal; refunds are what orders gave back.
    def total(rows, column):  # SQLite sums decimals as floats
        return cents(rows.aggregate(total=Sum(column))["total"])

    lines = OrderItem.objects.filter(order__in=history)
    assert total(lines, "subtotal") == total(history, "subtotal")
    refunds = Refund.objects.filter(order__in=history)
    assert total(refunds, "amount") == total(history, "refunded_total")
    # John and Jane keep their one order each.
    assert Order.objects.filter(user__username__in=["john", "jane"]).count() == 2


def _catalog_schema() -> list[str]:
    """The catalog tables' indexes and constraints, as PostgreSQL would make them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'catalog%%'"
            " UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid::regclass::text LIKE 'catalog%%'"
        )
        return sorted(row[0] for row in cursor.fetchall())


@full_mode_only
def test_a_catalog_loaded_by_copy_is_searched_listed_and_sold(
    api, user_api, django_capture_on_commit_callbacks
):
    """PostgreSQL's bulk load: COPY, with the indexes and foreign keys made again after it."""
    schema = _catalog_schema()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--products", "300", stdout=out)
    assert "Catalog products: " in out.getvalue() and "(300 products)" in out.getvalue()
    assert _catalog_schema() == schema

    variant = ProductVariant.objects.filter(stock__gt=0).select_related("product").first()
    product = variant.product
    levels = StockLevel.objects.filter(variant__product=product)
    assert product.stock == sum(level.quantity for level in levels) > 0

    found = api.get("/api/products/search", {"q": product.name}).json()["results"]
    assert product.pk in [p["id"] for p in found]
    listed = api.get(
        "/api/products",
        {"category": product.category.slug, "brand": product.brand.slug, "limit": 100},
    ).json()["results"]
    [card] = [p for p in listed if p["id"] == product.pk]
    assert card["stock"] == product.stock

    response = user_api.post(
        "/api/cart/items",
        {"product_id": product.pk, "quantity": 1, "color": variant.color, "size": variant.size},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["variant_id"] == variant.pk

    # The id sequences were moved past the loaded rows: the shop's own inserts still work.
    added = builders.product("Added After The Load", variants=[("Red", "M", 3)])
    assert added.pk > product.pk and added.stock == 3


def test_an_order_placed_moments_ago_is_not_drawn_before_its_payment():
    """seed_demo run seconds after a drawn order time must not draw that order: its payment
    would come after now (seed_demo failed with an IndexError when it did)."""
    import random

    from orders.demo import PAYMENT_SECONDS, _History

    later = timezone.now().replace(hour=23, minute=59)
    drawn = _History(random.Random(3), later, None, []).placed_times()
    today = [t for t in drawn if timezone.localdate(t) == timezone.localdate(later)]
    moment_ago = today[0] + timedelta(seconds=PAYMENT_SECONDS[1] // 2)
    # Drawn again from the same seed, "now" a few seconds after one of the day's orders.
    again = _History(random.Random(3), moment_ago, None, []).placed_times()
    assert today[0] not in again
    assert all(t + timedelta(seconds=PAYMENT_SECONDS[1]) < moment_ago for t in again)

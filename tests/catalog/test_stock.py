"""Stock: one service changes it, totals stay right, changes are announced after commit only,
and the staff API and inventory endpoint show it by location."""

import pytest
from django.db import IntegrityError, transaction

from catalog import stock
from catalog.models import Product, ProductVariant, StockLevel
from tests.catalog import builders
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db):
    return {
        "warehouse": builders.location("Central Warehouse", "warehouse", "Reno"),
        "downtown": builders.location("Downtown Store", "store", "San Francisco"),
        "harbor": builders.location("Harbor Store", "store", "Seattle"),
    }


@pytest.fixture
def runner(places):
    return builders.product(
        "Trail Runner",
        variants=[
            ("Red", "9", {places["warehouse"]: 10, places["downtown"]: 2}),
            ("Red", "10", {places["warehouse"]: 0, places["harbor"]: 5}),
        ],
    )


@pytest.fixture
def announced():
    changes = []

    def receiver(sender, change, **kwargs):
        changes.append(change)

    stock.stock_changed.connect(receiver)
    yield changes
    stock.stock_changed.disconnect(receiver)


def test_setting_a_level_keeps_variant_and_product_totals(
    runner, places, announced, django_capture_on_commit_callbacks
):
    variant = runner.variants.get(size="9")
    with django_capture_on_commit_callbacks(execute=True):
        change = stock.set_stock_level(
            sku=variant.sku, location_id=places["downtown"].pk, quantity=7
        )
    assert (change.new_quantity, change.variant_stock, change.product_stock) == (7, 17, 22)
    variant.refresh_from_db()
    runner.refresh_from_db()
    assert (variant.stock, runner.stock) == (17, 22)
    [event] = announced
    assert (event.product_id, event.sku, event.location, event.new_quantity) == (
        runner.pk,
        variant.sku,
        "Downtown Store",
        7,
    )


def test_a_new_location_gets_a_level(runner, places):
    variant = runner.variants.get(size="10")
    stock.set_stock_level(sku=variant.sku, location_id=places["downtown"].pk, quantity=3)
    assert StockLevel.objects.get(variant=variant, location=places["downtown"]).quantity == 3
    runner.refresh_from_db()
    assert runner.stock == 20


def test_a_rolled_back_change_is_never_announced(
    runner, places, announced, django_capture_on_commit_callbacks
):
    variant = runner.variants.get(size="9")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        stock.set_stock_level(sku=variant.sku, location_id=places["warehouse"].pk, quantity=1)
        raise RuntimeError("payment failed")
    assert announced == []
    variant.refresh_from_db()
    assert variant.stock == 12


def test_stock_can_never_go_below_zero(runner, places):
    variant = runner.variants.get(size="9")
    with pytest.raises(stock.InsufficientStock):
        stock.set_stock_level(sku=variant.sku, location_id=places["warehouse"].pk, quantity=-1)
    # The database refuses it too, whoever asks.
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(variant=variant).update(quantity=-1)


def test_recount_repairs_totals(runner):
    Product.objects.filter(pk=runner.pk).update(stock=999)
    ProductVariant.objects.filter(product=runner).update(stock=0)
    stock.recount_totals()
    runner.refresh_from_db()
    assert runner.stock == 17


def test_inventory_by_location(api, runner, places):
    body = api.get(f"/api/products/inventory/{runner.pk}").json()
    assert body["product_id"] == runner.pk
    assert body["warehouse"]["quantity"] == 10
    assert [loc["name"] for loc in body["warehouse"]["locations"]] == ["Central Warehouse"]
    assert sorted((s["name"], s["city"], s["quantity"]) for s in body["stores"]) == [
        ("Downtown Store", "San Francisco", 2),
        ("Harbor Store", "Seattle", 5),
    ]
    assert (body["total_available"], body["stock_status"]) == (17, "in_stock")
    assert body["updated_at"]


def test_inventory_of_one_variant(api, runner, places):
    variant = runner.variants.get(size="10")
    body = api.get(f"/api/products/inventory/{runner.pk}", {"variant_id": variant.pk}).json()
    assert (body["variant_id"], body["total_available"], body["stock_status"]) == (
        variant.pk,
        5,
        "low_stock",
    )
    assert body["warehouse"]["quantity"] == 0


def test_inventory_errors(api, runner, other_user):
    other = builders.product("Other Thing")
    other_variant = other.variants.first()
    response = api.get(f"/api/products/inventory/{runner.pk}", {"variant_id": other_variant.pk})
    assert response.status_code == 400 and "variant_id" in response.json()["error"]["details"]
    assert api.get("/api/products/inventory/999999").status_code == 404
    assert api.get("/api/products/inventory/abc").status_code == 404


# Staff API


@pytest.fixture
def staff_api(django_user_model):
    staff = django_user_model.objects.create_user(
        "clerk", "clerk@example.com", "clerk-pass-2026", is_staff=True
    )
    return bearer_client(staff)


def test_staff_set_stock_and_list_locations(
    staff_api, runner, places, announced, django_capture_on_commit_callbacks
):
    variant = runner.variants.get(size="9")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.put(
            "/api/staff/stock",
            {"sku": variant.sku, "location_id": places["harbor"].pk, "quantity": 4},
            format="json",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["quantity"], body["variant_stock"], body["product_stock"]) == (4, 16, 21)
    assert len(announced) == 1

    locations = staff_api.get("/api/staff/locations").json()
    assert {(loc["name"], loc["kind"], loc["city"]) for loc in locations} == {
        ("Central Warehouse", "warehouse", "Reno"),
        ("Downtown Store", "store", "San Francisco"),
        ("Harbor Store", "store", "Seattle"),
    }


def test_staff_stock_errors(staff_api, runner, places):
    variant = runner.variants.first()
    unknown = staff_api.put(
        "/api/staff/stock",
        {"sku": "NOPE", "location_id": places["harbor"].pk, "quantity": 1},
        format="json",
    )
    assert unknown.status_code == 404
    negative = staff_api.put(
        "/api/staff/stock",
        {"sku": variant.sku, "location_id": places["harbor"].pk, "quantity": -3},
        format="json",
    )
    assert negative.status_code == 400 and "quantity" in negative.json()["error"]["details"]
    nowhere = staff_api.put(
        "/api/staff/stock",
        {"sku": variant.sku, "location_id": 999999, "quantity": 1},
        format="json",
    )
    assert nowhere.status_code == 404


def test_staff_api_is_for_staff_only(api, user_api, runner, places):
    body = {"sku": runner.variants.first().sku, "location_id": places["harbor"].pk, "quantity": 50}
    assert api.put("/api/staff/stock", body, format="json").status_code == 401
    refused = user_api.put("/api/staff/stock", body, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert user_api.get("/api/staff/locations").status_code == 403
    runner.refresh_from_db()
    assert runner.stock == 17

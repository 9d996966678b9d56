import pytest

from catalog import demo, stock
from catalog.models import Brand, Category, Product, ProductVariant, StockLevel, StockLocation
from tests.catalog import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-2026")
    )
    return client


def test_admin_finds_low_stock_products_and_searches_by_sku(staff_client):
    builders.product("Plenty Thing", variants=[("", "", 50)])
    low = builders.product("Scarce Thing", variants=[("", "", 3)])
    page = staff_client.get(
        "/admin/catalog/product/", {"stock_status": "low_stock"}
    ).content.decode()
    assert "Scarce Thing" in page and "Plenty Thing" not in page
    sku = low.variants.first().sku
    assert (
        "Scarce Thing" in staff_client.get("/admin/catalog/product/", {"q": sku}).content.decode()
    )


def test_admin_stock_edits_go_through_the_stock_service(
    staff_client, django_capture_on_commit_callbacks
):
    item = builders.product("Restock Me", variants=[("Red", "M", 2)])
    variant = item.variants.first()
    level = StockLevel.objects.get(variant=variant)
    announced = []
    stock.stock_changed.connect(
        lambda sender, change, **kw: announced.append(change), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                "/admin/catalog/stocklevel/",
                {
                    "form-TOTAL_FORMS": "1",
                    "form-INITIAL_FORMS": "1",
                    "form-MIN_NUM_FORMS": "0",
                    "form-MAX_NUM_FORMS": "1000",
                    "form-0-id": str(level.pk),
                    "form-0-quantity": "40",
                    "_save": "Save",
                },
            )
        assert response.status_code == 302
    finally:
        stock.stock_changed.disconnect(dispatch_uid="t")
    item.refresh_from_db()
    assert item.stock == 40
    assert [(c.sku, c.new_quantity) for c in announced] == [(variant.sku, 40)]


def test_admin_variant_page_restocks_a_store(staff_client):
    item = builders.product("Store Item", variants=[("Red", "M", 2)])
    variant = item.variants.first()
    store = builders.location("Harbor Store", "store", "Seattle")
    warehouse_level = StockLevel.objects.get(variant=variant)
    response = staff_client.post(
        f"/admin/catalog/productvariant/{variant.pk}/change/",
        {
            "product": item.pk,
            "sku": variant.sku,
            "color": "Red",
            "size": "M",
            "price_override": "",
            "position": "0",
            "stock_levels-TOTAL_FORMS": "2",
            "stock_levels-INITIAL_FORMS": "1",
            "stock_levels-MIN_NUM_FORMS": "0",
            "stock_levels-MAX_NUM_FORMS": "1000",
            "stock_levels-0-id": str(warehouse_level.pk),
            "stock_levels-0-variant": str(variant.pk),
            "stock_levels-0-location": str(warehouse_level.location_id),
            "stock_levels-0-quantity": "2",
            "stock_levels-1-variant": str(variant.pk),
            "stock_levels-1-location": str(store.pk),
            "stock_levels-1-quantity": "12",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.stock == 14
    assert StockLevel.objects.get(variant=variant, location=store).quantity == 12


def test_demo_catalog_is_realistic_and_deterministic():
    made = demo.seed_catalog(products=60, seed=7)
    assert made == 60 == Product.objects.count()
    assert Category.objects.filter(parent__isnull=False).count() >= 8
    assert Brand.objects.count() >= 20
    kinds = sorted(StockLocation.objects.values_list("kind", flat=True))
    assert kinds == ["store", "store", "store", "warehouse"]
    shoe = ProductVariant.objects.filter(product__category__parent__slug="shoes").first()
    assert shoe.size.isdigit()
    assert (
        not ProductVariant.objects.filter(product__category__parent__slug="electronics")
        .exclude(size="")
        .exists()
    )
    statuses = {p.stock_status for p in Product.objects.all()}
    assert {"in_stock", "low_stock"} <= statuses or {"in_stock", "out_of_stock"} <= statuses
    assert StockLevel.objects.filter(quantity=0).exists()
    for product in Product.objects.all()[:10]:
        assert product.stock == sum(
            StockLevel.objects.filter(variant__product=product).values_list("quantity", flat=True)
        )
        assert product.images.first().url.endswith(".svg")

    fingerprint = list(Product.objects.order_by("slug").values_list("name", "price", "stock"))
    Product.objects.all().delete()
    demo.seed_catalog(products=60, seed=7)
    assert (
        list(Product.objects.order_by("slug").values_list("name", "price", "stock")) == fingerprint
    )

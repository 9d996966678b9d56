"""Catalog import and export in the admin, as staff use it: Import on the Product list, a file
and its format, a dry-run preview (each bad row's problems, nothing written), Confirm; Export
of the catalog in the same format."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from catalog import imports, response_cache, stock
from catalog.models import Brand, Product, ProductVariant, StockLevel
from tests.catalog import builders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/catalog/product/import/"
CONFIRM_URL = "/admin/catalog/product/process_import/"
EXPORT_URL = "/admin/catalog/product/export/"
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the admin's format choices, in ProductAdmin's order

HEADER = [
    "product_slug",
    "product_name",
    "description",
    "category",
    "brand",
    "price",
    "active",
    "sku",
    "color",
    "size",
    "variant_price",
    "stock:Central Warehouse",
    "stock:Downtown Store",
]
LAMP = ["desk-lamp", "Desk Lamp", "A warm light.", "gadgets", "Acme", "35.00", "yes"]
GOOD_ROWS = [
    [*LAMP, "LAMP-BLK", "Black", "", "", "12", "3"],
    ["desk-lamp", "", "", "", "", "", "", "LAMP-WHT", "White", "", "39.50", "4", ""],
    ["wall-clock", "Wall Clock", "", "Gadgets", "acme", "20", "no", "CLOCK-1", "", "", "", "7", ""],
]


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def shop(db):
    """What the files refer to: two locations, a category, a brand, and another product."""
    warehouse = builders.location("Central Warehouse", "warehouse", "Reno")
    store = builders.location("Downtown Store", "store", "San Francisco")
    builders.category("Gadgets")
    builders.brand("Acme")
    other = builders.product("Kettle", variants=[("Steel", "", {warehouse: 5})])
    return {"warehouse": warehouse, "store": store, "other": other}


def csv_upload(rows, *, header=HEADER, bom=False, name="catalog.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return SimpleUploadedFile(name, (("\ufeff" if bom else "") + out.getvalue()).encode())


def xlsx_upload(rows, *, header=HEADER) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("catalog.xlsx", out.getvalue())


def preview(client, upload, file_format=CSV_FORMAT):
    response = client.post(IMPORT_URL, {"import_file": upload, "format": file_format})
    assert response.status_code == 200
    return response


def confirm(client, page):
    assert "confirm_form" in page.context, page.content.decode()[-3000:]
    form = page.context["confirm_form"]
    fields = ("import_file_name", "original_file_name", "format", "resource")
    return client.post(CONFIRM_URL, {name: form.initial[name] for name in fields}, follow=True)


def problems_of(page) -> dict[int, dict[str, list[str]]]:
    """{line: {column: problems}} as the preview lists them (the header is line 1)."""
    return {row.number + 1: row.error_dict for row in page.context["result"].invalid_rows}


def catalog_state():
    """Everything an import may write, to compare before and after."""
    return (
        list(Product.objects.order_by("pk").values()),
        list(ProductVariant.objects.order_by("pk").values()),
        list(StockLevel.objects.order_by("pk").values("variant_id", "location_id", "quantity")),
    )


@pytest.fixture
def announced():
    """The stock changes catalog.stock announces (after commit)."""
    changes = []
    stock.stock_changed.connect(
        lambda sender, change, **kw: changes.append(change), weak=False, dispatch_uid="imports"
    )
    yield changes
    stock.stock_changed.disconnect(dispatch_uid="imports")


def test_the_product_list_offers_import_and_export(staff_client, shop):
    page = staff_client.get("/admin/catalog/product/").content.decode()
    assert IMPORT_URL in page and EXPORT_URL in page
    form = staff_client.get(IMPORT_URL).content.decode()
    assert "stock:&lt;location name&gt;" in form and 'name="import_file"' in form


def test_one_bad_row_is_shown_and_nothing_is_written_then_the_fixed_file_imports(
    staff_client, shop, announced, django_capture_on_commit_callbacks
):
    before = catalog_state()
    bad = [*GOOD_ROWS[:2], [*GOOD_ROWS[2][:5], "twenty", *GOOD_ROWS[2][6:]]]
    with django_capture_on_commit_callbacks(execute=True):
        page = preview(staff_client, csv_upload(bad))
    html = page.content.decode()
    assert "confirm_form" not in page.context  # nothing to confirm while a row is wrong
    assert "Nothing was imported: 1 row with problems" in html
    assert problems_of(page) == {4: {"price": ["'twenty' is not a price: write it like 19.99."]}}
    assert "&#x27;twenty&#x27; is not a price" in html
    assert catalog_state() == before and announced == []

    page = preview(staff_client, csv_upload(GOOD_ROWS))
    assert "Confirming writes: 2 products created, 0 updated; 3 variants created" in (
        page.content.decode()
    )
    assert catalog_state() == before  # a preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(staff_client, page)
    assert done.redirect_chain[-1][0] == "/admin/catalog/product/"
    assert (
        "Import finished: 2 products created, 0 updated; 3 variants created, 0 updated; "
        "4 stock levels set." in done.content.decode()
    )

    lamp = Product.objects.get(slug="desk-lamp")
    assert (lamp.name, lamp.description, lamp.category.slug, lamp.brand.name) == (
        "Desk Lamp",
        "A warm light.",
        "gadgets",
        "Acme",
    )
    assert (lamp.price, lamp.is_active, lamp.stock) == (Decimal("35.00"), True, 19)
    assert [
        (v.sku, v.color, v.price_override, v.position, v.stock) for v in lamp.variants.all()
    ] == [
        ("LAMP-BLK", "Black", None, 0, 15),
        ("LAMP-WHT", "White", Decimal("39.50"), 1, 4),
    ]
    clock = Product.objects.get(slug="wall-clock")
    assert (clock.price, clock.is_active, clock.stock) == (Decimal("20.00"), False, 7)
    assert "Black" in lamp.search_extra and "Acme" in lamp.search_extra  # indexed for search
    # Every level set through the stock service, announced once committed.
    assert sorted((c.sku, c.location, c.new_quantity) for c in announced) == [
        ("CLOCK-1", "Central Warehouse", 7),
        ("LAMP-BLK", "Central Warehouse", 12),
        ("LAMP-BLK", "Downtown Store", 3),
        ("LAMP-WHT", "Central Warehouse", 4),
    ]


def test_an_xlsx_file_imports(staff_client, shop):
    rows = [[*LAMP[:5], 35, True, "LAMP-BLK", "Black", None, None, 12.0, None]]
    page = preview(staff_client, xlsx_upload(rows), XLSX_FORMAT)
    confirm(staff_client, page)
    lamp = Product.objects.get(slug="desk-lamp")
    assert (lamp.price, lamp.is_active, lamp.stock) == (Decimal("35.00"), True, 12)
    assert lamp.variants.get().sku == "LAMP-BLK"


def test_a_csv_with_a_byte_order_mark_imports(staff_client, shop):
    page = preview(staff_client, csv_upload(GOOD_ROWS, bom=True))
    confirm(staff_client, page)
    assert Product.objects.filter(slug__in=["desk-lamp", "wall-clock"]).count() == 2
    # Read without the admin's decoding, the mark is part of the first header and still fine.
    read = imports.read_catalog(headers=["\ufeffproduct_slug", *HEADER[1:]], rows=GOOD_ROWS)
    assert read.is_valid


def test_a_missing_column_is_named(staff_client, shop):
    header = [name for name in HEADER if name != "price"]
    rows = [[cell for name, cell in zip(HEADER, row) if name != "price"] for row in GOOD_ROWS]
    page = preview(staff_client, csv_upload(rows, header=header))
    html = page.content.decode()
    assert "confirm_form" not in page.context
    assert "Nothing can be imported from this file" in html
    assert "The file has no &#x27;price&#x27; column" in html
    assert "Traceback" not in html


def test_an_unknown_column_or_location_is_named(staff_client, shop):
    header = [*HEADER[:-1], "stock:Moon Base", "colour"]
    rows = [[*row, ""] for row in GOOD_ROWS]
    html = preview(staff_client, csv_upload(rows, header=header)).content.decode()
    assert "there is no stock location called &#x27;Moon Base&#x27;" in html
    assert "Unknown column &#x27;colour&#x27;" in html


def test_duplicate_skus_in_the_file_and_of_another_product_are_refused(staff_client, shop):
    kettle_sku = shop["other"].variants.get().sku
    rows = [
        GOOD_ROWS[0],
        ["desk-lamp", "", "", "", "", "", "", "LAMP-BLK", "Grey", "", "", "", ""],
        ["desk-lamp", "", "", "", "", "", "", kettle_sku, "Red", "", "", "", ""],
    ]
    before = catalog_state()
    page = preview(staff_client, csv_upload(rows))
    assert problems_of(page) == {
        3: {"sku": ["SKU LAMP-BLK is also on line 2."]},
        4: {
            "sku": [f"SKU {kettle_sku} belongs to another product: Kettle ({shop['other'].slug})."]
        },
    }
    assert catalog_state() == before


def test_bad_prices_are_refused(staff_client, shop):
    rows = [
        [*LAMP[:5], "-3", "yes", "LAMP-BLK", "Black", "", "", "", ""],
        ["lamp-2", "Lamp 2", "", "gadgets", "Acme", "1.999", "", "L2", "", "", "", "", ""],
        ["lamp-3", "Lamp 3", "", "gadgets", "Acme", "", "", "L3", "", "", "4,50", "", ""],
    ]
    assert problems_of(preview(staff_client, csv_upload(rows))) == {
        2: {"price": ["'-3': a price can't be negative."]},
        3: {"price": ["'1.999': a price has at most two decimals."]},
        4: {
            "price": ["A price is required."],
            "variant_price": ["'4,50' is not a price: write it like 19.99."],
        },
    }
    assert not Product.objects.filter(slug__startswith="lamp").exists()


def test_unknown_categories_and_brands_are_refused(staff_client, shop):
    rows = [
        [*LAMP[:3], "Gadgetz", "Acme", "35", "yes", "LAMP-BLK", "", "", "", "", ""],
        ["lamp-2", "Lamp 2", "", "gadgets", "Acmee", "35", "", "L2", "", "", "", "", ""],
    ]
    assert problems_of(preview(staff_client, csv_upload(rows))) == {
        2: {
            "category": [
                (
                    "Unknown category 'Gadgetz': no category has that slug or name. "
                    "Did you mean 'Gadgets'?"
                )
            ]
        },
        3: {
            "brand": ["Unknown brand 'Acmee': no brand has that name or slug. Did you mean 'Acme'?"]
        },
    }


def test_a_products_rows_must_agree_and_stock_must_be_whole_units(staff_client, shop):
    rows = [
        [*LAMP, "LAMP-BLK", "Black", "", "", "12", ""],
        ["desk-lamp", "", "", "", "", "36", "", "LAMP-WHT", "White", "", "", "-1", "2.5"],
        ["desk-lamp", "", "", "", "", "", "", "LAMP-RED", "Black", "", "", "", ""],
    ]
    assert problems_of(preview(staff_client, csv_upload(rows))) == {
        3: {
            "price": [
                (
                    "Differs from line 2, the product's first row (35.00): leave it blank or "
                    "repeat that value."
                )
            ],
            "stock:Central Warehouse": ["'-1': stock can't be negative."],
            "stock:Downtown Store": ["'2.5' is not a whole number of units."],
        },
        4: {
            "__all__": [
                "Line 2 has a variant of this product with the same colour and size (Black / none)."
            ]
        },
    }


def test_an_update_previews_its_changes_then_writes_them(
    staff_client, shop, announced, django_capture_on_commit_callbacks
):
    kettle = shop["other"]
    sku = kettle.variants.get().sku
    version = response_cache.catalog_version()
    rows = [
        [
            kettle.slug,
            "Kettle",
            "",
            "gadgets",
            "Acme",
            "12.00",
            "yes",
            sku,
            "Steel",
            "",
            "",
            "9",
            "",
        ],
        [kettle.slug, "", "", "", "", "", "", "KETTLE-RED", "Red", "", "", "", "1"],
    ]
    page = preview(staff_client, csv_upload(rows))
    html = page.content.decode()
    assert "<del>10.00</del> <ins>12.00</ins>" in html and "<del>5</del> <ins>9</ins>" in html
    assert "Confirming writes: 0 products created, 1 updated; 1 variants created" in html
    with django_capture_on_commit_callbacks(execute=True):
        confirm(staff_client, page)
    kettle.refresh_from_db()
    assert (kettle.price, kettle.stock) == (Decimal("12.00"), 10)
    assert list(kettle.variants.values_list("sku", "color", "position")) == [
        (sku, "Steel", 0),
        ("KETTLE-RED", "Red", 1),
    ]
    assert "Red" in kettle.search_extra
    assert response_cache.catalog_version() != version  # cached answers are forgotten
    assert sorted((c.sku, c.new_quantity) for c in announced) == [("KETTLE-RED", 1), (sku, 9)]


def test_a_failure_while_writing_leaves_nothing_half_imported(
    staff_client, shop, announced, monkeypatch, django_capture_on_commit_callbacks
):
    page = preview(staff_client, csv_upload(GOOD_ROWS))
    before = catalog_state()
    set_level = stock.set_stock_level
    calls = []

    def lose_the_connection_on_the_third_level(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise OperationalError("server closed the connection unexpectedly")
        return set_level(**kwargs)

    monkeypatch.setattr(stock, "set_stock_level", lose_the_connection_on_the_third_level)
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(staff_client, page)
    assert len(calls) == 3  # products, variants and two levels were written, then rolled back
    assert done.redirect_chain[-1][0] == IMPORT_URL
    assert "Nothing was imported: server closed the connection unexpectedly." in (
        done.content.decode()
    )
    assert catalog_state() == before and announced == []


def test_confirm_checks_the_file_again(staff_client, shop):
    page = preview(staff_client, csv_upload(GOOD_ROWS))
    builders.product("Clock Radio", variants=[("", "", 1)])
    ProductVariant.objects.filter(product__name="Clock Radio").update(sku="CLOCK-1")
    before = catalog_state()
    done = confirm(staff_client, page)
    assert done.redirect_chain[-1][0] == IMPORT_URL
    assert "Nothing was imported: line 4 sku: SKU CLOCK-1 belongs to another product" in (
        done.content.decode()
    )
    assert catalog_state() == before


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
def test_importing_an_export_changes_nothing(
    staff_client, shop, file_format, announced, django_capture_on_commit_callbacks
):
    warehouse, store = shop["warehouse"], shop["store"]
    builders.product(
        "Rain Jacket",
        price="60.00",
        variants=[("Navy", "M", {warehouse: 2, store: 3}), ("Navy", "L", {store: 0})],
    )
    ProductVariant.objects.filter(sku__startswith="T-", color="Navy", size="L").update(
        price_override=Decimal("64.99")
    )
    builders.product("Old Stock", is_active=False, description='Line one.\nLine two, "quoted".')
    Product.objects.create(
        name="Coming Soon",
        slug="coming-soon",
        category=builders.category("Gadgets"),
        brand=Brand.objects.get(name="Acme"),
        price=Decimal("5.00"),
    )
    exported = staff_client.post(EXPORT_URL, {"format": file_format})
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith('attachment; filename="Product-')
    before = catalog_state()

    name = "catalog.csv" if file_format == CSV_FORMAT else "catalog.xlsx"
    page = preview(staff_client, SimpleUploadedFile(name, exported.content), file_format)
    assert "The file matches the catalog: confirming changes nothing." in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(staff_client, page)
    assert "Import finished: 0 products created, 0 updated; 0 variants created, 0 updated; " in (
        done.content.decode()
    )
    assert catalog_state() == before and announced == []


def test_the_export_has_every_product_and_its_stock(staff_client, shop):
    warehouse, store = shop["warehouse"], shop["store"]
    jacket = builders.product("Rain Jacket", price="60.00", variants=[("Navy", "M", {store: 3})])
    exported = staff_client.post(EXPORT_URL, {"format": CSV_FORMAT})
    text = exported.content.decode("utf-8")
    assert text.startswith("\ufeffproduct_slug,")  # so spreadsheet programs read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["product_slug"] for row in rows] == [shop["other"].slug, jacket.slug]
    jacket_row = rows[1]
    assert {key: jacket_row[key] for key in ("category", "brand", "price", "active", "color")} == {
        "category": "gadgets",
        "brand": "Acme",
        "price": "60.00",
        "active": "yes",
        "color": "Navy",
    }
    assert (jacket_row[f"stock:{warehouse.name}"], jacket_row[f"stock:{store.name}"]) == ("0", "3")


def test_the_export_costs_the_same_queries_for_more_products(staff_client, shop):
    def queries_of_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.post(EXPORT_URL, {"format": CSV_FORMAT}).status_code == 200
        return len(queries)

    few = queries_of_export()
    for number in range(8):
        builders.product(f"Thing {number}", variants=[("Red", "", 1), ("Blue", "", 2)])
    assert queries_of_export() == few


def test_staff_without_product_rights_cannot_import(client, shop):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get(IMPORT_URL).status_code == 403

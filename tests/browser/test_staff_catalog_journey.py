"""Staff looking after the catalog, in Chromium against the live shop: a photo uploaded in the
admin shows on the storefront; a catalog file with one bad row is previewed, refused and
nothing written; the fixed file is imported; the dashboard shows how the shop is doing."""

import csv
import io
import json
import re
import urllib.error
import urllib.request

from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.test_staff_journey import _admin_sign_in

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
]


def _product_page_status(live_shop, slug: str) -> int:
    try:
        with urllib.request.urlopen(f"{live_shop.url}/p/{slug}/", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _catalog_file(path, *, brand: str, category: str, good_brand: str) -> None:
    """Two products; the second row names ``brand`` (unknown in the bad file)."""
    rows = [
        ["trail-lantern", "Trail Lantern", "Bright and light.", category, good_brand, "29.00"]
        + ["yes", "LANTERN-GRN", "Green", "", "", "14"],
        ["trail-lantern", "", "", "", "", "", "", "LANTERN-ORG", "Orange", "", "", "6"],
        ["camp-mug", "Camp Mug", "Enamel, 350 ml.", category, brand, "12.50", "yes"]
        + ["MUG-1", "", "", "", "9"],
    ]
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    path.write_text(out.getvalue())


def _upload_photo(page: Page, live_shop, tmp_path) -> str:
    photo = tmp_path / "lantern.jpg"
    Image.new("RGB", (900, 700), (30, 120, 200)).save(photo, "JPEG")
    products = json.loads(urllib.request.urlopen(f"{live_shop.url}/api/products?limit=1").read())[
        "results"
    ]
    product = products[0]
    page.goto(f"/admin/catalog/product/{product['id']}/change/")
    page.get_by_text("Add another Product image").click()
    # The new row: the last form row of the images inline, not its hidden template.
    row = page.locator("tr.dynamic-images:not(.empty-form)").last
    row.locator("input[type=file]").set_input_files(str(photo))
    row.locator("input[name$=alt_text]").fill("A blue test photo")
    row.locator("input[name$=position]").fill("0")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    return product["slug"]


def test_staff_add_a_photo_import_a_catalog_and_read_the_dashboard(new_page, live_shop, tmp_path):
    page = new_page()
    _admin_sign_in(page)

    # A photo uploaded in the admin is on the product's page, with its renditions.
    slug = _upload_photo(page, live_shop, tmp_path)
    shopper = new_page()
    shopper.goto(f"/p/{slug}/")
    photo = shopper.locator("img[alt='A blue test photo']").first
    expect(photo).to_be_visible()
    assert "/media/" in photo.get_attribute("src")
    assert ".webp" in (photo.get_attribute("srcset") or "")
    assert shopper.evaluate("(img) => img.naturalWidth", photo.element_handle()) > 0

    # A catalog file with one bad row: the preview names it, and nothing is written.
    category = json.loads(urllib.request.urlopen(f"{live_shop.url}/api/categories").read())[0]
    brand = json.loads(urllib.request.urlopen(f"{live_shop.url}/api/brands").read())[0]
    bad = tmp_path / "catalog-bad.csv"
    _catalog_file(bad, brand="No Such Brand", category=category["slug"], good_brand=brand["name"])
    page.goto("/admin/catalog/product/")
    page.get_by_role("link", name="Import").click()
    page.locator("input[type=file][name=import_file]").set_input_files(str(bad))
    page.locator("select[name=format]").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    problems = page.locator("table.import-preview")
    expect(problems).to_contain_text("No Such Brand")
    expect(
        page.get_by_text(re.compile(r"Nothing was imported: 1 row with problems"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    assert _product_page_status(live_shop, "trail-lantern") == 404

    # Fixed, previewed and confirmed: both products are in the shop, with their stock.
    good = tmp_path / "catalog-good.csv"
    _catalog_file(good, brand=brand["name"], category=category["slug"], good_brand=brand["name"])
    page.locator("input[type=file][name=import_file]").set_input_files(str(good))
    page.locator("select[name=format]").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("Import finished")
    assert _product_page_status(live_shop, "trail-lantern") == 200
    shopper.goto("/p/camp-mug/")
    expect(shopper.get_by_role("heading", name="Camp Mug")).to_be_visible()

    # The dashboard, linked from the admin's front page: charts with their numbers.
    page.goto("/admin/")
    page.get_by_role("link", name=re.compile("dashboard", re.IGNORECASE)).first.click()
    expect(page).to_have_url(re.compile(r"/admin/dashboard/"))
    expect(page.locator("svg").first).to_be_visible()
    assert page.locator("figure svg, svg[role=img]").count() >= 5
    assert page.locator("table").count() >= 5
    expect(page.get_by_text(re.compile("Revenue", re.IGNORECASE)).first).to_be_visible()

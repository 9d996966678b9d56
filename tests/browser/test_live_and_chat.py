"""What moves on its own: stock badges when stock changes elsewhere, the sales assistant's
answers; and every page on a phone's screen."""

import re
import urllib.parse

from playwright.sync_api import Page, expect

from tests.browser.pages import (
    add_first_variant_to_cart,
    assert_page_is_sound,
    fill_address,
    fill_card,
    sign_in,
)


def _wait_until_live(page: Page) -> None:
    # An assertion, not wait_for_function: its polling evaluates a string, which the CSP refuses.
    expect(page.locator("html")).to_have_attribute("data-live", "connected")


def test_a_sold_out_product_comes_back_in_stock_on_open_pages(new_page, live_shop):
    sold_out = next(
        p
        for p in live_shop.api("GET", "/api/products?limit=100&ordering=rating")["results"]
        if p["stock_status"] == "out_of_stock"
    )
    store = live_shop.api("GET", f"/api/products/inventory/{sold_out['id']}")["stores"][0]

    product_page: Page = new_page()
    product_page.goto(f"/p/{sold_out['slug']}/")
    expect(product_page.locator(".product-info [data-stock-badge]")).to_have_text("Out of stock")
    expect(product_page.get_by_role("button", name="Add to cart")).to_be_disabled()
    # The variant the page has chosen.
    chosen = {
        name: product_page.locator(f"input[name={name}]:checked").get_attribute("value") or ""
        for name in ("color", "size")
        if product_page.locator(f"input[name={name}]").count()
    }
    variant = next(
        v
        for v in live_shop.api("GET", f"/api/products/{sold_out['id']}")["variants"]
        if v["color"] == chosen.get("color", "") and v["size"] == chosen.get("size", "")
    )
    results_page: Page = new_page()
    results_page.goto(f"/search/?q={urllib.parse.quote(sold_out['name'])}")
    listed = results_page.locator(f"[data-stock-badge][data-product-id='{sold_out['id']}']")
    expect(listed).to_have_text("Out of stock")
    _wait_until_live(product_page)
    _wait_until_live(results_page)

    # A clerk restocks it at a store, through the staff API.
    clerk = live_shop.token("admin", "admin-demo-2026")
    live_shop.api(
        "PUT",
        "/api/staff/stock",
        {"sku": variant["sku"], "location_id": store["location_id"], "quantity": 25},
        token=clerk,
    )

    expect(listed).to_have_text("In stock")
    expect(product_page.locator(".product-info [data-stock-badge]")).to_have_text("In stock")
    expect(
        product_page.locator(f"tr[data-location-id='{store['location_id']}'] [data-quantity]")
    ).to_have_text("25")
    expect(product_page.get_by_role("button", name="Add to cart")).to_be_enabled()
    expect(product_page.locator("[data-variant-status]")).to_contain_text("25 available")


def test_the_assistant_answers_in_the_widget_and_keeps_the_conversation_across_pages(new_page):
    page: Page = new_page()
    page.goto("/")
    page.get_by_role("button", name="Ask our assistant").click()
    expect(
        page.locator(".chat-panel").get_by_role("link", name="sign in")
    ).to_be_visible()  # signed out: no chat yet

    sign_in(page, "john", "john-demo-2026")
    # Still open after signing in, now ready to chat.
    expect(page.get_by_role("button", name="Ask our assistant")).to_have_attribute(
        "aria-expanded", "true"
    )
    page.get_by_label("Your message").fill("Do you have trail shoes under $150?")
    page.get_by_label("Your message").press("Enter")
    answer = page.locator(".chat-assistant").last
    expect(answer).to_be_visible(timeout=20_000)
    cards = page.locator(".chat-card a")
    expect(cards.first).to_be_visible()
    prices = [float(re.search(r"\$([\d.]+)", text).group(1)) for text in cards.all_inner_texts()]
    assert prices and all(price < 150 for price in prices), prices
    assert_page_is_sound(page)

    # Opening a suggestion keeps the assistant open with the conversation so far.
    first = cards.first.inner_text().split(" · ")[0]
    cards.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    expect(page.locator(".chat-user")).to_have_text(["Do you have trail shoes under $150?"])
    expect(page.locator(".chat-assistant").first).to_be_visible()


def test_every_page_fits_a_phone(new_page, live_shop):
    page: Page = new_page(width=390, height=844)
    page.goto("/")
    assert_page_is_sound(page)
    expect(page.get_by_label("Search products")).to_be_visible()
    expect(page.locator("[data-cart-count]")).to_be_visible()
    for path in ["/c/shoes/", "/search/?q=jacket"]:
        page.goto(path)
        assert_page_is_sound(page)
        # Products first: the filters are folded away until asked for.
        expect(page.get_by_label("Brand")).to_be_hidden()
        expect(page.locator(".product-card").first).to_be_in_viewport()
    page.get_by_text("Filters and sorting").click()
    expect(page.get_by_label("Brand")).to_be_visible()
    page.locator(".product-card .product-link").first.click()
    assert_page_is_sound(page)
    add_first_variant_to_cart(page, quantity=1)
    assert_page_is_sound(page)
    sign_in(page, *live_shop.new_shopper())
    for path in ["/cart/", "/account/", "/account/loyalty/"]:
        page.goto(path)
        assert_page_is_sound(page)

    # Check out on the phone, then the order's pages.
    page.goto("/checkout/")
    assert_page_is_sound(page)
    fill_address(page, "1 Short St", "Boise", "83702")
    fill_card(page, "4242424242424242", 1, 2030)
    page.get_by_role("button", name=re.compile("^Place order")).click()
    expect(page.get_by_text(re.compile(r"Thank you! Order \S+ is confirmed"))).to_be_visible()
    assert_page_is_sound(page)
    page.goto("/account/orders/")
    expect(page.locator("[data-order-status]")).to_have_text("Paid")
    assert_page_is_sound(page)

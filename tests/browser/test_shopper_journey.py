"""A shopper's whole visit, in Chromium against the live shop: browse, filter, search with a
typo, choose a variant, cart, coupon, sign up (the visitor's cart comes along), check out with a
new address and card, a decline and the retry, confirmation, tracking, cancelling; and a
member who signs in, uses points and pays with what they saved."""

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.pages import (
    add_first_variant_to_cart,
    assert_page_is_sound,
    fill_address,
    fill_card,
    sign_in,
)


def test_a_visitor_browses_buys_with_a_new_card_after_a_decline_and_cancels(new_page, live_shop):
    page: Page = new_page()

    page.goto("/")
    assert_page_is_sound(page)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("[data-cart-count]")).to_have_text("0")
    expect(page.get_by_role("button", name="Ask our assistant")).to_be_visible()

    # Browse a category and narrow it down.
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Shoes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shoes")
    assert_page_is_sound(page)
    every_shoe = _product_count(page)
    page.get_by_label("Price from").fill("60")
    page.get_by_label("to", exact=True).fill("150")
    page.get_by_label("In stock only").check()
    page.get_by_label("Sort by").select_option("price")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"min_price=60.*max_price=150"))
    assert 0 < _product_count(page) < every_shoe
    prices = [
        float(p.removeprefix("$")) for p in page.locator(".product-card .price").all_inner_texts()
    ]
    assert prices == sorted(prices) and all(60 <= price <= 150 for price in prices)
    expect(page.locator(".product-card .stock-badge", has_text="Out of stock")).to_have_count(0)

    # Search with a typo.
    page.get_by_label("Search products").fill("runing shoos")
    page.get_by_label("Search products").press("Enter")
    expect(page.get_by_text("Showing results for")).to_contain_text("running shoes")
    assert _product_count(page) > 0
    assert_page_is_sound(page)

    # A product: pick the second colour and a size, see each store's stock, add two.
    page.locator(".product-card .product-link").first.click()
    assert_page_is_sound(page)
    product_name = page.get_by_role("heading", level=1).inner_text()
    add_first_variant_to_cart(page, quantity=2)
    expect(page.locator("[data-cart-count]")).to_have_text("2")

    # The cart: fewer of them, then a coupon.
    page.get_by_role("link", name=re.compile("^Cart")).click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    assert_page_is_sound(page)
    line = page.locator(".cart-line", has_text=product_name)
    two_of_them = _money(line.locator(".line-total").inner_text())
    line.get_by_label(f"Quantity of {product_name}").fill("1")
    line.get_by_role("button", name="Update").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    assert _money(page.locator(".cart-line .line-total").inner_text()) * 2 == two_of_them
    expect(page.get_by_text("Sign in to use coupons and points")).to_be_visible()

    # Sign up: the visitor's cart comes along.
    page.get_by_role("link", name="Sign up").first.click()
    username = f"shopper{uuid.uuid4().hex[:8]}"
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Full name").fill("Sam Shopper")
    page.get_by_label("Password").fill("tulip-harbor-7391-quartz")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    expect(page.locator("[data-cart-count]")).to_have_text("1")

    page.goto("/cart/")
    page.get_by_label("Coupon code").fill("welcome10")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".totals .saving", has_text="WELCOME10")).to_be_visible()
    total = _money(page.locator(".totals .grand dd").inner_text())

    # Check out with a new address and a card the bank declines.
    page.get_by_role("link", name="Check out").click()
    assert_page_is_sound(page)
    expect(page.get_by_label("A new address")).to_be_checked()
    fill_address(page, "12 Harbour Road", "Portland", "97201")
    fill_card(page, "4000 0000 0000 0002", 12, 2030)
    page.get_by_role("button", name=re.compile("^Place order")).click()
    expect(page.get_by_role("alert")).to_contain_text("declined")
    expect(page.get_by_role("alert")).to_contain_text("Your cart is unchanged")
    expect(page.locator("[data-cart-count]")).to_have_text("1")

    # The address was kept and stays chosen; pay with another new card.
    expect(page.get_by_label("12 Harbour Road", exact=False)).to_be_checked()
    page.get_by_label("A new card").check()
    fill_card(page, "4242424242424242", 11, 2031)
    page.get_by_role("button", name=f"Place order · ${total:.2f}").click()

    # Confirmation and tracking.
    expect(page.get_by_text(re.compile(r"Thank you! Order \S+ is confirmed"))).to_be_visible()
    assert_page_is_sound(page)
    expect(page.locator("[data-order-status]")).to_have_text("Paid")
    expect(page.get_by_role("heading", name="Tracking")).to_be_visible()
    expect(page.locator(".timeline li")).to_have_count(2)
    expect(page.get_by_text(re.compile(r"UPS 1Z"))).to_be_visible()
    expect(page.locator("[data-cart-count]")).to_have_text("0")
    order_heading = page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="Orders", exact=True).click()
    assert_page_is_sound(page)
    page.get_by_role("link", name=re.compile(order_heading.removeprefix("Order "))).click()

    # Cancel it: refunded.
    page.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_text("Your order is cancelled and refunded.")).to_be_visible()
    expect(page.locator("[data-order-status]")).to_have_text("Cancelled")
    expect(page.get_by_text(f"Refunded: ${total:.2f}")).to_be_visible()


def test_a_member_signs_in_with_a_cart_uses_points_and_pays_with_what_they_saved(new_page):
    page: Page = new_page()
    page.goto("/search/?q=backpack")
    page.locator(".product-card .product-link").first.click()
    add_first_variant_to_cart(page, quantity=3)
    expect(page.locator("[data-cart-count]")).to_have_text("3")

    sign_in(page, "jane", "jane-demo-2026", next_path="/cart/")
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.locator("[data-cart-count]")).to_have_text("3")
    expect(page.locator(".totals .saving", has_text="Member discount")).to_be_visible()  # Gold

    page.get_by_label(re.compile("^Points to use")).fill("500")
    page.get_by_role("button", name="Use points").click()
    expect(page.locator(".totals .saving", has_text="Points (500)")).to_be_visible()

    # Rewards page: the balance and the tier.
    page.get_by_role("link", name="Rewards").click()
    assert_page_is_sound(page)
    expect(page.get_by_text("Gold")).not_to_have_count(0)

    # Save an address and a card on the account page, then check out with them.
    page.get_by_role("link", name="Jane Doe").click()
    assert_page_is_sound(page)
    page.get_by_text("Add an address").click()
    fill_address(page, "5 Elm Street", "Austin", "73301")
    page.get_by_label("Make this my default address").check()
    page.get_by_role("button", name="Add address").click()
    expect(page.get_by_text("Address added.")).to_be_visible()
    page.get_by_text("Add a payment method").click()
    page.get_by_label("Kind").select_option("card")
    fill_card(page, "5555 5555 5555 4444", 6, 2032)
    page.get_by_role("checkbox", name=re.compile(r"^Make this my default:?$")).check()
    page.get_by_role("button", name="Add payment method").click()
    expect(page.get_by_text("Payment method added.")).to_be_visible()

    page.goto("/checkout/")
    expect(page.get_by_label(re.compile("5 Elm Street"))).to_be_checked()
    expect(page.get_by_label(re.compile("Mastercard •••• 4444"))).to_be_checked()
    page.get_by_role("button", name=re.compile("^Place order")).click()
    expect(page.get_by_text(re.compile(r"Thank you! Order \S+ is confirmed"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"You earned \d+ points"))).to_be_visible()


def _product_count(page: Page) -> int:
    return int(page.locator(".listing .muted").first.inner_text().split()[0].replace(",", ""))


def _money(text: str) -> float:
    return float(text.strip().removeprefix("$").replace(",", ""))

"""Staff in the admin, in Chromium against the live shop: find what runs low and restock it at
a store; ship a customer's order while the customer watches its page; deliver it, and approve
and refund the return the customer asks for."""

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in


def _admin_sign_in(page: Page) -> None:
    page.goto("/admin/")
    page.get_by_label("Email or username").or_(page.get_by_label("Username")).fill("admin")
    page.get_by_label("Password").fill("admin-demo-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Catalog, stock, orders and customers")).to_be_visible()


def _run_action(page: Page, row_text: str, action: str) -> None:
    """Tick the changelist row that shows ``row_text`` and run ``action`` on it."""
    row = page.locator("#result_list tbody tr", has_text=row_text)
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_staff_restock_what_runs_low_at_a_store(new_page, live_shop):
    page = new_page()
    _admin_sign_in(page)

    page.get_by_role("link", name="Low stock alerts").click()
    page.get_by_role("button", name="Run low stock alerts now").click()
    expect(page.locator(".messagelist")).to_contain_text("Low stock alerts finished")
    alert = page.locator("#result_list tbody tr").first
    product_name = alert.locator("td.field-product_name").inner_text()
    alert.get_by_role("link", name=re.compile(r"\(restock\)")).click()

    # The variant's page: its stock at each location; restock one store.
    product_id = page.locator("#id_product").input_value()
    store_row = page.locator(
        "tr.has_original", has=page.locator("option[selected]", has_text="Store")
    ).first
    store = (
        store_row.locator("option[selected]").inner_text().split(" (")[0]
    )  # "Harbor Store (Seattle)"
    before = _store_quantity(live_shop, product_id, store)
    had = int(store_row.locator("input[name$=quantity]").input_value())
    store_row.locator("input[name$=quantity]").fill("40")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The shop sees it at that store.
    assert _store_quantity(live_shop, product_id, store) == before - had + 40

    # And the alert is resolved on the next run.
    page.goto("/admin/catalog/lowstockalert/")
    page.get_by_role("button", name="Run low stock alerts now").click()
    page.get_by_role("link", name="Resolved", exact=True).click()
    expect(page.locator("#result_list tbody tr", has_text=product_name).first).to_be_visible()


def _store_quantity(live_shop, product_id: str, store: str) -> int:
    inventory = live_shop.api("GET", f"/api/products/inventory/{product_id}")
    return next(s["quantity"] for s in inventory["stores"] if s["name"] == store)


def test_staff_ship_an_order_the_customer_watches_then_refund_a_return(new_page, live_shop):
    # John orders through the API, as the mobile app would.
    token = live_shop.token("john", "john-demo-2026")
    address = live_shop.api("GET", "/api/users/addresses", token=token)[0]
    card = next(
        m
        for m in live_shop.api("GET", "/api/users/payment-methods", token=token)
        if m["type"] == "card"
    )
    product = live_shop.api("GET", "/api/products?in_stock=true&search=water+bottle&limit=1")[
        "results"
    ][0]
    variant = live_shop.api("GET", f"/api/products/{product['id']}")["variants"][0]
    live_shop.api(
        "POST",
        "/api/cart/items",
        {
            "product_id": product["id"],
            "quantity": 2,
            "color": variant["color"],
            "size": variant["size"],
        },
        token=token,
    )
    order = live_shop.api(
        "POST",
        "/api/orders",
        {"address_id": address["id"], "payment_method_id": card["id"]},
        token=token,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )

    customer: Page = new_page()
    sign_in(customer, "john", "john-demo-2026", next_path=f"/orders/{order['id']}/")
    expect(customer.locator("[data-order-status]")).to_have_text("Paid")
    expect(customer.locator("html")).to_have_attribute("data-live", "connected")

    staff: Page = new_page()
    _admin_sign_in(staff)
    staff.goto("/admin/orders/order/")
    staff.locator("#searchbar").fill(order["order_number"])
    staff.locator("#searchbar").press("Enter")
    for action, shown in [("Mark as processing", "Processing"), ("Mark as shipped", "Shipped")]:
        _run_action(staff, order["order_number"], action)
        expect(staff.locator(".messagelist")).to_contain_text("1 order(s) marked")
        # The customer's open page follows without a reload.
        expect(customer.locator("[data-order-status]")).to_have_text(shown)

    # A jump is refused with a reason, not a crash.
    _run_action(staff, order["order_number"], "Mark as processing")
    expect(staff.locator(".messagelist .error")).to_be_visible()

    for action in ["Mark as out for delivery", "Mark as delivered"]:
        _run_action(staff, order["order_number"], action)
    expect(customer.locator("[data-order-status]")).to_have_text("Delivered")

    # John returns one of the two.
    customer.reload()
    return_form = customer.locator(
        "form", has=customer.get_by_role("button", name="Request a return")
    )
    return_form.get_by_role("spinbutton").first.fill("1")
    return_form.get_by_label("Why are you returning them?").fill("Too small")
    return_form.get_by_role("button", name="Request a return").click()
    expect(customer.get_by_text("Return requested.")).to_be_visible()
    expect(customer.get_by_text(re.compile(r"Return \d+: Requested"))).to_be_visible()

    staff.goto("/admin/orders/return/")
    _run_action(staff, order["order_number"], "Approve")
    expect(staff.locator(".messagelist")).to_contain_text("1 return(s) approved")
    _run_action(staff, order["order_number"], "Mark received: restock and refund")
    expect(staff.locator(".messagelist")).to_contain_text("1 return(s) refunded")

    customer.reload()
    expect(
        customer.get_by_text(re.compile(r"Return \d+: Refunded · refund \$\d+\.\d\d"))
    ).to_be_visible()
    expect(customer.get_by_text(re.compile(r"^Refunded: \$\d+\.\d\d$"))).to_be_visible()

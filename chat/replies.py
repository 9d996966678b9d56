"""How the offline brain words a tool's result: one function per tool (chat.tools.TOOLS names
which), each giving the answer's text and what the client shows beside it (products, cart)."""

from decimal import Decimal

Reply = tuple[str, dict]
SORTED = {
    "price": ", cheapest first",
    "-price": ", most expensive first",
    "-rating": ", best rated first",
}
STARS = {5: "five", 4: "four", 3: "three", 2: "two", 1: "one"}


def products_found(data: dict) -> Reply:
    products = data["products"]
    if not products:
        return "I found nothing like that. Try fewer words or another price.", {"products": []}
    lines = [
        f"{i}. {p['name']}: ${p['price']}, {p['stock_status'].replace('_', ' ')}"
        for i, p in enumerate(products, 1)
    ]
    order = SORTED.get(data.get("sort", ""), "")
    many = "is" if len(products) == 1 else "are"
    text = f"Here {many} {len(products)}{order}:\n" + "\n".join(lines)
    return text, {"products": products}


def product_details(data: dict) -> Reply:
    options = []
    if data["colors"]:
        options.append(f"Colors: {', '.join(data['colors'])}.")
    if data["sizes"]:
        options.append(f"Sizes: {', '.join(data['sizes'])}.")
    stores = "; ".join(f"{s['name']} ({s['city']}) {s['quantity']}" for s in data["stores"])
    text = " ".join(
        [
            f"{data['name']} by {data['brand']}, ${data['price']}, {_rated(data)}.",
            data["description"],
            *(options or ["One style only."]),
            f"{data['stock']} in stock" + (f" (stores: {stores})." if stores else "."),
        ]
    )
    return text, {"products": [data]}


def _rated(data: dict) -> str:
    count = data.get("reviews_count", 0)
    if data["rating"] is None or not count:
        return "no reviews yet"
    return f"rated {data['rating']:.1f} ({_reviews(count)})"


def _reviews(count: int) -> str:
    return f"{count} review" if count == 1 else f"{count} reviews"


def product_reviews(data: dict) -> Reply:
    if not data["count"]:
        return f"{data['product']} has no reviews yet.", {}
    stars = ", ".join(f"{n} {STARS[int(s)]}-star" for s, n in data["distribution"].items() if n)
    quotes = " ".join(
        f'{q["author"]} ({_stars(q["rating"])}): "{q["quote"]}"' for q in data["quotes"]
    )
    text = (
        f"{data['product']} is rated {data['average']:.1f} out of 5 from "
        f"{_reviews(data['count'])} ({stars}). {quotes}"
    )
    return text.strip(), {}


def _stars(rating: int) -> str:
    return "1 star" if rating == 1 else f"{rating} stars"


def saved_to_wishlist(data: dict) -> Reply:
    if not data["new"]:
        return f"{data['saved']} is already in your wishlist.", {}
    return f"Saved {data['saved']} to your wishlist.", {}


def notify_when_back(data: dict) -> Reply:
    if not data["new"]:
        return (
            f"You're already on the list for {data['watching']}: I'll email you when it's back.",
            {},
        )
    return f"Done: I'll email you when {data['watching']} is back in stock.", {}


def departments(data: dict) -> Reply:
    shop = "; ".join(
        f"{d['name']} ({', '.join(d['subcategories'])})" if d["subcategories"] else d["name"]
        for d in data["departments"]
    )
    if not data["looking_for"]:
        return f"We sell {shop}.", {"products": []}
    nearest = f" The closest we have: {', '.join(data['nearest'])}." if data["nearest"] else ""
    text = f"Sorry, we don't carry {data['looking_for']}.{nearest} We sell {shop}."
    return text, {"products": []}


def stock_by_location(data: dict) -> Reply:
    if data.get("city") and len(data["stores"]) == 1:
        store = data["stores"][0]
        count = store["quantity"]
        text = (
            f"{data['product']}: {count} in stock at our {store['name']} in {store['city']} "
            f"({data['warehouse']} more in our warehouse)."
            if count
            else f"{data['product']} is out of stock (0) at our {store['name']} in "
            f"{store['city']}; {data['total_available']} available in all."
        )
        return text, {}
    if data.get("city"):
        return f"We have no store in {data['city']}. " + stock_by_location({**data, "city": ""})[
            0
        ], {}
    stores = (
        "; ".join(f"{s['name']} ({s['city']}): {s['quantity']}" for s in data["stores"])
        or "no store nearby has it"
    )
    total = data["total_available"]
    status = f"{total} in stock in all" if total else "out of stock everywhere (0)"
    return (f"{data['product']}: {status}: {data['warehouse']} in our warehouse; {stores}.", {})


def cart(data: dict, head: str = "") -> Reply:
    cart = data.get("cart", data)
    lines = [
        f"{i['quantity']} x {i['name']}{' (' + ', '.join(filter(None, [i['color'], i['size']])) + ')' if i['color'] or i['size'] else ''}: ${i['subtotal']}"
        for i in cart["items"]
    ]
    body = "\n".join(lines) if lines else "Your cart is empty."
    text = f"{head}Your cart:\n{body}\nTotal ${cart['totals']['total']}" if lines else head + body
    return text, {"cart": cart}


def added_to_cart(data: dict) -> Reply:
    return cart(data, "Added. ")


def coupon_applied(data: dict) -> Reply:
    return cart(data, f"Coupon {data.get('applied', '')} applied. ")


def coupon_removed(data: dict) -> Reply:
    return cart(data, "Coupon removed. ")


def cart_changed(data: dict) -> Reply:
    return cart(data, "Changed. ")


def cart_cleared(data: dict) -> Reply:
    return cart(data, "Done, I emptied your cart. ")


def points_redeemed(data: dict) -> Reply:
    worth = _dollars(data["worth"])
    return cart(data, f"{data['points']} points (${worth} off) will go towards this order. ")


def points_removed(data: dict) -> Reply:
    return cart(data, "Points removed from this order; they stay in your balance. ")


def coupons(data: dict) -> Reply:
    found = data["coupons"]
    if not found:
        return "No coupons for you right now.", {}
    return "Coupons you can use: " + "; ".join(_terms(c) for c in found) + ".", {}


def coupon_details(data: dict) -> Reply:
    return _terms(data["coupon"]) + ".", {}


def _dollars(amount: str) -> str:
    """ "12.00" -> "12"; "12.50" stays."""
    return amount.removesuffix(".00")


def _terms(c: dict) -> str:
    off = (
        f"{c['discount_value'].removesuffix('.00')}% off"
        if c["discount_type"] == "percent"
        else f"${c['discount_value']} off"
    )
    terms = [off]
    if c["max_discount"]:
        terms.append(f"up to ${c['max_discount']}")
    if Decimal(c["min_purchase"]):
        terms.append(f"minimum purchase ${c['min_purchase']}")
    if c["min_tier"]:
        terms.append(f"for {c['min_tier'].title()} members and above")
    if c["valid_until"]:
        terms.append(f"valid until {c['valid_until'][:10]}")
    described = f" ({c['description']})" if c["description"] else ""
    return f"{c['code']}{described}: {', '.join(terms)}"


def loyalty_status(data: dict) -> Reply:
    following = (
        f" {data['points_to_next_tier']} points to {data['next_tier'].title()}."
        if data["next_tier"]
        else ""
    )
    worth = _dollars(data["worth"])
    return (
        (
            f"You are {data['tier'].title()} with {data['points']} points (worth ${worth} off an "
            f"order; {data['discount_percent']}% off every order as {data['tier'].title()})."
            f"{following}"
        ),
        {},
    )


def orders(data: dict) -> Reply:
    found = data["orders"]
    if not found:
        return "You have no orders yet.", {}
    lines = [
        f"{o['order_number']} ({o['placed']}): {o['status'].replace('_', ' ')}, ${o['total']}: "
        f"{', '.join(o['items'])}"
        for o in found
    ]
    many = "one order" if len(found) == 1 else f"{len(found)} orders"
    return f"You have {many}:\n" + "\n".join(lines), {}


def order_status(data: dict) -> Reply:
    eta = f", expected {data['estimated_delivery']}" if data["estimated_delivery"] else ""
    return (
        f"Order {data['order_number']} is {data['status'].replace('_', ' ')}{eta}. {data['carrier']} {data['tracking_number']}".strip(),
        {},
    )


def order_cancelled(data: dict) -> Reply:
    return (
        f"Order {data['cancelled']} is cancelled; ${data['refunded']} goes back to your payment method.",
        {},
    )


def return_started(data: dict) -> Reply:
    return (
        f"Return {data['return_id']} for order {data['order_number']} is requested; you'll get ${data['refund_amount']} back once it arrives.",
        {},
    )


def similar_products(data: dict) -> Reply:
    names = "; ".join(f"{p['name']} (${p['price']})" for p in data["products"])
    lead = {"like": "Like", "goes_with": "Goes well with"}.get(
        data.get("kind", ""), "Like, or good with"
    )
    text = (
        f"{lead} {data['product']}: {names}."
        if names
        else f"Nothing quite like {data['product']} in stock."
    )
    return text, {"products": data["products"]}

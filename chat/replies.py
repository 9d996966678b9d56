"""How the offline brain words a tool's result: one function per tool (chat.tools.TOOLS names
which), each giving the answer's text and what the client shows beside it (products, cart)."""

Reply = tuple[str, dict]


def products_found(data: dict) -> Reply:
    products = data["products"]
    if not products:
        return "I found nothing like that. Try fewer words or another price.", {"products": []}
    lines = [
        f"{i}. {p['name']}: ${p['price']}, {p['stock_status'].replace('_', ' ')}"
        for i, p in enumerate(products, 1)
    ]
    text = f"Here {'is' if len(products) == 1 else 'are'} {len(products)}:\n" + "\n".join(lines)
    return text, {"products": products}


def product_details(data: dict) -> Reply:
    options = ", ".join(filter(None, [", ".join(data["colors"]), ", ".join(data["sizes"])]))
    text = f"{data['name']} by {data['brand']}, ${data['price']}. {data['description']} Options: {options or 'one style'}. {data['stock']} in stock."
    return text, {"products": [data]}


def stock_by_location(data: dict) -> Reply:
    stores = (
        "; ".join(f"{s['name']} ({s['city']}): {s['quantity']}" for s in data["stores"])
        or "no store nearby has it"
    )
    return f"{data['product']}: {data['warehouse']} in our warehouse; {stores}.", {}


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


def coupons(data: dict) -> Reply:
    found = data["coupons"]
    text = (
        "Your coupons: " + "; ".join(f"{c['code']}: {c['description']}" for c in found)
        if found
        else "No coupons for you right now."
    )
    return text, {}


def loyalty_status(data: dict) -> Reply:
    following = (
        f" {data['points_to_next_tier']} points to {data['next_tier'].title()}."
        if data["next_tier"]
        else ""
    )
    return (
        f"You are {data['tier'].title()} with {data['points']} points ({data['discount_percent']}% off every order).{following}",
        {},
    )


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
    text = (
        f"Like {data['product']}, or good with it: {names}."
        if names
        else f"Nothing quite like {data['product']} in stock."
    )
    return text, {"products": data["products"]}

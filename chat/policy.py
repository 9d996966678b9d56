"""What the offline brain does with a message it has read (chat/understanding.py): call one of
the shop's tools with the slots filled from the message and the conversation so far, or answer
in words when no tool is needed (small talk, a refusal, a question back).

The conversation's state (chat.services.remember keeps it) carries what later messages lean
on: the last search's constraints, the products just shown and the one in hand, and the one
question the assistant asked ("pending": a yes/no before cancelling or returning; "asking": a
missing colour or size), which only the very next message can answer.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from chat import lexicon
from chat.understanding import Reading
from orders.models import RETURN_DAYS

# Below this the classifier is guessing; what the message names decides instead.
CONFIDENT = 0.35
SEARCH_SLOTS = ("query", "brand", "category", "color", "size", "min_price", "max_price", "sort")

CAPABILITIES = (
    'I can find products ("trail shoes under $120 in blue", "cheapest Nike sneakers"), tell '
    "you about one, what people say of it and where it's in stock, add it to your cart (\"add "
    "the first one, size 9\"), save it to your wishlist or tell you when it's back in stock, "
    "change or remove what's in your cart, apply or remove a coupon, use your points, show your "
    "tier, and track, cancel or return your orders."
)
GREETING = "Hi! I'm the shop's assistant. " + CAPABILITIES
THANKS = "You're welcome! Anything else I can help you find?"
OTHERS = (
    "Sorry, I can only help with your own account: I can't look up, show or change another "
    "person's orders, cart, points or details. Ask me about your own orders any time."
)
RULES = (
    "Sorry, I can't change prices, points, tiers or the shop's rules, and I can't waive a "
    "coupon's conditions. I can show you the coupons you can use now, or use your points."
)
GOES_WITH = re.compile(
    r"\b(goes?|go|going|pairs?|match(es)?|wear|complete|accessor(y|ies)|complement|with it)\b"
)
# "something for my laptop": what goes with the kind named; "suggest a hoodie" wants one.
FOR_ONE = re.compile(r"\b(for|with) (my|a|an|the|his|her|their|your|this|that|these|those)\b")
RULE_CHANGE = re.compile(
    r"\b(change|set|lower|drop|reduce|make|free|discount|cheaper|override|waive|give me)\b"
)
CART_CHANGE = re.compile(r"\b(cart|basket|bag|switch|swap|change|exchange|instead of)\b")
OWN_ORDER = re.compile(r"\b(my|the) (last |latest |recent |most recent )?(order|purchase)\b")
SOMEONE_ELSES = re.compile(r"\b(\w+'s|someone else|another (customer|person|user)|other people)")
# "John's address", "my neighbour's orders": another person's details, whatever else is asked.
THEIR_DETAILS = re.compile(
    r"\b(?!(?:what|that|it|there|here|who|where|how|he|she|let|today|order)'s)[a-z]+'s (home |"
    r"email |e-mail |phone |street |shipping |billing |postal |)(address|email|phone number|"
    r"orders?|card( number)?|password|account|details|purchases)\b"
)
RETURN_POLICY = (
    f"Delivered orders can be returned within {RETURN_DAYS} days of delivery, in whole or in "
    "part; you're refunded once the items reach us, to the way you paid. Ask me to return an "
    "order and I'll start it."
)
NOTHING_PENDING = "Alright. What would you like to do next?"


@dataclass
class Decision:
    tool: str | None = None
    args: dict = field(default_factory=dict)
    reply: str = ""


def say(text: str) -> Decision:
    return Decision(reply=text)


def call(tool: str, **args) -> Decision:
    return Decision(tool=tool, args={k: v for k, v in args.items() if v not in (None, "")})


def decide(reading: Reading, state: dict) -> Decision:
    intent = _intent(reading, state)
    if decision := _answer_to_question(reading, intent, state):
        return decision
    handler = HANDLERS.get(intent, _search)
    return handler(reading, state)


def _intent(reading: Reading, state: dict) -> str:
    intent = reading.intent
    if reading.confidence < CONFIDENT:
        if reading.products:
            intent = "product_info"
        elif reading.category or reading.brand or reading.color:
            intent = "search"
    coupon_intents = (
        "apply_coupon",
        "remove_coupon",
        "coupon_info",
        "list_coupons",
        "refuse_rules",
    )
    if reading.code and intent not in coupon_intents and not (reading.category or reading.brand):
        intent = "apply_coupon"  # "SAVE5 please": a code, not a product
    if intent == "search" and reading.order_number:
        intent = "order_status"
    if isinstance(reading.points, int) and intent in ("set_quantity", "add_to_cart", "search"):
        intent = "redeem_points"  # "make it 500 points"
    text = reading.text.lower()
    if intent == "refuse_rules" and reading.products and not RULE_CHANGE.search(text):
        intent = "product_info"  # "what's the price of X?" asks, it doesn't bargain
    if (
        intent == "change_options"
        and state.get("last_tool") == "search_products"
        and not (reading.products or reading.refers_back or CART_CHANGE.search(text))
    ):
        intent = "search"  # "size XL" after a search narrows it; the cart is not in question
    if THEIR_DETAILS.search(text.replace("’", "'")):
        intent = "refuse_others"
    if intent == "refuse_others" and OWN_ORDER.search(text) and not SOMEONE_ELSES.search(text):
        intent = reading.runner_up  # "cancel the order for my mom's gift" is one's own
    return intent


def _answer_to_question(reading: Reading, intent: str, state: dict) -> Decision | None:
    pending, asking = state.get("pending"), state.get("asking")
    if pending and intent == "affirm":
        return call(pending["tool"], **pending["args"])
    if pending and intent == "deny":
        return say("Alright, I left it as it is. Anything else?")
    if asking and (intent not in _OTHER_BUSINESS or intent == asking["tool"]):
        args = dict(asking["args"])
        for slot in ("color", "size"):
            if getattr(reading, slot):
                args[slot] = getattr(reading, slot)
        if reading.quantity and asking.get("missing") == "quantity":
            args["quantity"] = reading.quantity
        if args != asking["args"]:
            return call(asking["tool"], **args)
    if intent in ("affirm", "deny"):
        return say(NOTHING_PENDING if intent == "affirm" else "Alright. Anything else?")
    return None


_OTHER_BUSINESS = {
    "show_cart",
    "order_status",
    "order_history",
    "cancel_order",
    "start_return",
    "loyalty_status",
    "list_coupons",
    "coupon_info",
    "apply_coupon",
    "remove_coupon",
    "redeem_points",
    "remove_points",
    "greeting",
    "thanks",
    "capabilities",
    "refuse_others",
    "refuse_rules",
    "departments",
    "deny",
    "product_reviews",
    "save_to_wishlist",
    "notify_when_back",
}


# The product a message is about


def product_in_hand(reading: Reading, state: dict) -> int | None:
    """The product named, else the one picked from the last list ("the second one"), else the
    one the conversation is about ("it")."""
    if reading.products:
        return reading.products[0]
    shown = state.get("last_products") or []
    if reading.ordinal is not None and shown:
        try:
            return shown[reading.ordinal]
        except IndexError:
            return None
    if state.get("last_product"):
        return state["last_product"]
    if shown and (reading.refers_back or len(shown) == 1):
        return shown[0]
    in_cart = state.get("cart_products") or []
    return in_cart[0] if reading.refers_back and len(in_cart) == 1 else None


def _which_product(reading: Reading, state: dict, doing: str) -> Decision:
    """No product in hand: search for what the message names, say the shop doesn't carry
    what it names in words the shop lacks, or ask."""
    if reading.category or reading.brand or reading.shop_words or reading.wanted:
        return _search(reading, state)
    return say(f"Which product would you like to {doing}? Name it, or search and pick one.")


# Handlers, by intent


def _search(reading: Reading, state: dict) -> Decision:
    if reading.products and not (reading.sort or reading.max_price or reading.min_price):
        return call("product_details", product_id=reading.products[0])
    named = reading.category or reading.brand or reading.shop_words
    if not named and (reading.wanted or reading.unknown):
        return call("shop_departments", looking_for=" ".join(reading.wanted or reading.unknown))
    constraints = _constraints(reading, state)
    if not any(constraints.values()):
        return call("shop_departments")
    return call("search_products", **constraints)


def _constraints(reading: Reading, state: dict) -> dict:
    """This search's constraints: the message's, on top of the last search's when the message
    refines it (only a colour, size, price or order; or "what about Adidas instead")."""
    previous = dict(state.get("search") or {})
    said = {
        "query": reading.search_text,
        "brand": reading.brand,
        "category": reading.category.name if reading.category else "",
        "color": reading.color,
        "size": reading.size,
        "min_price": reading.min_price,
        "max_price": reading.max_price,
        "sort": reading.sort,
    }
    new_subject = reading.category or reading.search_text
    if not previous or (new_subject and not reading.refines):
        return said
    merged = {**previous}
    if reading.category and reading.category.name != previous.get("category"):
        # Another kind of product: its brand, colour and size may not exist there.
        merged = {k: previous.get(k) for k in ("min_price", "max_price", "sort")}
    for slot, value in said.items():
        if value not in (None, ""):
            merged[slot] = value
    if reading.search_text and not reading.category:
        merged["query"] = reading.search_text
    return {slot: merged.get(slot) for slot in SEARCH_SLOTS}


def _product_info(reading: Reading, state: dict) -> Decision:
    product = product_in_hand(reading, state)
    if product is None and state.get("last_order") and not (reading.category or reading.brand):
        return call("order_status", order_number=state["last_order"])  # "has it arrived?"
    if product is None:
        return _which_product(reading, state, "know about")
    return call("product_details", product_id=product)


def _stock(reading: Reading, state: dict) -> Decision:
    product = product_in_hand(reading, state)
    if product is None:
        return _which_product(reading, state, "check")
    return call("stock_by_location", product_id=product, city=reading.city)


def _add(reading: Reading, state: dict) -> Decision:
    product = product_in_hand(reading, state)
    more = re.search(r"\b(more|another|extra)\b", reading.text.lower())
    named_line = reading.category or reading.brand  # "two more of the t-shirts"
    if more and (product is None or (named_line and not reading.products)):
        # "two more of the t-shirt": the line already in the cart
        return call(
            "update_cart_item",
            increase_by=reading.quantity or 1,
            product_id=product if not _description(reading) else None,
            description=_description(reading),
        )
    if product is None:
        return _which_product(reading, state, "add")
    chosen = state.get("options", {})
    offered = state.get("pending") or {}  # "it's in stock now: shall I add it?"
    if offered.get("tool") == "add_to_cart" and offered["args"].get("product_id") == product:
        chosen = offered["args"]
    options = chosen if chosen.get("product_id") == product else {}
    search = state.get("search") or {}
    return call(
        "add_to_cart",
        product_id=product,
        quantity=reading.quantity or 1,
        color=reading.color or options.get("color") or search.get("color") or "",
        size=reading.size or options.get("size") or search.get("size") or "",
    )


def _product_meant(reading: Reading, state: dict) -> int | None:
    """The product in hand, unless the message names a kind or brand it is not of ("is the
    hoodie any good?" with shoes in hand): then none, and the message's words are searched."""
    product = product_in_hand(reading, state)
    if product is None or reading.products or not (reading.category or reading.brand):
        return product
    lex = lexicon.current()
    kind = lex.product_category.get(product, "")
    if reading.category and kind != reading.category.name and kind not in reading.category.children:
        return None
    if reading.brand and lex.product_brand.get(product, "") != reading.brand:
        return None
    return product


def _reviews(reading: Reading, state: dict) -> Decision:
    product = _product_meant(reading, state)
    if product is None:
        return _which_product(reading, state, "hear about")
    return call("product_reviews", product_id=product)


def _save(reading: Reading, state: dict) -> Decision:
    product = _product_meant(reading, state)
    if product is None:
        return _which_product(reading, state, "save")
    return call("save_to_wishlist", product_id=product, color=reading.color, size=reading.size)


def _notify(reading: Reading, state: dict) -> Decision:
    """The product named or in hand, in the colour and size said; after a sold-out addition
    (which offered this notice), the one that was sold out."""
    offered = state.get("pending") or {}
    product = reading.products[0] if reading.products else None
    args = {}
    if offered.get("tool") == "notify_when_back" and product in (
        None,
        offered["args"]["product_id"],
    ):
        args = dict(offered["args"])
        product = args["product_id"]
    if product is None:
        product = _product_meant(reading, state)
    if product is None:
        return _which_product(reading, state, "hear about when it's back")
    return call(
        "notify_when_back",
        product_id=product,
        color=reading.color or args.get("color", ""),
        size=reading.size or args.get("size", ""),
    )


def _set_quantity(reading: Reading, state: dict) -> Decision:
    if re.search(r"\b(more|another|extra)\b", reading.text.lower()):
        return _add(reading, state)
    if reading.scale:
        product = reading.products[0] if reading.products else None
        return call(
            "update_cart_item",
            scale=reading.scale,
            product_id=product or (None if _description(reading) else state.get("last_product")),
            description=_description(reading) if not product else "",
        )
    if state.get("last_tool") in ("redeem_points", "remove_points") and reading.numbers:
        return call("redeem_points", points=reading.numbers[0])  # "make it 500"
    if reading.quantity is None:
        return say("How many would you like?")
    product = reading.products[0] if reading.products else state.get("last_product")
    return call(
        "update_cart_item",
        quantity=reading.quantity,
        product_id=product,
        description=_description(reading) if not reading.products else "",
    )


def _change_options(reading: Reading, state: dict) -> Decision:
    if not (reading.color or reading.size):
        if reading.products:  # "does it come in other colours?"
            return _product_info(reading, state)
        return say("Which color or size would you like instead?")
    product = reading.products[0] if reading.products else None
    said_before = reading.colors[0] if len(reading.colors) > 1 else ""  # "the grey one... black"
    kind = reading.category.name if reading.category else ""
    described = "" if product else " ".join(p for p in [reading.brand, kind, said_before] if p)
    if product is None and not described:
        product = state.get("last_product")
    return call(
        "change_cart_item",
        color=reading.colors[-1] if reading.colors else "",
        size=reading.size,
        product_id=product,
        description=described,
    )


def _remove(reading: Reading, state: dict) -> Decision:
    described = _description(reading)
    product = reading.products[0] if reading.products else None
    if product is None and not described:
        product = product_in_hand(reading, state)
    return call("update_cart_item", quantity=0, product_id=product, description=described)


def _description(reading: Reading) -> str:
    """How the message names a cart line without naming the product: "the hoodie"."""
    parts = [reading.brand, reading.category.name if reading.category else "", reading.color]
    return " ".join(p for p in parts if p)


def _apply_coupon(reading: Reading, state: dict) -> Decision:
    if not reading.code:
        return call("list_coupons")
    return call("apply_coupon", code=reading.code)


def _redeem(reading: Reading, state: dict) -> Decision:
    points = reading.points if isinstance(reading.points, int) else None
    return call("redeem_points", points=points)


def _order(tool: str):
    def handle(reading: Reading, state: dict) -> Decision:
        if tool == "order_status":
            return call(tool, order_number=reading.order_number)
        return call(
            tool,
            order_number=reading.order_number,
            description=_returned(reading) if tool == "start_return" else None,
            confirmed=reading.confirmed or None,
        )

    return handle


def _returned(reading: Reading) -> str:
    """Which of an order's items a return means: the product named, or its kind and colour."""
    if reading.products:
        return lexicon.current().product_names.get(reading.products[0], "")
    return _description(reading)


def _recommend(reading: Reading, state: dict) -> Decision:
    product = product_in_hand(reading, state) if not reading.category else None
    if reading.products:
        product = reading.products[0]
    text = reading.text.lower()
    if product is None and reading.category and (GOES_WITH.search(text) or FOR_ONE.search(text)):
        return call(
            "goes_with_category", category=reading.category.name, max_price=reading.max_price
        )
    if product is None:
        # "any gift ideas?", "suggest a hoodie": the best rated of what the message narrows to
        constraints = {k: v for k, v in _constraints(reading, {}).items() if k != "query"}
        return call("search_products", **{**constraints, "sort": "-rating"})
    kind = (
        "goes_with"
        if GOES_WITH.search(text)
        else "like"
        if re.search(r"\b(similar|like|alternatives?|instead of|other options)\b", text)
        else ""
    )
    ceiling = reading.max_price
    if ceiling is None and re.search(r"\b(cheaper|less expensive|lower price)\b", text):
        ceiling = float(lexicon.current().product_prices.get(product, 0)) or None
    return call("similar_products", product_id=product, kind=kind, max_price=ceiling)


HANDLERS = {
    "search": _search,
    "product_info": _product_info,
    "stock": _stock,
    "product_reviews": _reviews,
    "save_to_wishlist": _save,
    "notify_when_back": _notify,
    "add_to_cart": _add,
    "set_quantity": _set_quantity,
    "change_options": _change_options,
    "remove_item": _remove,
    "clear_cart": lambda r, s: call("clear_cart"),
    "show_cart": lambda r, s: call("show_cart"),
    "apply_coupon": _apply_coupon,
    "remove_coupon": lambda r, s: call("remove_coupon"),
    "list_coupons": lambda r, s: call("list_coupons"),
    "coupon_info": lambda r, s: (
        call("coupon_details", code=r.code) if r.code else call("list_coupons")
    ),
    "redeem_points": _redeem,
    "remove_points": lambda r, s: call("remove_points"),
    "loyalty_status": lambda r, s: call("loyalty_status"),
    "order_status": _order("order_status"),
    "order_history": lambda r, s: call("list_orders"),
    "cancel_order": _order("cancel_order"),
    "start_return": _order("start_return"),
    "recommend": _recommend,
    "departments": lambda r, s: _search(r, s) if r.wanted else call("shop_departments"),
    "return_policy": lambda r, s: say(RETURN_POLICY),
    "greeting": lambda r, s: say(GREETING),
    "thanks": lambda r, s: say(THANKS),
    "capabilities": lambda r, s: say(CAPABILITIES),
    "refuse_others": lambda r, s: say(OTHERS),
    "refuse_rules": lambda r, s: say(RULES),
}


def follow_up(
    read: Callable[[], Reading], state: dict, results: list[tuple[str, dict]]
) -> Decision | None:
    """A second step the message asked for: "add the cheapest Nike backpack" searched first,
    now adds what it found; "what do people say about the best rated hoodie", "save the
    cheapest Nike backpack" do their part for what they found, when the search found only it
    or the message asked for a superlative. ``read`` reads the message again, only when that
    may be so."""
    tool, data = results[-1]
    if len(results) != 1 or tool != "search_products" or not data.get("products"):
        return None
    reading = read()
    intent = _intent(reading, state)
    found = data["products"][0]["id"]
    if intent == "add_to_cart":
        return call(
            "add_to_cart",
            product_id=found,
            quantity=reading.quantity or 1,
            color=reading.color,
            size=reading.size,
        )
    if intent not in PRODUCT_STEPS or not (len(data["products"]) == 1 or reading.sort):
        return None
    if intent == "product_reviews":
        return call(intent, product_id=found)
    return call(intent, product_id=found, color=reading.color, size=reading.size)


# What a message may ask of a product it names only by a search ("the cheapest Nike backpack").
PRODUCT_STEPS = ("product_reviews", "save_to_wishlist", "notify_when_back")


# A search that found nothing is tried once more without its narrowest constraint.
RELAX_ORDER = ("size", "color", "brand", "query", "min_price", "max_price")


def relax(results: list[tuple[str, dict]]) -> Decision | None:
    """The search to try after one that found nothing this turn, if any."""
    tool, data = results[-1]
    searches = [r for r in results if r[0] == "search_products"]
    if tool != "search_products" or data.get("products") or len(searches) > 1:
        return None
    filters = {k: v for k, v in (data.get("filters") or {}).items() if v not in (None, "")}
    if len(filters) < 2:
        return None
    for slot in RELAX_ORDER:
        if slot in filters and (slot != "query" or "category" in filters):
            dropped = {k: v for k, v in filters.items() if k != slot}
            if slot == "max_price":
                dropped["sort"] = "price"  # the nearest to the ceiling: the cheapest
            return call("search_products", **dropped)
    return None


def relaxed_lead(results: list[tuple[str, dict]]) -> str:
    """What the answer says first when the search was relaxed: what found nothing."""
    searches = [data for tool, data in results if tool == "search_products"]
    if len(searches) < 2 or not searches[-1].get("products"):
        return ""
    first, second = searches[0].get("filters", {}), searches[-1].get("filters", {})
    gone = [slot for slot in RELAX_ORDER if first.get(slot) and not second.get(slot)]
    if not gone:
        return ""
    what = {
        "size": f"in size {first.get('size')}",
        "color": f"in {first.get('color')}",
        "brand": f"from {first.get('brand')}",
        "query": f'matching "{first.get("query")}"',
        "min_price": f"over ${first.get('min_price')}",
        "max_price": f"under ${first.get('max_price')}",
    }[gone[0]]
    kind = first.get("category") or "products"
    return f"We have no {kind} {what} right now. "

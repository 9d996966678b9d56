"""What a shopper's message asks for, without a language model: intents and their slots
(prices, colors, sizes, quantities, coupon codes, order numbers) and references to what the
conversation showed last ("the first one", "it")."""

import re
from dataclasses import dataclass, field

COLORS = [
    "black",
    "white",
    "red",
    "blue",
    "grey",
    "gray",
    "green",
    "orange",
    "navy",
    "olive",
    "burgundy",
    "sand",
    "silver",
    "space gray",
]
ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "fifth": 4,
    "last": -1,
}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a": 1, "an": 1}
FILLER = re.compile(
    r"\b(show|me|find|i|want|need|looking|look|for|some|any|a|an|the|please|do|you|have|got|search|get|"
    r"under|below|less|than|over|above|more|between|and|to|cheap|cheaper|in|size|color|colour|with|that|are|is)\b"
)


@dataclass
class Intent:
    tool: str | None
    args: dict = field(default_factory=dict)


def _price(text: str, args: dict) -> str:
    money = r"\$?(\d+(?:\.\d{1,2})?)"
    if m := re.search(rf"between\s+{money}\s+(?:and|to|-)\s+{money}", text):
        args["min_price"], args["max_price"] = float(m[1]), float(m[2])
    elif m := re.search(rf"(?:under|below|less than|cheaper than|up to|max)\s+{money}", text):
        args["max_price"] = float(m[1])
    elif m := re.search(rf"(?:over|above|more than|at least|from)\s+{money}", text):
        args["min_price"] = float(m[1])
    return re.sub(
        rf"(between\s+{money}\s+(?:and|to|-)\s+{money}|(under|below|less than|cheaper than|up to|max|over|above|more than|at least|from)\s+{money})",
        " ",
        text,
    )


def _options(text: str, args: dict) -> str:
    for color in sorted(COLORS, key=len, reverse=True):
        if re.search(rf"\b{color}\b", text):
            args["color"] = "Grey" if color == "gray" else color.title()
            text = re.sub(rf"\b{color}\b", " ", text)
            break
    if m := re.search(r"\bsize\s+([a-z0-9]{1,3})\b", text) or re.search(
        r"\b(xs|s|m|l|xl|xxl)\b(?!\w)", text
    ):
        args["size"] = m[1].upper()
        text = text.replace(m[0], " ")
    return text


ORDINAL_PHRASE = re.compile(
    r"\b(?:the\s+)?(?:first|1st|second|2nd|third|3rd|fourth|fifth|last)(?:\s+one)?\b"
)


def _quantity(text: str) -> int:
    text = ORDINAL_PHRASE.sub(" ", text)
    if m := re.search(r"\b(\d{1,2})\b(?!\s*(?:\$|dollars|%))", text):
        return int(m[1])
    for word, number in NUMBER_WORDS.items():
        if re.search(rf"\b{word}\b", text) and word not in ("a", "an"):
            return number
    return 1


def _reference(text: str, state: dict) -> int | None:
    shown = state.get("last_products") or []
    for word, index in ORDINALS.items():
        if re.search(rf"\b{word}\b", text) and shown:
            try:
                return shown[index]
            except IndexError:
                return None
    if re.search(r"\b(it|that|this|them|those)\b", text):
        return state.get("last_product") or (shown[0] if shown else None)
    return None


def parse(message: str, state: dict) -> Intent:
    text = message.lower().strip()
    pending = state.get("pending")
    if pending and re.fullmatch(r"(yes|yep|yeah|sure|ok|okay|confirm|do it|please do)[.! ]*", text):
        return Intent(pending["tool"], pending["args"])
    if pending and re.fullmatch(r"(no|nope|cancel that|don'?t|stop)[.! ]*", text):
        return Intent(None, {"reply": "Alright, I left it as it is."})
    order_number = m[1].upper() if (m := re.search(r"\b(ord-\d{8}-\d{6})\b", text)) else ""
    if re.search(r"\bcancel\b", text) and re.search(r"\border\b", text):
        return Intent("cancel_order", {"order_number": order_number})
    if re.search(r"\b(return|send back|refund)\b", text) and (
        order_number or re.search(r"\border\b", text)
    ):
        return Intent(
            "start_return", {"order_number": order_number, "reason": message.strip()[:300]}
        )
    if re.search(
        r"\b(similar|alternatives?|like (it|this|that)|goes? with|go with|match(es)?)\b", text
    ):
        product_id = _reference(text, state) or state.get("last_product")
        if product_id is not None:
            return Intent("similar_products", {"product_id": product_id})
    if (
        re.search(r"\b(remove|delete|take out)\b", text)
        and re.search(r"\b(cart|it|that|this|first|second|third|last)\b", text)
        and "coupon" not in text
    ):
        return Intent(
            "update_cart_item",
            {"product_id": _reference(text, state) or state.get("last_product"), "quantity": 0},
        )
    if m := re.search(r"\b(?:make it|change (?:it )?to|set (?:it )?to)\s+(\d{1,2})\b", text):
        return Intent(
            "update_cart_item", {"product_id": state.get("last_product"), "quantity": int(m[1])}
        )
    if re.search(r"\b(remove|drop|delete)\b.*\bcoupon\b", text):
        return Intent("remove_coupon")
    for m in re.finditer(r"(?=\b(?:coupon|code|apply|use)\s+([a-z0-9-]{3,32})\b)", text):
        if m[1] not in ("code", "coupon", "the", "my", "a"):
            return Intent("apply_coupon", {"code": m[1].upper()})
    if re.search(r"\b(coupons|discounts|deals|offers)\b", text):
        return Intent("list_coupons")
    if re.search(r"\b(points|tier|loyalty|rewards)\b", text):
        return Intent("loyalty_status")
    if order_number:
        return Intent("order_status", {"order_number": order_number})
    if re.search(r"\b(my order|where is|track|tracking|delivery|shipped)\b", text):
        return Intent("order_status")
    if re.search(r"\b(cart|basket|bag|total)\b", text) and not re.search(r"\b(add|put)\b", text):
        return Intent("show_cart")
    if m := re.search(r"\b(\d{1,2}|two|three|four|five|one) more\b", text):
        product_id = state.get("last_product")
        if product_id is not None:
            return Intent(
                "add_to_cart",
                {
                    "product_id": product_id,
                    "quantity": _quantity(m[1]),
                    **{o: state[o] for o in ("color", "size") if state.get(o)},
                },
            )
    if re.fullmatch(
        r"(?:and |or |what about )?(?:that|it|this)(?: one)? in [a-z ]+\??", text
    ) and state.get("last_product"):
        args = {}
        _options(text, args)
        if args:  # "that in red": the same product, another option
            return Intent(
                "add_to_cart", {"product_id": state["last_product"], "quantity": 1, **args}
            )
    if re.search(r"\b(add|buy|put|take|get me|i'?ll take)\b", text):
        args = {}
        rest = _options(text, args)
        product_id = _reference(rest, state)
        if product_id is None and not re.search(r"\b(it|that|this)\b", text):
            product_id = state.get("last_product")
        if product_id is None:
            return Intent(
                None, {"reply": 'Which product? Search for it first, then say "add the first one".'}
            )
        for option in ("color", "size"):  # as the shopper narrowed the last search
            if option not in args and state.get(option):
                args[option] = state[option]
        return Intent(
            "add_to_cart", {"product_id": product_id, "quantity": _quantity(rest), **args}
        )
    if re.search(r"\b(in stock|available|which store|stores?|near)\b", text):
        product_id = _reference(text, state) or state.get("last_product")
        if product_id is not None:
            m = re.search(r".*\b(?:in|at|near)\s+([a-z][a-z ]*?)\s*\??$", text)
            city = m[1].title() if m and m[1] not in ("stock", "store", "a store", "stores") else ""
            return Intent("stock_by_location", {"product_id": product_id, "city": city})
    if re.search(r"\b(tell me|more about|details|describe)\b", text):
        product_id = _reference(text, state)
        if product_id is not None:
            return Intent("product_details", {"product_id": product_id})
    if re.search(r"^(hi|hello|hey|help|what can you do)\b", text):
        return Intent(None)
    args = {}
    rest = _price(text, args)
    rest = _options(rest, args)
    query = re.sub(r"\s+", " ", FILLER.sub(" ", re.sub(r"[^a-z0-9' -]", " ", rest))).strip()
    if not query and not args:
        return Intent(None)
    return Intent("search_products", {"query": query, **args})

"""Card numbers: checked and described here, then dropped. Only brand, prefix and last four
are kept (what PCI DSS allows to be stored and shown)."""

import re

# (brand, pattern on the leading digits, allowed lengths)
_BRANDS = (
    ("amex", re.compile(r"^3[47]"), {15}),
    ("visa", re.compile(r"^4"), {13, 16, 19}),
    ("mastercard", re.compile(r"^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))"), {16}),
    ("discover", re.compile(r"^(6011|65|64[4-9])"), {16, 19}),
    ("jcb", re.compile(r"^35(2[89]|[3-8]\d)"), {16, 19}),
    ("rupay", re.compile(r"^(60|81|82|508)"), {16}),
)


def normalize_card_number(raw: str) -> str:
    """Digits only; spaces and dashes as people type them are dropped."""
    return re.sub(r"[\s-]", "", raw or "")


def luhn_valid(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card_brand(number: str) -> str | None:
    """The brand of a number whose prefix and length fit one, else None."""
    for brand, pattern, lengths in _BRANDS:
        if pattern.match(number) and len(number) in lengths:
            return brand
    return None

"""The points rules, as API.md sets them: what a dollar of points is worth, what a paid order
earns and what a refund takes back. Pure arithmetic on amounts passed in (cart.pricing computes
every amount of money); loyalty.services moves the points, orders says when."""

import math
from decimal import Decimal

POINTS_PER_DOLLAR = 100  # points redeemed per dollar off


def points_earned(*, merchandise: Decimal) -> int:
    """A paid order earns a point per whole dollar of merchandise (after every discount, before
    tax and shipping)."""
    return math.floor(merchandise)


def points_reversed(
    *,
    earned: int,
    reversed_so_far: int,
    returned_value: Decimal,
    subtotal: Decimal,
    completes_order: bool,
) -> int:
    """The points a refund takes back: the returned units' share of what the order earned, as
    cart.pricing.refund shares out the money. The return that completes the order takes what is
    left, so the reversals add up to exactly what was earned."""
    left = earned - reversed_so_far
    if completes_order or subtotal == 0:
        return left
    return min(math.floor(earned * returned_value / subtotal), left)

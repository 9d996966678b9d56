"""Loyalty tiers by lifetime points, as API.md sets them."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Tier:
    name: str  # lower-case, as the API says it
    min_points: int
    discount_percent: int
    benefits: tuple[str, ...]

    @property
    def rate(self) -> Decimal:
        return Decimal(self.discount_percent) / 100

    @property
    def title(self) -> str:
        return self.name.title()


TIERS = (
    Tier("bronze", 0, 0, ("Earn 1 point per dollar", "Redeem 100 points for $1 off")),
    Tier(
        "silver", 500, 5, ("5% off every order", "Earn 1 point per dollar", "Members-only coupons")
    ),
    Tier("gold", 2000, 10, ("10% off every order", "Gold coupons", "Priority support")),
    Tier(
        "platinum",
        5000,
        15,
        ("15% off every order", "All coupons", "Priority support", "Early access to launches"),
    ),
)
TIER_NAMES = [tier.name for tier in TIERS]
BY_NAME = {tier.name: tier for tier in TIERS}


def tier_for(lifetime_points: int) -> Tier:
    reached = TIERS[0]
    for tier in TIERS:
        if lifetime_points >= tier.min_points:
            reached = tier
    return reached


def next_tier(tier: Tier) -> Tier | None:
    index = TIERS.index(tier)
    return TIERS[index + 1] if index + 1 < len(TIERS) else None


def at_least(tier_name: str, minimum: str) -> bool:
    return TIER_NAMES.index(tier_name) >= TIER_NAMES.index(minimum)

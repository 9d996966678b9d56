"""Demo coupons, and Jane at Gold with points to spend."""

from decimal import Decimal

from accounts.models import User
from loyalty import services
from loyalty.models import Coupon

DEMO_COUPONS = [
    dict(
        code="WELCOME10",
        description="10% off your order",
        discount_type="percent",
        discount_value=Decimal(10),
    ),
    dict(
        code="SAVE5",
        description="$5 off orders of $40 or more",
        discount_type="fixed",
        discount_value=Decimal(5),
        min_purchase=Decimal(40),
    ),
    dict(
        code="GOLD20",
        description="20% off for Gold members and above, up to $50",
        discount_type="percent",
        discount_value=Decimal(20),
        max_discount=Decimal(50),
        min_tier="gold",
    ),
]


def seed_loyalty() -> None:
    for fields in DEMO_COUPONS:
        Coupon.objects.get_or_create(code=fields["code"], defaults=fields)
    jane = User.objects.filter(username="jane").first()
    if jane is not None and services.account_for(jane).lifetime_points == 0:
        services.earn_points(user=jane, points=2600, reason="Orders before this shop moved online")
        services.spend_points(user=jane, points=1100, reason="Redeemed in store")


def load_demo(**options) -> list[str]:
    """seed_demo's part: the coupons, and Jane at Gold (after accounts made her)."""
    seed_loyalty()
    return []

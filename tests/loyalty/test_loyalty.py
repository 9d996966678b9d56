"""Loyalty: tiers, points ledger, coupons on the cart with a code for every refusal, staff API."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from loyalty import services
from loyalty.models import Coupon, CouponRedemption, LoyaltyAccount, PointsEntry
from tests.catalog import builders
from tests.conftest import bearer_client, full_mode_only

pytestmark = pytest.mark.django_db


def coupon(code="WELCOME10", **fields) -> Coupon:
    defaults = dict(discount_type="percent", discount_value=Decimal(10), description="10% off")
    return Coupon.objects.create(code=code, **{**defaults, **fields})


@pytest.fixture
def cart_of_60(user_api):
    item = builders.product("Sixty Dollar Jacket", price="60.00", variants=[("", "", 10)])
    user_api.post("/api/cart/items", {"product_id": item.pk}, format="json")
    return user_api


def set_lifetime(user, lifetime, points=None):
    account = services.account_for(user)
    LoyaltyAccount.objects.filter(pk=account.pk).update(
        lifetime_points=lifetime, points=lifetime if points is None else points
    )


# Tiers and profile


@pytest.mark.parametrize(
    "lifetime, tier, next_tier, to_go",
    [
        (0, "bronze", "silver", 500),
        (499, "bronze", "silver", 1),
        (500, "silver", "gold", 1500),
        (1999, "silver", "gold", 1),
        (2000, "gold", "platinum", 3000),
        (5000, "platinum", None, 0),
    ],
)
def test_tier_follows_lifetime_points(user_api, user, lifetime, tier, next_tier, to_go):
    set_lifetime(user, lifetime)
    body = user_api.get("/api/loyalty/profile").json()
    assert (body["tier"], body["next_tier"], body["points_to_next_tier"]) == (
        tier,
        next_tier,
        to_go,
    )
    assert body["discount_percent"] == {"bronze": 0, "silver": 5, "gold": 10, "platinum": 15}[tier]
    assert body["benefits"]
    assert user_api.get("/api/users/profile").json()["loyalty"] == {
        "tier": tier,
        "points": lifetime,
    }


def test_tiers_list(api):
    tiers = api.get("/api/loyalty/tiers").json()
    assert [(t["name"], t["min_points"], t["discount_percent"]) for t in tiers] == [
        ("bronze", 0, 0),
        ("silver", 500, 5),
        ("gold", 2000, 10),
        ("platinum", 5000, 15),
    ]


def test_loyalty_needs_sign_in(api):
    assert api.get("/api/loyalty/profile").status_code == 401
    assert api.post("/api/loyalty/apply-coupon", {"code": "X"}, format="json").status_code == 401


def test_the_ledger_adds_up(user):
    services.earn_points(user=user, points=300, order_id=1)
    services.spend_points(user=user, points=200, order_id=2)
    services.reverse_points(user=user, points=-300, order_id=1, reason="refund")
    services.adjust_points(user=user, points=50, reason="goodwill")
    account = services.account_for(user)
    account.refresh_from_db()
    entries = list(PointsEntry.objects.filter(account=account).order_by("id"))
    assert [(e.kind, e.points, e.balance_after) for e in entries] == [
        ("earn", 300, 300),
        ("redeem", -200, 100),
        ("reversal", -100, 0),
        ("adjustment", 50, 50),
    ]
    assert account.points == sum(e.points for e in entries) == 50
    with pytest.raises(services.InsufficientPoints):
        services.spend_points(user=user, points=51)


# Coupons on the cart


def test_apply_and_remove_a_coupon_case_insensitively(cart_of_60):
    coupon()
    totals = cart_of_60.post(
        "/api/loyalty/apply-coupon", {"code": "welcome10"}, format="json"
    ).json()
    assert (totals["coupon_discount"], totals["total"]) == ("6.00", "58.32")
    assert cart_of_60.get("/api/cart").json()["coupon_code"] == "WELCOME10"
    removed = cart_of_60.delete("/api/loyalty/apply-coupon").json()
    assert removed["coupon_discount"] == "0.00"


@pytest.mark.parametrize(
    "fields, code, status",
    [
        (None, "coupon_not_found", 404),
        (dict(is_active=False), "coupon_not_found", 404),
        (
            dict(
                valid_until=timezone.now() - timedelta(days=1),
                valid_from=timezone.now() - timedelta(days=9),
            ),
            "coupon_expired",
            400,
        ),
        (dict(valid_from=timezone.now() + timedelta(days=1)), "coupon_not_yet_valid", 400),
        (dict(min_tier="gold"), "coupon_tier_required", 403),
        (dict(min_purchase=Decimal("75.00")), "coupon_min_purchase", 400),
        (dict(usage_limit=1), "coupon_used_up", 409),
    ],
)
def test_every_reason_a_coupon_cannot_apply_has_its_code(
    cart_of_60, other_user, fields, code, status
):
    if fields is not None:
        made = coupon("SAVE", **fields)
        if "usage_limit" in fields:
            services.redeem_coupon(coupon=made, user=other_user)
    response = cart_of_60.post("/api/loyalty/apply-coupon", {"code": "SAVE"}, format="json")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert cart_of_60.get("/api/cart").json()["coupon_code"] is None


def test_a_coupon_already_used_by_this_user(cart_of_60, user):
    made = coupon("ONCE", per_user_limit=1)
    services.redeem_coupon(coupon=made, user=user)
    response = cart_of_60.post("/api/loyalty/apply-coupon", {"code": "ONCE"}, format="json")
    assert response.json()["error"]["code"] == "coupon_used_up"


def test_a_coupon_that_stops_applying_is_reported_on_the_cart(cart_of_60, user):
    coupon("BIG", min_purchase=Decimal("50.00"))
    cart_of_60.post("/api/loyalty/apply-coupon", {"code": "BIG"}, format="json")
    item_id = cart_of_60.get("/api/cart").json()["items"][0]["id"]
    cart_of_60.put(f"/api/cart/items/{item_id}", {"quantity": 1}, format="json")
    Coupon.objects.filter(code="BIG").update(min_purchase=Decimal("70.00"))
    body = cart_of_60.get("/api/cart").json()
    assert body["coupon_problem"]["code"] == "coupon_min_purchase"
    assert body["totals"]["coupon_discount"] == "0.00"
    assert cart_of_60.post("/api/cart/checkout").json()["error"]["code"] == "coupon_min_purchase"


def test_usable_coupons_for_this_user(user_api, user):
    coupon("WELCOME10")
    coupon("GOLD20", min_tier="gold", max_discount=Decimal(50))
    coupon(
        "OLD",
        valid_from=timezone.now() - timedelta(days=9),
        valid_until=timezone.now() - timedelta(days=1),
    )
    coupon("OFF", is_active=False)
    assert [c["code"] for c in user_api.get("/api/loyalty/coupons").json()] == ["WELCOME10"]
    set_lifetime(user, 2500)
    listed = user_api.get("/api/loyalty/coupons").json()
    assert [c["code"] for c in listed] == ["GOLD20", "WELCOME10"]
    assert set(listed[0]) == {
        "code",
        "description",
        "discount_type",
        "discount_value",
        "min_purchase",
        "max_discount",
        "min_tier",
        "valid_from",
        "valid_until",
    }


# Points on the cart


def test_redeem_points_on_the_cart(cart_of_60, user):
    set_lifetime(user, 2500, points=1200)
    totals = cart_of_60.post("/api/loyalty/redeem-points", {"points": 500}, format="json").json()
    # gold: 60 x 10% = 6.00 off, then 5.00 of points
    assert (totals["loyalty_discount"], totals["points_discount"], totals["points_used"]) == (
        "6.00",
        "5.00",
        500,
    )
    assert cart_of_60.get("/api/cart").json()["points_redeemed"] == 500
    # Points leave the balance only when an order is paid.
    assert LoyaltyAccount.objects.get(user=user).points == 1200
    assert cart_of_60.delete("/api/loyalty/redeem-points").json()["points_discount"] == "0.00"


@pytest.mark.parametrize("points, code", [(150, "invalid_points"), (1300, "insufficient_points")])
def test_points_must_be_hundreds_within_the_balance(cart_of_60, user, points, code):
    set_lifetime(user, 1200)
    response = cart_of_60.post("/api/loyalty/redeem-points", {"points": points}, format="json")
    assert response.json()["error"]["code"] == code


# Staff


@pytest.fixture
def staff_api(django_user_model):
    return bearer_client(
        django_user_model.objects.create_user(
            "clerk", "clerk@example.com", "pw-clerk-2026", is_staff=True
        )
    )


def test_staff_create_coupons(staff_api, user_api):
    body = {
        "code": "spring15",
        "description": "Spring",
        "discount_type": "percent",
        "discount_value": "15.00",
        "min_purchase": "30.00",
        "max_discount": "25.00",
        "min_tier": "silver",
        "valid_from": timezone.now().isoformat(),
        "is_active": True,
        "usage_limit": 100,
        "per_user_limit": 1,
    }
    response = staff_api.post("/api/staff/coupons", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "SPRING15" and response.json()["times_used"] == 0
    again = staff_api.post("/api/staff/coupons", body, format="json")
    assert again.status_code == 400 and "code" in again.json()["error"]["details"]
    too_much = staff_api.post(
        "/api/staff/coupons", {**body, "code": "X1", "discount_value": "120"}, format="json"
    )
    assert "discount_value" in too_much.json()["error"]["details"]
    assert (
        user_api.post("/api/staff/coupons", {**body, "code": "X2"}, format="json").status_code
        == 403
    )


def test_staff_adjust_points_with_a_reason(staff_api, user_api, user):
    response = staff_api.post(
        "/api/staff/loyalty/adjust",
        {"user_id": user.pk, "points": 250, "reason": "Late delivery"},
        format="json",
    )
    assert response.status_code == 201
    assert (
        response.json()["points"],
        response.json()["balance_after"],
        response.json()["kind"],
    ) == (250, 250, "adjustment")
    too_much = staff_api.post(
        "/api/staff/loyalty/adjust",
        {"user_id": user.pk, "points": -300, "reason": "oops"},
        format="json",
    )
    assert too_much.status_code == 409 and too_much.json()["error"]["code"] == "insufficient_points"
    assert (
        staff_api.post(
            "/api/staff/loyalty/adjust", {"user_id": user.pk, "points": 5}, format="json"
        ).status_code
        == 400
    )
    assert (
        staff_api.post(
            "/api/staff/loyalty/adjust",
            {"user_id": 999999, "points": 5, "reason": "x"},
            format="json",
        ).status_code
        == 404
    )
    assert (
        user_api.post(
            "/api/staff/loyalty/adjust",
            {"user_id": user.pk, "points": 5, "reason": "me"},
            format="json",
        ).status_code
        == 403
    )
    assert PointsEntry.objects.get(points=250).created_by.username == "clerk"


# Races (PostgreSQL)


def run_together(count, work):
    start = threading.Barrier(count)
    outcomes = []

    def one():
        start.wait()
        try:
            work()
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the outcome is what we count
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@full_mode_only
@pytest.mark.django_db(transaction=True)
def test_a_coupon_at_its_limit_is_used_exactly_that_often(user, other_user):
    made = coupon("LAST3", usage_limit=3)
    outcomes = run_together(8, lambda: services.redeem_coupon(coupon=made, user=other_user))
    assert outcomes.count("ok") == 3 and outcomes.count("CouponUsedUp") == 5
    made.refresh_from_db()
    assert made.times_used == 3 == CouponRedemption.objects.filter(coupon=made).count()


@full_mode_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_spending_never_takes_points_below_zero(user):
    services.earn_points(user=user, points=500)
    outcomes = run_together(8, lambda: services.spend_points(user=user, points=200))
    assert outcomes.count("ok") == 2 and outcomes.count("InsufficientPoints") == 6
    account = LoyaltyAccount.objects.get(user=user)
    assert (
        account.points
        == 100
        == sum(PointsEntry.objects.filter(account=account).values_list("points", flat=True))
    )

"""Points and coupons. Balances change only here, each change a ledger row, each decrement a
conditional UPDATE so that concurrent spending can never take a balance below zero or a
coupon past its limit."""

import functools
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.errors import APIError
from core.sql import add_returning, preparing_cursor, saved
from loyalty.models import Coupon, CouponRedemption, LoyaltyAccount, PointsEntry
from loyalty.rules import POINTS_PER_DOLLAR
from loyalty.tiers import at_least, next_tier, tier_for


class CouponError(APIError):
    status_code = 400


class CouponNotFound(CouponError):
    status_code = 404
    default_code = "coupon_not_found"
    default_detail = "There is no coupon with this code."


class CouponExpired(CouponError):
    default_code = "coupon_expired"
    default_detail = "This coupon has expired."


class CouponNotYetValid(CouponError):
    default_code = "coupon_not_yet_valid"
    default_detail = "This coupon is not valid yet."


class CouponTierRequired(CouponError):
    status_code = 403
    default_code = "coupon_tier_required"


class CouponMinimumPurchase(CouponError):
    default_code = "coupon_min_purchase"


class CouponUsedUp(CouponError):
    status_code = 409
    default_code = "coupon_used_up"
    default_detail = "This coupon has been used up."


class InvalidPoints(APIError):
    default_code = "invalid_points"


class InsufficientPoints(APIError):
    status_code = 409
    default_code = "insufficient_points"


# Accounts


def account_for(user: User) -> LoyaltyAccount:
    """The user's account as it is now (never a copy cached on a long-lived user object)."""
    return LoyaltyAccount.objects.get_or_create(user=user)[0]


def tier_of(user) -> str:
    """The user's tier name; everyone not signed in is bronze."""
    if user is None or not user.is_authenticated:
        return "bronze"
    return account_for(user).tier


def _record(
    account_id: int, *, kind, points: int, order_id=None, reason="", created_by=None
) -> PointsEntry:
    balance = LoyaltyAccount.objects.filter(pk=account_id).values_list("points", flat=True).get()
    return _entry(
        account_id,
        balance,
        kind=kind,
        points=points,
        order_id=order_id,
        reason=reason,
        created_by=created_by,
    )


def _entry(
    account_id: int, balance: int, *, kind, points: int, order_id=None, reason="", created_by=None
) -> PointsEntry:
    return PointsEntry.objects.create(
        account_id=account_id,
        kind=kind,
        points=points,
        balance_after=balance,
        order_id=order_id,
        reason=reason,
        created_by=created_by,
    )


def _change_points(
    *,
    user: User,
    points: int,
    lifetime: int = 0,
    floor: int | None = None,
    kind: str,
    order_id: int | None,
    reason: str,
) -> PointsEntry | None:
    """Add ``points`` to the user's balance (and ``lifetime`` to lifetime points), only while
    the balance is at least ``floor``, and write the ledger row: the row, or None when the
    balance is under ``floor``. The account is made on first use.

    On PostgreSQL the balance's UPDATE and the ledger's INSERT are one statement (an order's
    points were two round trips); when it matches no account (none yet, or a balance under
    ``floor``), and on other databases, the general way below."""
    now = timezone.now()
    entry = PointsEntry(kind=kind, points=points, order_id=order_id, reason=reason, created_at=now)
    if connection.vendor == "postgresql":
        params = [points, lifetime, user.pk, *([floor] if floor is not None else [])]
        with preparing_cursor() as cursor:
            cursor.execute(
                _points_sql(with_floor=floor is not None),
                [*params, kind, points, order_id, reason, now],
            )
            row = cursor.fetchone()
        if row is not None:
            pk, entry.account_id, entry.balance_after = row
            saved(entry, pk)  # as create() leaves it
            return entry
    changed = _add_points(user=user, points=points, lifetime=lifetime, floor=floor)
    if changed is None:
        return None
    entry.account_id, entry.balance_after = changed
    entry.save(force_insert=True)
    return entry


@functools.cache
def _points_sql(*, with_floor: bool) -> str:
    """_change_points' statement on PostgreSQL, built once (with or without the floor)."""
    quote = connection.ops.quote_name
    accounts, entries = LoyaltyAccount._meta, PointsEntry._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    balance, lifetime_points = column(accounts, "points"), column(accounts, "lifetime_points")
    at_least = f" AND {balance} >= %s" if with_floor else ""
    written = ("account", "kind", "points", "balance_after", "order_id", "reason", "created_at")
    return (
        f"WITH account AS (UPDATE {quote(accounts.db_table)} SET {balance} = {balance} + %s, "
        f"{lifetime_points} = {lifetime_points} + %s "
        f"WHERE {column(accounts, 'user')} = %s{at_least} RETURNING id, {balance}) "
        f"INSERT INTO {quote(entries.db_table)} "
        f"({', '.join(column(entries, name) for name in written)}) "
        f"SELECT id, %s, %s, {balance}, %s::bigint, %s, %s FROM account "
        f"RETURNING id, {column(entries, 'account')}, {column(entries, 'balance_after')}"
    )


def _add_points(
    *, user: User, points: int, lifetime: int = 0, floor: int | None = None
) -> tuple[int, int] | None:
    """Add ``points`` to the user's balance (and ``lifetime`` to lifetime points), only while the
    balance is at least ``floor``: (account id, new balance), or None when it is not. One
    statement in the usual case; the account is made on first use."""
    where = {"user": user.pk} if floor is None else {"user": user.pk, "points__gte": floor}
    change = {"points": points, "lifetime_points": lifetime}
    changed = add_returning(LoyaltyAccount, where=where, add=change, returning=("id", "points"))
    if changed is None and not LoyaltyAccount.objects.filter(user=user).exists():
        account_for(user)
        changed = add_returning(LoyaltyAccount, where=where, add=change, returning=("id", "points"))
    return changed


# savepoint=False: an order pays inside its own transaction; a savepoint costs two round trips.
@transaction.atomic(savepoint=False)
def earn_points(
    *, user: User, points: int, order_id: int | None = None, reason: str = ""
) -> PointsEntry:
    return _change_points(
        user=user,
        points=points,
        lifetime=points,
        kind=PointsEntry.Kind.EARN,
        order_id=order_id,
        reason=reason,
    )


@transaction.atomic(savepoint=False)
def spend_points(
    *, user: User, points: int, order_id: int | None = None, reason: str = ""
) -> PointsEntry:
    """Take ``points`` off the balance, or raise InsufficientPoints: never below zero."""
    entry = _change_points(
        user=user,
        points=-points,
        floor=points,
        kind=PointsEntry.Kind.REDEEM,
        order_id=order_id,
        reason=reason,
    )
    if entry is None:
        balance = account_for(user).points
        raise InsufficientPoints(f"Not enough points: {points} needed.", balance=balance)
    return entry


@transaction.atomic
def reverse_points(
    *, user: User, points: int, order_id: int | None = None, reason: str = ""
) -> PointsEntry:
    """Give back (points > 0) or take back (points < 0) what an order moved. Taking back
    also lowers lifetime points; neither goes below zero."""
    account = LoyaltyAccount.objects.select_for_update().get(pk=account_for(user).pk)
    change = max(points, -account.points)
    account.points += change
    if points < 0:
        account.lifetime_points = max(0, account.lifetime_points + points)
    account.save(update_fields=["points", "lifetime_points", "updated_at"])
    return _record(
        account.pk, kind=PointsEntry.Kind.REVERSAL, points=change, order_id=order_id, reason=reason
    )


@transaction.atomic
def adjust_points(
    *, user: User, points: int, reason: str, staff: User | None = None
) -> PointsEntry:
    """A staff correction; a negative one can't take the balance below zero."""
    if not reason.strip():
        raise InvalidPoints("Say why the points are adjusted.", field="reason")
    account = account_for(user)
    if points < 0:
        taken = LoyaltyAccount.objects.filter(pk=account.pk, points__gte=-points).update(
            points=F("points") + points
        )
        if not taken:
            raise InsufficientPoints(
                f"The balance is {_balance(account.pk)}; it can't go below zero.",
                balance=_balance(account.pk),
            )
    else:
        LoyaltyAccount.objects.filter(pk=account.pk).update(
            points=F("points") + points, lifetime_points=F("lifetime_points") + points
        )
    return _record(
        account.pk,
        kind=PointsEntry.Kind.ADJUSTMENT,
        points=points,
        reason=reason.strip(),
        created_by=staff,
    )


def _balance(account_id: int) -> int:
    return LoyaltyAccount.objects.filter(pk=account_id).values_list("points", flat=True).get()


def check_redeemable(*, user: User, points: int) -> None:
    """Points to put towards a cart: a positive multiple of 100, at most the balance."""
    if points <= 0 or points % POINTS_PER_DOLLAR:
        raise InvalidPoints("Redeem points in positive multiples of 100.", field="points")
    balance = account_for(user).points
    if points > balance:
        raise InsufficientPoints(f"You have {balance} points.", balance=balance)


def redeemable_points(user: User) -> int:
    """The most points the user can put towards a cart now: their balance in whole dollars."""
    balance = account_for(user).points
    return balance - balance % POINTS_PER_DOLLAR


def profile(user: User) -> dict:
    account = account_for(user)
    tier = tier_for(account.lifetime_points)
    following = next_tier(tier)
    return {
        "tier": tier.name,
        "points": account.points,
        "lifetime_points": account.lifetime_points,
        "discount_percent": tier.discount_percent,
        "benefits": list(tier.benefits),
        "next_tier": following.name if following else None,
        "points_to_next_tier": max(0, following.min_points - account.lifetime_points)
        if following
        else 0,
    }


# Coupons


def find_coupon(code: str) -> Coupon:
    coupon = Coupon.objects.by_code(code).first()
    if coupon is None or not coupon.is_active:
        raise CouponNotFound()
    return coupon


def check_coupon(coupon: Coupon, *, user, subtotal: Decimal, now=None) -> None:
    """Raise the CouponError saying why ``coupon`` can't apply now, if it can't."""
    now = now or timezone.now()
    if not coupon.is_active:
        raise CouponNotFound()
    if coupon.valid_from > now:
        raise CouponNotYetValid(f"{coupon.code} is valid from {coupon.valid_from:%B %-d, %Y}.")
    if coupon.valid_until is not None and coupon.valid_until <= now:
        raise CouponExpired(f"{coupon.code} expired on {coupon.valid_until:%B %-d, %Y}.")
    if coupon.usage_limit is not None and coupon.times_used >= coupon.usage_limit:
        raise CouponUsedUp()
    tier = tier_of(user)
    if not at_least(tier, coupon.min_tier):
        raise CouponTierRequired(
            f"{coupon.code} is for {coupon.min_tier.title()} members and above.",
            min_tier=coupon.min_tier,
        )
    if coupon.per_user_limit is not None and user is not None and user.is_authenticated:
        used = CouponRedemption.objects.filter(coupon=coupon, user=user).count()
        if used >= coupon.per_user_limit:
            raise CouponUsedUp("You have already used this coupon.")
    if subtotal < coupon.min_purchase:
        raise CouponMinimumPurchase(
            f"{coupon.code} needs a subtotal of at least ${coupon.min_purchase}.",
            min_purchase=str(coupon.min_purchase),
        )


def usable_coupons(user) -> list[Coupon]:
    """Coupons this user can use now (a minimum purchase is shown, not checked)."""
    tier = tier_of(user)
    coupons = Coupon.objects.valid_at(timezone.now())
    used = {}
    if user is not None and user.is_authenticated:
        for coupon_id in CouponRedemption.objects.filter(user=user).values_list(
            "coupon_id", flat=True
        ):
            used[coupon_id] = used.get(coupon_id, 0) + 1
    return [
        c
        for c in coupons
        if at_least(tier, c.min_tier)
        and (c.usage_limit is None or c.times_used < c.usage_limit)
        and (c.per_user_limit is None or used.get(c.pk, 0) < c.per_user_limit)
    ]


@transaction.atomic
def redeem_coupon(*, coupon: Coupon, user: User, order_id: int | None = None) -> CouponRedemption:
    """Count one use, at the moment an order is paid. The conditional UPDATE makes the
    usage limit hold under concurrent orders."""
    if coupon.per_user_limit is not None:
        # Serialise this user's redemptions of this coupon.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if (
            CouponRedemption.objects.filter(coupon=coupon, user=user).count()
            >= coupon.per_user_limit
        ):
            raise CouponUsedUp("You have already used this coupon.")
    limited = Coupon.objects.filter(pk=coupon.pk)
    if coupon.usage_limit is not None:
        limited = limited.filter(times_used__lt=F("usage_limit"))
    if not limited.update(times_used=F("times_used") + 1):
        raise CouponUsedUp()
    return CouponRedemption.objects.create(coupon=coupon, user=user, order_id=order_id)


@transaction.atomic
def release_coupon(*, coupon_id: int, user: User, order_id: int) -> None:
    """Undo redeem_coupon for an order that was not paid or was cancelled."""
    deleted, _ = CouponRedemption.objects.filter(
        coupon_id=coupon_id, user=user, order_id=order_id
    ).delete()
    if deleted:
        Coupon.objects.filter(pk=coupon_id, times_used__gt=0).update(times_used=F("times_used") - 1)

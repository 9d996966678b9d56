"""The Django side of the order benchmark, run by `python -m bench` in a process of its own:

    python -m bench.orderprep shoppers --users 64 --spread 2000   shoppers, tokens, products (JSON)
    python -m bench.orderprep reset [--hot-product ID --hot-stock 200]   empty carts, hot stock (JSON)

Shoppers are bench-shopper-NNN@example.com, each with one address and the approved test card
4242 4242 4242 4242; made once (bulk, unusable passwords: no hashing) and reused. Stock of the
hot product is set through catalog.stock, the one place stock changes, so the variant and
product totals stay in step.
"""

import argparse
import json
import os
import random
import sys

from bench.db import bench_env

APPROVED_CARD = "4242424242424242"
EMAIL = "bench-shopper-{:03d}@example.com"
HOT_WAREHOUSE_SHARE = 0.6  # the rest at the first store: an order may take from two locations


def setup_django() -> None:
    os.environ.update(bench_env())
    import django

    django.setup()


def shoppers(count: int) -> list:
    """``count`` shoppers with an address and the approved card each, made when missing."""
    from django.db import transaction

    from accounts import services as accounts
    from accounts.models import Address, PaymentMethod, User

    emails = [EMAIL.format(i) for i in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    missing = []
    for i, email in enumerate(emails):
        if email not in existing:
            user = User(
                email=email, username=f"bench-shopper-{i:03d}", full_name=f"Bench Shopper {i}"
            )
            user.set_unusable_password()
            missing.append(user)
    User.objects.bulk_create(missing)
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    with_address = set(Address.objects.filter(user__in=users).values_list("user_id", flat=True))
    with_card = set(
        PaymentMethod.objects.filter(user__in=users, prefix="424242", last_four="4242").values_list(
            "user_id", flat=True
        )
    )
    with transaction.atomic():
        for user in users:
            if user.pk not in with_address:
                accounts.add_address(
                    user=user,
                    street="1 Bench Street",
                    city="Reno",
                    state="NV",
                    zip_code="89501",
                    country="US",
                )
            if user.pk not in with_card:
                accounts.add_payment_method(
                    user=user, type="card", card_number=APPROVED_CARD, exp_month=12, exp_year=2031
                )
    return users


def tokens(users) -> list[dict]:
    from accounts.models import Address, PaymentMethod
    from accounts.tokens import issue_token_pair

    address = dict(
        Address.objects.filter(user__in=users, is_default=True).values_list("user_id", "id")
    )
    card = dict(
        PaymentMethod.objects.filter(user__in=users, prefix="424242", last_four="4242")
        .order_by("id")
        .values_list("user_id", "id")
    )
    return [
        {
            "user_id": u.pk,
            "email": u.email,
            "token": issue_token_pair(u)["access"],
            "address_id": address[u.pk],
            "payment_method_id": card[u.pk],
        }
        for u in users
    ]


def spread_products(count: int, *, min_stock: int = 30, seed: int = 11) -> list[dict]:
    """One well-stocked variant from each of ``count`` products (fixed sample): orders that
    don't contend for the same rows."""
    from catalog.models import ProductVariant

    rows = list(
        ProductVariant.objects.filter(product__is_active=True, stock__gte=min_stock)
        .order_by("product_id", "id")
        .distinct("product_id")
        .values("product_id", "id", "color", "size", "stock")
    )
    random.Random(seed).shuffle(rows)
    return [
        {
            "product_id": r["product_id"],
            "variant_id": r["id"],
            "color": r["color"],
            "size": r["size"],
        }
        for r in rows[:count]
    ]


def hot_product_id() -> int:
    """A fixed product with a single variant: every buyer wants the very same row."""
    from django.db.models import Count

    from catalog.models import Product

    return (
        Product.objects.filter(is_active=True)
        .annotate(n=Count("variants"))
        .filter(n=1)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def set_hot_stock(product_id: int, units: int) -> dict:
    """The hot product's single variant gets ``units``: most at the warehouse, the rest at the
    first store, none elsewhere."""
    from catalog import stock
    from catalog.models import Product, StockLevel, StockLocation

    product = Product.objects.get(pk=product_id)
    variants = list(product.variants.all())
    if len(variants) != 1:
        sys.exit(f"hot product {product_id} has {len(variants)} variants; expected one")
    variant = variants[0]
    locations = list(StockLocation.objects.filter(is_active=True).order_by("id"))
    warehouse = next(loc for loc in locations if loc.kind == StockLocation.Kind.WAREHOUSE)
    store = next(loc for loc in locations if loc.kind == StockLocation.Kind.STORE)
    wanted = {loc.pk: 0 for loc in locations}
    wanted[warehouse.pk] = round(units * HOT_WAREHOUSE_SHARE)
    wanted[store.pk] = units - wanted[warehouse.pk]
    for level in StockLevel.objects.filter(variant=variant).exclude(location_id__in=wanted):
        stock.set_stock_level(
            sku=variant.sku, location_id=level.location_id, quantity=0
        )  # inactive ones
    for location_id, quantity in wanted.items():
        stock.set_stock_level(sku=variant.sku, location_id=location_id, quantity=quantity)
    product.refresh_from_db()
    if product.stock != units:
        sys.exit(f"hot product {product_id}: stock {product.stock} after setting {units}")
    return {
        "product_id": product.pk,
        "variant_id": variant.pk,
        "name": product.name,
        "sku": variant.sku,
        "color": variant.color,
        "size": variant.size,
        "start": units,
        "levels": {str(k): v for k, v in wanted.items() if v},
    }


def empty_carts(users) -> int:
    """Carts start empty: an interrupted run can leave an item behind."""
    from cart.models import Cart, CartItem

    removed, _ = CartItem.objects.filter(cart__user__in=users).delete()
    Cart.objects.filter(user__in=users).update(coupon=None, points_to_redeem=0)
    return removed


def main() -> None:
    p = argparse.ArgumentParser(
        prog="python -m bench.orderprep",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("step", choices=["shoppers", "reset"])
    p.add_argument("--users", type=int, default=64)
    p.add_argument("--spread", type=int, default=2000, help="products for the uncontended setup")
    p.add_argument("--hot-product", type=int, help="reset: set this product's stock to --hot-stock")
    p.add_argument("--hot-stock", type=int, default=200)
    args = p.parse_args()
    setup_django()
    users = shoppers(args.users)
    if args.step == "shoppers":
        out = {
            "users": tokens(users),
            "spread": spread_products(args.spread),
            "hot_product_id": hot_product_id(),
        }
    else:
        out = {"carts_emptied_items": empty_carts(users)}
        if args.hot_product:
            out["hot"] = set_hot_stock(args.hot_product, args.hot_stock)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

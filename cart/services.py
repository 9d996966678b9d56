"""Every change to a cart, and the priced view of one that the API, pages and agent show."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cart import pricing
from cart.models import MAX_QUANTITY, Cart, CartItem, CheckoutSession
from catalog.models import Product, ProductVariant
from catalog.queries import first_picture_url, with_first_picture
from catalog.stock import InsufficientStock
from core.errors import APIError
from core.sql import ForIds
from loyalty import services as loyalty
from loyalty.tiers import BY_NAME, tier_for

CHECKOUT_MINUTES = 15


class ProductNotFound(APIError):
    status_code = 404
    default_code = "product_not_found"
    default_detail = "This product is not for sale."


class CartItemNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such item in your cart."


class EmptyCart(APIError):
    default_code = "empty_cart"
    default_detail = "Your cart is empty."


class CartNeedsAttention(APIError):
    status_code = 409
    default_code = "insufficient_stock"


class SignInRequired(APIError):
    status_code = 401
    default_code = "not_authenticated"
    default_detail = "Sign in to use coupons and points."


# Finding the cart


SESSION_CART_KEY = "cart_token"


def _with_loyalty(carts):
    """Carts read with what pricing needs of their owner's loyalty account, joined: its
    points and lifetime points (None when there is no account yet). A query fewer than
    reading the account afterwards."""
    return carts.annotate(
        owner_points=F("user__loyalty_account__points"),
        owner_lifetime_points=F("user__loyalty_account__lifetime_points"),
    )


# A signed-in user's cart, read on every cart request: compiled once.
_USER_CART = ForIds(lambda: _with_loyalty(Cart.objects.all()), "user_id")


def cart_for(*, user=None, session=None, create: bool = True) -> Cart | None:
    """The signed-in user's cart, else the visitor's (a token in their session, which
    survives the session key changing at sign-in); made on first use when ``create``."""
    if user is not None and user.is_authenticated:
        found = _USER_CART.objects([user.pk])
        if found:
            return found[0]
        return Cart.objects.get_or_create(user=user)[0] if create else None
    if session is None:
        return None
    token = session.get(SESSION_CART_KEY)
    cart = Cart.objects.filter(session_key=token, user=None).first() if token else None
    if cart is None and create:
        token = uuid.uuid4().hex
        session[SESSION_CART_KEY] = token
        cart = Cart.objects.create(session_key=token)
    return cart


@transaction.atomic
def adopt_visitor_cart(*, user, session) -> None:
    """On sign-in: the visitor's cart joins the user's (quantities add up, capped at 99)."""
    token = session.pop(SESSION_CART_KEY, None)
    if not token:
        return
    visitor = Cart.objects.select_for_update().filter(session_key=token, user=None).first()
    if visitor is None:
        return
    mine = _lock(cart_for(user=user))
    for item in visitor.items.all():
        existing = mine.items.filter(variant_id=item.variant_id).first()
        if existing:
            existing.quantity = min(MAX_QUANTITY, existing.quantity + item.quantity)
            existing.save(update_fields=["quantity"])
        else:
            CartItem.objects.create(cart=mine, variant_id=item.variant_id, quantity=item.quantity)
    if mine.coupon_id is None and visitor.coupon_id:
        mine.coupon_id = visitor.coupon_id
        mine.save(update_fields=["coupon", "updated_at"])
    visitor.delete()


def _lock(cart: Cart) -> Cart:
    """Changes to one cart queue behind each other (two tabs adding at once)."""
    return Cart.objects.select_for_update().get(pk=cart.pk)


def _touch(cart: Cart) -> None:
    """Mark the cart as used now; the UPDATE also locks its row, as _lock does, in one statement."""
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


# Abandoned carts are told by updated_at, in days (delete_abandoned_carts): an add marks its
# cart as used at most this often, not with a write of its own every time.
MARK_USED_EVERY = timedelta(hours=1)


def _mark_used(cart: Cart) -> None:
    now = timezone.now()
    if cart.updated_at is None or now - cart.updated_at >= MARK_USED_EVERY:
        Cart.objects.filter(pk=cart.pk).update(updated_at=now)
        cart.updated_at = now


# Items


def _variant_for(
    product: Product, variants: list[ProductVariant], *, color: str, size: str
) -> ProductVariant:
    colors = sorted({v.color for v in variants if v.color})
    sizes = sorted({v.size for v in variants if v.size}, key=lambda s: (len(s), s))
    errors = {}
    if colors and not color:
        errors["color"] = [f"Choose a color: {', '.join(colors)}."]
    elif color and color.lower() not in {c.lower() for c in colors}:
        errors["color"] = [f"{product.name} comes in {', '.join(colors) or 'one color only'}."]
    if sizes and not size:
        errors["size"] = [f"Choose a size: {', '.join(sizes)}."]
    elif size and size.lower() not in {s.lower() for s in sizes}:
        errors["size"] = [f"{product.name} comes in sizes {', '.join(sizes) or 'one size only'}."]
    if errors:
        raise ValidationError(errors)
    for variant in variants:
        if variant.color.lower() == color.lower() and variant.size.lower() == size.lower():
            return variant
    raise ValidationError(
        {"size": [f"{product.name} isn't made in {color} {size}.".replace("  ", " ")]}
    )


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": [f"Choose a quantity from 1 to {MAX_QUANTITY}."]})


def _check_stock(variant: ProductVariant, quantity: int) -> None:
    if quantity > variant.stock:
        options = ", ".join(p for p in (variant.color, variant.size) if p)
        what = f"{variant.product.name} ({options})" if options else variant.product.name
        message = (
            f"Only {variant.stock} left of {what}." if variant.stock else f"{what} is sold out."
        )
        raise InsufficientStock(message, available=variant.stock)


_VARIANTS_FOR_SALE = ForIds(
    lambda: (
        ProductVariant.objects.filter(product__is_active=True)
        .select_related("product")
        .order_by("position", "id")
    ),
    "product_id",
)


def _for_sale(product_id: int) -> tuple[Product, list[ProductVariant]]:
    """The active product and its variants, in one query (each variant joined to it)."""
    variants = _VARIANTS_FOR_SALE.objects([product_id])
    if not variants:  # no such product for sale, or one without variants
        product = Product.objects.active().filter(pk=product_id).first()
        if product is None:
            raise ProductNotFound()
        return product, []
    product = variants[0].product
    for variant in variants:
        variant.product = product
    return product, variants


def add_item(
    *, cart: Cart, product_id: int, quantity: int, color: str = "", size: str = ""
) -> CartItem:
    """Add ``quantity`` of the product's variant in ``color`` and ``size`` to the cart: its line
    raised, or a new one, never past MAX_QUANTITY or the stock. One statement changes the cart,
    so concurrent adds (two tabs, the chat agent beside the page) all count, and none needs a
    transaction of its own."""
    _check_quantity(quantity)
    product, variants = _for_sale(product_id)
    variant = _variant_for(
        product, variants, color=(color or "").strip(), size=(size or "").strip()
    )
    _check_stock(variant, quantity)
    _mark_used(cart)
    item = _add_to_line(cart, variant, quantity, at_most=min(MAX_QUANTITY, variant.stock))
    if item is None:  # the line holds too many already: say which limit it meets
        total = quantity + (
            cart.items.filter(variant=variant).values_list("quantity", flat=True).first() or 0
        )
        if total > MAX_QUANTITY:
            raise ValidationError({"quantity": [f"At most {MAX_QUANTITY} of one item per order."]})
        _check_stock(variant, total)
    return item


def _add_to_line(
    cart: Cart, variant: ProductVariant, quantity: int, *, at_most: int
) -> CartItem | None:
    """Raise the cart's line of ``variant`` by ``quantity``, or make it, in one statement (an
    upsert, where the ORM would read the line first, and the line's row locked while it is
    raised); None, changing nothing, when the line would pass ``at_most``."""
    table = connection.ops.quote_name(CartItem._meta.db_table)
    added_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (cart_id, variant_id, quantity, added_at) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (cart_id, variant_id) DO UPDATE "
            f"SET quantity = {table}.quantity + excluded.quantity "
            f"WHERE {table}.quantity + excluded.quantity <= %s RETURNING id, quantity",
            [cart.pk, variant.pk, quantity, added_at, at_most],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    item_id, total = row
    return CartItem(pk=item_id, cart=cart, variant=variant, quantity=total)


@transaction.atomic
def set_quantity(*, cart: Cart, item_id: int, quantity: int) -> CartItem | None:
    """Change an item's quantity; 0 removes it (and returns None)."""
    _lock(cart)
    item = cart.items.select_related("variant__product").filter(pk=item_id).first()
    if item is None:
        raise CartItemNotFound()
    if quantity == 0:
        item.delete()
        return None
    _check_quantity(quantity)
    if quantity > item.quantity:  # lowering a quantity is always allowed
        _check_stock(item.variant, quantity)
    # Filtered, not item.save(): a removal (which takes no lock) may have come first.
    if not cart.items.filter(pk=item_id).update(quantity=quantity):
        raise CartItemNotFound()
    item.quantity = quantity
    return item


@transaction.atomic
def change_quantity(*, cart: Cart, item_id: int, add: int = 0, times: int = 1) -> CartItem | None:
    """A line's quantity multiplied by ``times`` and raised by ``add`` ("double it", "two
    more"), read and set under the cart's lock."""
    _lock(cart)
    # The line's row locked too: an add (which takes no cart lock) waits, and counts.
    current = (
        cart.items.select_for_update().filter(pk=item_id).values_list("quantity", flat=True).first()
    )
    if current is None:
        raise CartItemNotFound()
    return set_quantity(cart=cart, item_id=item_id, quantity=current * times + add)


@transaction.atomic
def change_options(*, cart: Cart, item_id: int, color: str = "", size: str = "") -> CartItem:
    """Swap a line for the same product in another colour and/or size (the ones not given stay
    as they were), keeping its quantity; merged into a line of that variant already there."""
    _lock(cart)
    item = cart.items.select_related("variant").filter(pk=item_id).first()
    if item is None:
        raise CartItemNotFound()
    quantity, variant = item.quantity, item.variant
    item.delete()
    return add_item(
        cart=cart,
        product_id=variant.product_id,
        quantity=quantity,
        color=color or variant.color,
        size=size or variant.size,
    )


@transaction.atomic
def clear(*, cart: Cart) -> int:
    """Take every line out of the cart; how many there were."""
    _touch(cart)
    removed, _ = cart.items.all().delete()
    return removed


def remove_item(*, cart: Cart, item_id: int) -> None:
    """Take a line out of the cart: one DELETE, which needs no lock of the cart's (a change of
    the same line that comes second finds it gone)."""
    if not 0 < item_id < 2**63:  # no such row; the database would refuse the number
        raise CartItemNotFound()
    table = connection.ops.quote_name(CartItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s AND cart_id = %s", [item_id, cart.pk])
        if not cursor.rowcount:
            raise CartItemNotFound()


# Coupons and points


@transaction.atomic
def apply_coupon(*, cart: Cart, user, code: str) -> None:
    coupon = loyalty.find_coupon(code)
    loyalty.check_coupon(coupon, user=user, subtotal=_priceable_subtotal(cart))
    cart = _lock(cart)
    cart.coupon = coupon
    cart.save(update_fields=["coupon", "updated_at"])


def remove_coupon(*, cart: Cart) -> None:
    Cart.objects.filter(pk=cart.pk).update(coupon=None, updated_at=timezone.now())


def redeem_points(*, cart: Cart, user, points: int) -> None:
    """Put ``points`` towards this cart (0 takes them off); they leave the balance when the
    order is paid."""
    if user is None or not user.is_authenticated:
        raise SignInRequired()
    if points:
        loyalty.check_redeemable(user=user, points=points)
    Cart.objects.filter(pk=cart.pk).update(points_to_redeem=points, updated_at=timezone.now())


# The priced cart


@dataclass
class CartLine:
    item: CartItem
    unit_price: object
    problem: str | None = None  # unavailable, out_of_stock, insufficient_stock
    available: int | None = None
    image_url: str | None = None  # the product's first image, when asked for

    @property
    def subtotal(self):
        return pricing.line_total(self.unit_price, self.item.quantity)


@dataclass
class PricedCart:
    cart: Cart
    lines: list[CartLine]
    totals: pricing.Totals
    coupon_problem: APIError | None = None
    points_problem: str | None = None

    @property
    def item_count(self) -> int:
        return sum(line.item.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)


def _cart_items():
    return CartItem.objects.select_related("variant__product")


# The lines of a cart, compiled once: the cart is read on every add, change and order, and the
# first picture's subqueries cost more to compile than to run.
_ITEMS = ForIds(_cart_items, "cart_id")
# With each line's first picture in the same query (subqueries), not all of them in a second.
_ITEMS_WITH_PICTURES = ForIds(
    lambda: with_first_picture(_cart_items(), "variant__product"), "cart_id"
)


def _items(cart: Cart, *, with_images: bool) -> list[CartItem]:
    items = (_ITEMS_WITH_PICTURES if with_images else _ITEMS).objects([cart.pk])
    for item in items:
        item.cart = cart
    return items


def _lines(cart: Cart, *, with_images: bool = False) -> list[CartLine]:
    if cart.pk is None:
        return []
    lines = []
    for item in _items(cart, with_images=with_images):
        variant = item.variant
        line = CartLine(
            item=item,
            unit_price=variant.price,
            image_url=first_picture_url(item) if with_images else None,
        )
        if not variant.product.is_active:
            line.problem = "unavailable"
        elif variant.stock <= 0:
            line.problem, line.available = "out_of_stock", 0
        elif item.quantity > variant.stock:
            line.problem, line.available = "insufficient_stock", variant.stock
        lines.append(line)
    return lines


def _buyable(lines: list[CartLine]) -> list[pricing.Line]:
    """What can be bought counts towards the totals; unavailable and sold-out lines don't."""
    return [
        pricing.Line(line.unit_price, line.item.quantity)
        for line in lines
        if line.problem not in ("unavailable", "out_of_stock")
    ]


def _priceable_subtotal(cart: Cart):
    return pricing.compute(_buyable(_lines(cart))).subtotal


def _loyalty_standing(cart: Cart, user) -> tuple[int, str]:
    """The signed-in user's points balance and tier name: as read with their cart
    (_with_loyalty), else read now."""
    if cart.user_id == user.pk and hasattr(cart, "owner_points"):
        return cart.owner_points or 0, tier_for(cart.owner_lifetime_points or 0).name
    account = loyalty.account_for(user)
    return account.points, account.tier


def priced_cart(cart: Cart, *, user, with_images: bool = True) -> PricedCart:
    """``with_images``: each line's image_url, for showing the cart (an order needs none)."""
    lines = _lines(cart, with_images=with_images)
    buyable = _buyable(lines)
    subtotal = pricing.compute(buyable).subtotal
    coupon_terms, coupon_problem = None, None
    if cart.coupon_id:
        coupon = cart.coupon
        try:
            loyalty.check_coupon(coupon, user=user, subtotal=subtotal)
            coupon_terms = pricing.CouponTerms(
                coupon.discount_type, coupon.discount_value, coupon.max_discount
            )
        except loyalty.CouponError as problem:
            coupon_problem = problem
    points, points_problem = 0, None
    signed_in = user is not None and user.is_authenticated
    balance, tier = _loyalty_standing(cart, user) if signed_in else (0, "bronze")
    if cart.points_to_redeem and signed_in:
        points = min(cart.points_to_redeem, balance)
        if points < cart.points_to_redeem:
            points_problem = f"You have {balance} points now; {points} are used."
    tier_rate = BY_NAME[tier].rate
    totals = pricing.compute(buyable, coupon=coupon_terms, tier_rate=tier_rate, points=points)
    return PricedCart(
        cart=cart,
        lines=lines,
        totals=totals,
        coupon_problem=coupon_problem,
        points_problem=points_problem,
    )


# Checkout: a cart on its way to becoming an order


def check_buyable(*, priced: PricedCart) -> None:
    """Raise what keeps this cart from being bought as it is, first found first: EmptyCart;
    CartNeedsAttention for its first line that is unavailable, sold out or short of stock; or
    its coupon's problem. Starting a checkout and placing an order both ask."""
    if not priced.lines:
        raise EmptyCart()
    for line in priced.lines:
        if line.problem:
            raise CartNeedsAttention(
                f"{line.item.variant.product.name} can't be bought as it is in your cart "
                f"({line.problem.replace('_', ' ')}).",
                item_id=line.item.pk,
                problem=line.problem,
                available=line.available,
            )
    if priced.coupon_problem is not None:
        raise priced.coupon_problem


@transaction.atomic
def start_checkout(*, cart: Cart, user) -> CheckoutSession:
    """Check stock and coupon again and freeze the priced cart for CHECKOUT_MINUTES."""
    priced = priced_cart(cart, user=user)
    check_buyable(priced=priced)
    return CheckoutSession.objects.create(
        cart=cart,
        user=user if user is not None and user.is_authenticated else None,
        items=[
            {
                "variant_id": line.item.variant_id,
                "sku": line.item.variant.sku,
                "quantity": line.item.quantity,
                "price": f"{line.unit_price:.2f}",
            }
            for line in priced.lines
        ],
        totals=priced.totals.as_dict(),
        expires_at=timezone.now() + timedelta(minutes=CHECKOUT_MINUTES),
    )


def lock_for_checkout(*, user_id: int, to_order: bool = False) -> Cart | None:
    """The user's cart, locked until the transaction ends (None when they have none). Placing
    an order takes this lock before it locks the order's row, every time: with one lock order
    a retry that holds the cart while it looks for its Idempotency-Key can't deadlock with the
    request paying for that order.

    ``to_order``: read with it, not locked, what pricing it and writing its order need of the
    owner: their loyalty points (_with_loyalty) and names (owner_full_name, owner_username)."""
    found = (_CART_TO_ORDER if to_order else _CART_LOCKED).objects([user_id])
    return found[0] if found else None


# Read twice by every order placed: compiled once.
_CART_LOCKED = ForIds(lambda: Cart.objects.select_for_update(of=("self",)), "user_id")
_CART_TO_ORDER = ForIds(
    lambda: _with_loyalty(Cart.objects.select_for_update(of=("self",))).annotate(
        owner_full_name=F("user__full_name"), owner_username=F("user__username")
    ),
    "user_id",
)


def clear_ordered(*, cart: Cart | None, variant_ids: Iterable[int]) -> None:
    """Once an order is paid: the lines of the variants it bought leave the cart (other lines,
    added meanwhile, stay), with the coupon and points used on it. Call it holding
    lock_for_checkout's lock (so the cart's coupon and points are as they are now)."""
    if cart is None:
        return
    variant_ids = list(variant_ids)
    if variant_ids:
        # One DELETE, as remove_item's (the ORM's delete() first asks what else to delete).
        table = connection.ops.quote_name(CartItem._meta.db_table)
        listed = ", ".join(["%s"] * len(variant_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE cart_id = %s AND variant_id IN ({listed})",
                [cart.pk, *variant_ids],
            )
    if cart.coupon_id is not None or cart.points_to_redeem:
        Cart.objects.filter(pk=cart.pk).update(coupon=None, points_to_redeem=0)


def item_count(*, user=None, session=None) -> int:
    cart = cart_for(user=user, session=session, create=False)
    if cart is None:
        return 0
    return sum(cart.items.values_list("quantity", flat=True))


def delete_abandoned_carts(*, empty_days: int, anonymous_days: int) -> int:
    """Empty carts untouched for ``empty_days`` and visitors' carts untouched for
    ``anonymous_days`` go; a signed-in user's cart with items in it stays."""
    now = timezone.now()
    empty = Cart.objects.filter(items__isnull=True, updated_at__lt=now - timedelta(days=empty_days))
    anonymous = Cart.objects.filter(
        user__isnull=True, updated_at__lt=now - timedelta(days=anonymous_days)
    )
    deleted = Cart.objects.filter(pk__in=empty.values("pk")).delete()[1].get("cart.Cart", 0)
    deleted += anonymous.delete()[1].get("cart.Cart", 0)
    return deleted

"""Every change to a wishlist and to "notify me when available" requests, and the back-in-stock
notice: one mail and one socket event per waiting user when a sold-out variant comes back."""

import structlog
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product, ProductVariant
from catalog.stock import StockChange
from core.errors import APIError
from core.realtime import send_to_user
from mail import services as mail
from wishlist.emails import BACK_IN_STOCK
from wishlist.models import StockWatch, WishlistItem

log = structlog.get_logger(__name__)

Status = StockWatch.Status
CLAIM_BATCH = 500  # ids per UPDATE: well under every backend's limit of parameters


class ProductNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "This product is not for sale."


class WishlistItemNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such item in your saved products."


class InStock(APIError):
    default_code = "in_stock"
    default_detail = "This is in stock now: no need to wait for it."


def _for_sale(product_id: int, *, lock: bool = False) -> Product:
    products = Product.objects.active()
    if lock:
        products = products.select_for_update()
    product = products.filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound()
    return product


def _variant_of(product: Product, variant_id: int, *, lock: bool = False) -> ProductVariant:
    variants = ProductVariant.objects.filter(pk=variant_id, product_id=product.pk)
    if lock:
        variants = variants.select_for_update()
    variant = variants.first()
    if variant is None:
        raise ValidationError({"variant_id": [f"Not a variant of {product.name}."]})
    variant.product = product
    return variant


# The wishlist


def save_product(
    *, user, product_id: int, variant_id: int | None = None
) -> tuple[WishlistItem, bool]:
    """Save a product (or one variant of it) for later; saving it again changes nothing.
    Returns the entry and whether it is new."""
    product = _for_sale(product_id)
    variant = _variant_of(product, variant_id) if variant_id is not None else None
    # get_or_create looks again when a concurrent save wins the unique constraint.
    return WishlistItem.objects.get_or_create(user=user, product=product, variant=variant)


def remove_item(*, user, item_id: int) -> None:
    deleted, _ = WishlistItem.objects.filter(pk=item_id, user=user).delete()
    if not deleted:
        raise WishlistItemNotFound()


# Notify me when available


@transaction.atomic
def request_notification(
    *, user, product_id: int, variant_id: int | None = None
) -> tuple[StockWatch, bool]:
    """Ask for a notice when the variant (or, without one, any variant of the product) is back
    in stock. Refused while it is in stock; asking again while the request waits changes
    nothing. Returns the request and whether it is new.

    The variant's (or product's) row is locked while its stock is read, as catalog.stock locks
    it to change that total: a restock either commits first (and this is refused: in stock) or
    waits for this request, whose row its after-commit notice then finds.
    """
    product = _for_sale(product_id, lock=variant_id is None)
    variant = _variant_of(product, variant_id, lock=True) if variant_id is not None else None
    watched = variant if variant is not None else product
    if watched.stock > 0:
        raise InStock(f"{watched} is in stock now: no need to wait for it.", stock=watched.stock)
    return StockWatch.objects.get_or_create(
        user=user, product=product, variant=variant, status=Status.PENDING
    )


# Back in stock


def on_stock_changed(sender, *, change: StockChange, **kwargs) -> None:
    """catalog.stock's stock_changed receiver, after the change committed. A change that takes
    stock (an order) or leaves the variant sold out costs nothing: it brings nothing back; one
    that nobody waits for, one indexed query. Never raises: the change it follows is done, and
    other receivers come after it."""
    if change.added <= 0 or change.variant_stock <= 0:
        return
    try:
        notify_waiting(product_id=change.product_id, variant_id=change.variant_id)
    except Exception:
        log.exception(
            "back_in_stock_failed", product_id=change.product_id, variant_id=change.variant_id
        )


def notify_waiting(*, product_id: int, variant_id: int) -> int:
    """The variant ``variant_id`` of ``product_id`` is in stock: tell everyone waiting for it, or
    for any variant of the product, once. Returns how many users were told.

    Each request is claimed with a conditional UPDATE (pending -> notified) before anything is
    sent, so when two stock changes race only one of them wins each request; its mail is
    queued in the same transaction (a rollback leaves the request pending, nothing sent) and
    its socket event goes out after commit.
    """
    waiting = list(
        StockWatch.objects.filter(
            Q(variant_id=variant_id) | Q(variant_id=None),
            status=Status.PENDING,
            product_id=product_id,
            product__is_active=True,
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    if not waiting:
        return 0
    with transaction.atomic():
        claimed = [
            pk
            for start in range(0, len(waiting), CLAIM_BATCH)
            for pk in _claim(waiting[start : start + CLAIM_BATCH])
        ]
        watches = (
            StockWatch.objects.filter(pk__in=claimed)
            .select_related("product", "variant")
            .order_by("pk")
        )
        frames: dict[int, dict] = {}
        for watch in watches:
            if watch.user_id in frames:  # waiting for the variant and for the product: one notice
                continue
            notice = _notice(watch, variant_id)
            mail.queue(event=BACK_IN_STOCK, user=watch.user_id, about=watch, data=notice)
            frames[watch.user_id] = {"type": "back_in_stock", **notice}
        if frames:
            transaction.on_commit(lambda: _tell_sockets(frames), robust=True)
    log.info("back_in_stock", product_id=product_id, variant_id=variant_id, told=len(frames))
    return len(frames)


def _claim(ids: list[int]) -> list[int]:
    """``UPDATE ... SET status = notified WHERE status = pending AND id IN ids RETURNING id``:
    the ids this caller won (PostgreSQL; SQLite 3.35+). A concurrent claim of the same rows
    waits for this one and then finds them notified."""
    quote = connection.ops.quote_name
    column = {name: quote(StockWatch._meta.get_field(name).column) for name in ("id", "status")}
    notified_at = quote(StockWatch._meta.get_field("notified_at").column)
    sql = (
        f"UPDATE {quote(StockWatch._meta.db_table)} "
        f"SET {column['status']} = %s, {notified_at} = %s "
        f"WHERE {column['status']} = %s AND {column['id']} IN ({', '.join(['%s'] * len(ids))}) "
        f"RETURNING {column['id']}"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.NOTIFIED.value, now, Status.PENDING.value, *ids])
        return [row[0] for row in cursor.fetchall()]


def _notice(watch: StockWatch, variant_id: int) -> dict:
    """What the mail and the socket event say: the product, the variant that is back, the
    name the user asked about and the product's page."""
    return {
        "product_id": watch.product_id,
        "variant_id": variant_id,
        "name": str(watch.variant) if watch.variant_id else watch.product.name,
        "url": reverse("catalog:product", args=[watch.product.slug]),
    }


def _tell_sockets(frames: dict[int, dict]) -> None:
    for user_id, frame in frames.items():
        send_to_user(user_id, frame)  # logs a failure, never raises

"""The one place stock changes. Every change of a stock level goes through here, keeps the
variant and product totals in step, and announces itself once its transaction commits.

Rows are locked in one order everywhere: stock levels, then variants, then products, each by
primary key, so concurrent changes queue instead of deadlocking.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

import structlog
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone

from catalog import response_cache
from catalog.models import Product, ProductVariant, StockLevel, StockLocation, stock_status
from core.errors import APIError
from core.sql import ForIds, add_returning, preparing_cursor

# Sent after commit with change=StockChange; never for a rolled-back change.
stock_changed = Signal()

log = structlog.get_logger(__name__)


def _announce(change: "StockChange") -> None:
    """Tell every receiver; one that fails is logged and doesn't keep the change (committed
    already) from the others, or fail the request that made it."""
    for receiver, result in stock_changed.send_robust(sender=StockChange, change=change):
        if isinstance(result, Exception):
            log.error(
                "stock_changed_receiver_failed",
                receiver=getattr(receiver, "__qualname__", repr(receiver)),
                sku=change.sku,
                exc_info=result,
            )


@dataclass(frozen=True)
class StockChange:
    product_id: int
    variant_id: int
    sku: str
    location_id: int
    location: str
    new_quantity: int  # at this location
    added: int  # units, at this location: negative when taken
    variant_stock: int
    product_stock: int
    at: datetime

    @property
    def stock_status(self) -> str:
        return stock_status(self.product_stock)


class InsufficientStock(APIError):
    status_code = 409
    default_code = "insufficient_stock"


class UnknownStock(APIError):
    status_code = 404
    default_code = "not_found"


@transaction.atomic
def set_stock_level(*, sku: str, location_id: int, quantity: int) -> StockChange:
    """Set the stock of ``sku`` at a location, e.g. after a count or from a supplier feed."""
    if quantity < 0:
        raise InsufficientStock("Stock can't be negative.", available=0)
    variant = ProductVariant.objects.filter(sku=sku).select_related("product").first()
    if variant is None:
        raise UnknownStock(f"No variant with SKU {sku}.")
    location = StockLocation.objects.filter(pk=location_id).first()
    if location is None:
        raise UnknownStock(f"No stock location {location_id}.")
    level, _ = StockLevel.objects.get_or_create(variant=variant, location=location)
    level = StockLevel.objects.select_for_update().select_related("location").get(pk=level.pk)
    level.variant = variant
    delta = quantity - level.quantity
    changes = _move(
        [Allocation(variant.pk, location.pk, abs(delta))],
        sign=1 if delta >= 0 else -1,
        levels={(variant.pk, location.pk): level},
    )
    return changes[0]


def load_levels(levels: list[StockLevel]) -> None:
    """Bulk-load new stock levels (demo data, first import): no events; recount_totals() after."""
    StockLevel.objects.bulk_create(levels, batch_size=1000)


@transaction.atomic
def recount_totals() -> int:
    """Recompute every variant's and product's stock from the levels (repairs, bulk loads)."""
    level_sum = (
        StockLevel.objects.filter(variant=OuterRef("pk"))
        .values("variant")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    response_cache.forget_catalog()
    ProductVariant.objects.update(stock=Coalesce(Subquery(level_sum), 0))
    variant_sum = (
        ProductVariant.objects.filter(product=OuterRef("pk"))
        .values("product")
        .annotate(total=Sum("stock"))
        .values("total")
    )
    return Product.objects.update(stock=Coalesce(Subquery(variant_sum), 0))


@dataclass(frozen=True)
class Allocation:
    """Units of a variant taken from (or given back to) one location."""

    variant_id: int
    location_id: int
    quantity: int


def _levels_locked():
    """Stock levels with their location and variant, locked in primary-key order."""
    return (
        StockLevel.objects.select_for_update(of=("self",))
        .select_related("location", "variant")
        .order_by("pk")
    )


# Locked by every order and every release: compiled once.
_LEVELS_LOCKED = ForIds(_levels_locked, "variant_id")
_ACTIVE_LEVELS_LOCKED = ForIds(
    lambda: _levels_locked().filter(location__is_active=True), "variant_id"
)


# savepoint=False: callers are already atomic (an order, a return), and a savepoint costs two
# round trips; a failure here fails the caller's transaction as a whole, as it should.
@transaction.atomic(savepoint=False)
def reserve(items: list[tuple[int, int]]) -> list[Allocation]:
    """Take ``[(variant_id, quantity)]`` from stock, warehouses first, then stores; all or
    nothing. Raises InsufficientStock naming the first variant that falls short.

    The levels of every variant involved are locked (by primary key, the same order for every
    caller) before anything is counted, so concurrent checkouts queue and none can oversell.
    """
    wanted: dict[int, int] = {}
    for variant_id, quantity in items:
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    levels = _ACTIVE_LEVELS_LOCKED.objects(sorted(wanted))
    allocations = []
    for variant_id in sorted(wanted):
        needed = wanted[variant_id]
        own = sorted(
            (level for level in levels if level.variant_id == variant_id),
            key=lambda level: (
                level.location.kind != StockLocation.Kind.WAREHOUSE,
                level.location_id,
            ),
        )
        available = sum(level.quantity for level in own)
        if available < needed:
            variant = ProductVariant.objects.select_related("product").get(
                pk=variant_id
            )  # the message names it
            options = ", ".join(part for part in (variant.color, variant.size) if part)
            what = f"{variant.product.name} ({options})" if options else variant.product.name
            raise InsufficientStock(
                f"Only {available} left of {what}.", available=available, sku=variant.sku
            )
        for level in own:
            if needed == 0:
                break
            taken = min(level.quantity, needed)
            if taken:
                allocations.append(Allocation(variant_id, level.location_id, taken))
                needed -= taken
    _move(allocations, sign=-1, levels={(lv.variant_id, lv.location_id): lv for lv in levels})
    return allocations


@transaction.atomic(savepoint=False)
def release(allocations: list[Allocation]) -> None:
    """Put reserved or sold units back where they came from (declines, cancellations, returns)."""
    if not allocations:
        return
    variant_ids = {a.variant_id for a in allocations}
    levels = _LEVELS_LOCKED.objects(sorted(variant_ids))
    by_key = {(lv.variant_id, lv.location_id): lv for lv in levels}
    for allocation in allocations:
        if (allocation.variant_id, allocation.location_id) not in by_key:
            level, _ = StockLevel.objects.get_or_create(
                variant_id=allocation.variant_id, location_id=allocation.location_id
            )
            by_key[(level.variant_id, level.location_id)] = (
                StockLevel.objects.select_related("location", "variant")
                .select_for_update(of=("self",))
                .get(pk=level.pk)
            )
    _move(allocations, sign=1, levels=by_key)


def _move(allocations: list[Allocation], *, sign: int, levels: dict) -> list[StockChange]:
    """Apply allocations to the locked levels (loaded with their location and variant), then the
    variant and product totals (by primary key), and announce each change once the transaction
    commits."""
    per_variant: dict[int, int] = {}
    variants: dict[int, ProductVariant] = {}
    now = timezone.now()
    moved = []
    for allocation in allocations:
        level = levels[(allocation.variant_id, allocation.location_id)]
        level.quantity += sign * allocation.quantity
        level.updated_at = now
        moved.append(level)
        per_variant[allocation.variant_id] = (
            per_variant.get(allocation.variant_id, 0) + sign * allocation.quantity
        )
        variants[allocation.variant_id] = level.variant
    per_product: dict[int, int] = {}
    for variant_id, delta in per_variant.items():
        product_id = variants[variant_id].product_id
        per_product[product_id] = per_product.get(product_id, 0) + delta
    if connection.vendor == "postgresql":
        variant_totals, product_totals = _write_moves(moved, per_variant, per_product, now)
    else:
        if len(moved) == 1:  # most orders: a plain UPDATE, cheaper to build than bulk_update's CASE
            moved[0].save(update_fields=["quantity", "updated_at"])
        else:  # one UPDATE for all: they are locked already, so the order it writes them in is moot
            StockLevel.objects.bulk_update(moved, ["quantity", "updated_at"])
        variant_totals = {
            variant_id: _add_to_stock(ProductVariant, pk=variant_id, delta=per_variant[variant_id])
            for variant_id in sorted(per_variant)
        }
        product_totals = {
            product_id: _add_to_stock(Product, pk=product_id, delta=per_product[product_id])
            for product_id in sorted(per_product)
        }
    changes = []
    for allocation in allocations:
        level = levels[(allocation.variant_id, allocation.location_id)]
        variant = variants[allocation.variant_id]
        change = StockChange(
            product_id=variant.product_id,
            variant_id=variant.pk,
            sku=variant.sku,
            location_id=level.location_id,
            location=level.location.name,
            new_quantity=level.quantity,
            added=sign * allocation.quantity,
            variant_stock=variant_totals[variant.pk],
            product_stock=product_totals[variant.product_id],
            at=now,
        )
        changes.append(change)
        transaction.on_commit(lambda change=change: _announce(change))
    return changes


def _write_moves(
    levels: list[StockLevel], per_variant: dict[int, int], per_product: dict[int, int], now
) -> tuple[dict[int, int], dict[int, int]]:
    """On PostgreSQL, the levels' new quantities and the variant and product totals written in
    one statement (a sale of one item was three round trips): {variant_id: stock} and
    {product_id: stock}. Variants and products are joined in primary-key order, so their rows
    are locked in the same order as everywhere else (the levels are locked already)."""

    def in_id_order(value_by_id: dict[int, int]) -> tuple[list[int], list[int]]:
        ids = sorted(value_by_id)
        return ids, [value_by_id[pk] for pk in ids]

    quantities = {level.pk: level.quantity for level in levels}
    params = [now, *in_id_order(quantities)]
    params += [*in_id_order(per_variant), *in_id_order(per_product)]
    with preparing_cursor() as cursor:
        cursor.execute(_moves_sql(), params)
        rows = cursor.fetchall()
    return (
        {pk: stock for is_product, pk, stock in rows if not is_product},
        {pk: stock for is_product, pk, stock in rows if is_product},
    )


@functools.cache
def _moves_sql() -> str:
    """_write_moves' statement (PostgreSQL's quoting), built once."""
    quote = connection.ops.quote_name

    def add_stock(model) -> str:
        table, stock = quote(model._meta.db_table), quote(model._meta.get_field("stock").column)
        return (
            f"UPDATE {table} AS t SET {stock} = t.{stock} + d.delta "
            f"FROM (SELECT * FROM unnest(%s::bigint[], %s::integer[]) AS d(id, delta) ORDER BY id) AS d "
            f"WHERE t.id = d.id RETURNING t.id, t.{stock}"
        )

    quantity = quote(StockLevel._meta.get_field("quantity").column)
    updated_at = quote(StockLevel._meta.get_field("updated_at").column)
    return (
        f"WITH levels AS (UPDATE {quote(StockLevel._meta.db_table)} AS t "
        f"SET {quantity} = d.quantity, {updated_at} = %s "
        "FROM unnest(%s::bigint[], %s::integer[]) AS d(id, quantity) WHERE t.id = d.id), "
        f"variants AS ({add_stock(ProductVariant)}), products AS ({add_stock(Product)}) "
        # UNION ALL reads the variants to the end first: variants, then products, as elsewhere.
        "SELECT false, * FROM variants UNION ALL SELECT true, * FROM products"
    )


def _add_to_stock(model: type[Product] | type[ProductVariant], *, pk: int, delta: int) -> int:
    return add_returning(model, where={"id": pk}, add={"stock": delta}, returning=("stock",))[0]

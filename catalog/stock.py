"""The one place stock changes. Every change of a stock level goes through here, keeps the
variant and product totals in step, and announces itself once its transaction commits.

Rows are locked in one order everywhere: stock levels, then variants, then products, each by
primary key, so concurrent changes queue instead of deadlocking.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone

from catalog.models import Product, ProductVariant, StockLevel, StockLocation, stock_status
from config.errors import APIError

# Sent after commit with change=StockChange; never for a rolled-back change.
stock_changed = Signal()


@dataclass(frozen=True)
class StockChange:
    product_id: int
    variant_id: int
    sku: str
    location_id: int
    location: str
    new_quantity: int  # at this location
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
    level = StockLevel.objects.select_for_update().get(pk=level.pk)
    delta = quantity - level.quantity
    level.quantity = quantity
    level.save(update_fields=["quantity", "updated_at"])
    return _apply_totals(variant, location, level.quantity, delta)


def _apply_totals(variant, location, new_quantity: int, delta: int) -> StockChange:
    if delta:
        ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") + delta)
        Product.objects.filter(pk=variant.product_id).update(stock=F("stock") + delta)
    variant_stock, product_stock = ProductVariant.objects.filter(pk=variant.pk).values_list(
        "stock", "product__stock"
    ).get()
    change = StockChange(
        product_id=variant.product_id,
        variant_id=variant.pk,
        sku=variant.sku,
        location_id=location.pk,
        location=location.name,
        new_quantity=new_quantity,
        variant_stock=variant_stock,
        product_stock=product_stock,
        at=timezone.now(),
    )
    transaction.on_commit(lambda: stock_changed.send(sender=StockChange, change=change))
    return change


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
    ProductVariant.objects.update(stock=Coalesce(Subquery(level_sum), 0))
    variant_sum = (
        ProductVariant.objects.filter(product=OuterRef("pk"))
        .values("product")
        .annotate(total=Sum("stock"))
        .values("total")
    )
    return Product.objects.update(stock=Coalesce(Subquery(variant_sum), 0))

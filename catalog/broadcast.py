"""Every committed stock change goes to every socket that streams the inventory group
(catalog.stock sends the signal after commit; this turns it into the inventory_update event of
API.md)."""

from catalog.stock import StockChange
from core.realtime import broadcast

INVENTORY_GROUP = "inventory"


def inventory_frame(change: StockChange) -> dict:
    return {
        "type": "inventory_update",
        "product_id": change.product_id,
        "variant_id": change.variant_id,
        "sku": change.sku,
        "new_quantity": change.new_quantity,
        "location": change.location,
        "location_id": change.location_id,
        "variant_stock": change.variant_stock,
        "product_stock": change.product_stock,
        "stock_status": change.stock_status,
        "timestamp": change.at.isoformat(),
    }


def broadcast_stock_change(sender, change: StockChange, **kwargs) -> None:
    broadcast(INVENTORY_GROUP, inventory_frame(change))

"""Where events come from: receivers of the signals orders and catalog send (orders and catalog
know nothing of webhooks), and what each event's data holds. Each runs in the transaction of
the change it tells of, except stock.changed, which catalog sends once its change committed."""

from functools import cache

from catalog.models import Product
from catalog.stock import StockChange
from orders.models import Order, Return
from webhooks import services

Status = Order.Status
# Product fields the shop keeps up to date itself: saving only these is no edit of the product.
DERIVED = {"stock", "rating", "reviews_count", "search_extra", "updated_at"}


def order_data(order: Order) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "payment_status": order.payment_status,
        "user_id": order.user_id,
        "currency": order.currency,
        "subtotal": str(order.subtotal),
        "discount": str(order.discount),
        "tax": str(order.tax),
        "shipping": str(order.shipping),
        "total": str(order.total),
        "refunded_total": str(order.refunded_total),
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "delivered_at": order.delivered_at,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "ship_to": {
            "name": order.ship_name,
            "street": order.ship_street,
            "city": order.ship_city,
            "state": order.ship_state,
            "zip_code": order.ship_zip_code,
            "country": order.ship_country,
        },
        "items": [
            {
                "product_id": item.product_id,
                "variant_id": item.variant_id,
                "sku": item.sku,
                "product_name": item.product_name,
                "color": item.color,
                "size": item.size,
                "quantity": item.quantity,
                "price": str(item.price),
                "subtotal": str(item.subtotal),
            }
            for item in order.items.all()
        ],
    }


def on_order_status_changed(sender, *, order: Order, previous: str, **kwargs) -> None:
    listening = services.subscriptions()
    order_part = cache(lambda: order_data(order))  # drawn once for the events below, if any
    services.emit(
        event="order.status_changed",
        data=lambda: {"order": order_part(), "previous_status": previous},
        listening=listening,
    )
    if order.status in (Status.PAID, Status.CANCELLED):
        name = "order.paid" if order.status == Status.PAID else "order.cancelled"
        services.emit(
            event=name,
            data=lambda: {"order": order_part(), "previous_status": previous},
            listening=listening,
        )


def on_return_refunded(sender, *, return_request: Return, order: Order, **kwargs) -> None:
    def data() -> dict:
        return {
            "return": {
                "id": return_request.pk,
                "status": return_request.status,
                "reason": return_request.reason,
                "refund_amount": str(return_request.refund_amount),
                "refund_id": return_request.refund_id,
                "items": [
                    {"sku": item.order_item.sku, "quantity": item.quantity}
                    for item in return_request.items.select_related("order_item")
                ],
            },
            "order": order_data(order),
        }

    services.emit(event="return.refunded", data=data)


def on_stock_changed(sender, *, change: StockChange, **kwargs) -> None:
    services.emit(
        event="stock.changed",
        data=lambda: {
            "product_id": change.product_id,
            "variant_id": change.variant_id,
            "sku": change.sku,
            "location_id": change.location_id,
            "location": change.location,
            "quantity": change.new_quantity,
            "variant_stock": change.variant_stock,
            "product_stock": change.product_stock,
            "stock_status": change.stock_status,
            "at": change.at,
        },
    )


def on_product_saved(sender, *, instance: Product, created: bool, raw=False, **kwargs) -> None:
    """A product added or edited (admin, import): not a save of what the shop keeps up to date
    itself (its stock, rating). Its variants are not in it: on an admin page they are saved
    after the product, so they would be as they were."""
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields and set(update_fields) <= DERIVED):
        return

    def data() -> dict:
        return {
            "product": {
                "id": instance.pk,
                "name": instance.name,
                "slug": instance.slug,
                "category": instance.category.name,
                "brand": instance.brand.name,
                "price": str(instance.price),
                "is_active": instance.is_active,
                "stock": instance.stock,
                "updated_at": instance.updated_at,
            },
            "created": created,
        }

    services.emit(event="product.updated", data=data)

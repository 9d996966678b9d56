"""The sales agent's tools: thin wrappers over the apps' services and queries, acting as the
connected shopper only. Each returns plain JSON-able data; a refusal is {"error", ...} data,
not an exception, so the agent can tell the shopper what went wrong."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from langchain_core.tools import StructuredTool

from cart import services as cart_services
from catalog import search
from catalog.models import Product
from catalog.queries import active_products, product_inventory
from core.errors import APIError
from loyalty import services as loyalty
from orders import services as orders

MAX_RESULTS = 5
# What goes with what, by category, for "what goes with it?".
COMPLEMENTS = {
    "Running Shoes": ["Running Shorts", "Water Bottles"],
    "Trail Shoes": ["Backpacks", "Jackets"],
    "Sneakers": ["T-Shirts", "Hoodies"],
    "T-Shirts": ["Sneakers"],
    "Hoodies": ["Sneakers", "Backpacks"],
    "Jackets": ["Backpacks", "Trail Shoes"],
    "Running Shorts": ["Running Shoes", "Smartwatches"],
    "Headphones": ["Smartwatches", "Speakers"],
    "Smartwatches": ["Running Shoes", "Headphones"],
    "Laptops": ["Backpacks", "Headphones"],
    "Speakers": ["Headphones"],
    "Backpacks": ["Water Bottles", "Jackets"],
    "Water Bottles": ["Backpacks"],
}


def product_card(product: Product) -> dict:
    images = product.image_urls
    return {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "brand": product.brand.name,
        "category": product.category.name,
        "price": f"{product.price:.2f}",
        "rating": float(product.rating),
        "colors": product.colors,
        "sizes": product.sizes,
        "stock_status": product.stock_status,
        "image": images[0] if images else None,
        "url": f"/p/{product.slug}/",
    }


def _refusal(exc: Exception) -> dict:
    if isinstance(exc, ValidationError):
        fields = getattr(exc, "message_dict", {"detail": exc.messages})
        return {
            "error": " ".join(m for messages in fields.values() for m in messages),
            "fields": fields,
        }
    return {"error": str(exc.detail), "code": exc.code, **exc.details}


class ShopTools:
    """The tools bound to one shopper."""

    def __init__(self, user):
        self.user = user

    # Catalog

    def search_products(
        self,
        query: str = "",
        brand: str = "",
        category: str = "",
        color: str = "",
        size: str = "",
        min_price: float | None = None,
        max_price: float | None = None,
    ) -> dict:
        """Find products by free text, brand, category, color, size and price."""
        products = active_products()
        if brand:
            products = products.filter(brand__name__iexact=brand)
        if category:
            products = products.filter(
                Q(category__name__iexact=category) | Q(category__parent__name__iexact=category)
            )
        if color:
            products = products.filter(variants__color__iexact=color)
        if size:
            products = products.filter(variants__size__iexact=size)
        if min_price is not None:
            products = products.filter(price__gte=Decimal(str(min_price)))
        if max_price is not None:
            products = products.filter(price__lte=Decimal(str(max_price)))
        products = products.distinct()
        text = query.strip()
        products = search.search(products, text) if text else products.order_by("-rating", "id")
        # What can be bought first, best match first within each.
        found = sorted(products[: MAX_RESULTS * 4], key=lambda p: p.stock <= 0)[:MAX_RESULTS]
        return {"query": text, "count": len(found), "products": [product_card(p) for p in found]}

    def product_details(self, product_id: int) -> dict:
        """Everything about one product: description, price, colors, sizes, stock."""
        product = active_products().filter(pk=product_id).first()
        if product is None:
            return {"error": "That product is not for sale."}
        return {**product_card(product), "description": product.description, "stock": product.stock}

    def stock_by_location(self, product_id: int, city: str = "") -> dict:
        """Where a product is in stock: the warehouse and each store, optionally in one city."""
        product = active_products().filter(pk=product_id).first()
        if product is None:
            return {"error": "That product is not for sale."}
        inventory = product_inventory(product)
        stores = inventory["stores"]
        if city:
            stores = [s for s in stores if s["city"].lower() == city.lower()]
        return {
            "product": product.name,
            "product_id": product.pk,
            "warehouse": inventory["warehouse"]["quantity"],
            "stores": stores,
            "total_available": inventory["total_available"],
        }

    # Cart

    def _cart(self):
        return cart_services.cart_for(user=self.user)

    def show_cart(self) -> dict:
        """The cart with its lines and totals."""
        priced = cart_services.priced_cart(self._cart(), user=self.user)
        return {
            "items": [
                {
                    "id": line.item.pk,
                    "product_id": line.item.variant.product_id,
                    "name": line.item.variant.product.name,
                    "color": line.item.variant.color,
                    "size": line.item.variant.size,
                    "quantity": line.item.quantity,
                    "price": f"{line.unit_price:.2f}",
                    "subtotal": f"{line.subtotal:.2f}",
                    "problem": line.problem,
                }
                for line in priced.lines
            ],
            "coupon_code": priced.cart.coupon.code if priced.cart.coupon_id else None,
            "totals": priced.totals.as_dict(),
        }

    def add_to_cart(
        self, product_id: int, quantity: int = 1, color: str = "", size: str = ""
    ) -> dict:
        """Put a product in the cart; a product with colors or sizes needs them (one that comes
        in only one color or size gets it without asking)."""
        product = active_products().filter(pk=product_id).first()
        if product is not None:
            color = color or (product.colors[0] if len(product.colors) == 1 else "")
            size = size or (product.sizes[0] if len(product.sizes) == 1 else "")
        try:
            cart_services.add_item(
                cart=self._cart(), product_id=product_id, quantity=quantity, color=color, size=size
            )
        except (ValidationError, APIError) as exc:
            return _refusal(exc)
        added = {"product_id": product_id, "quantity": quantity, "color": color, "size": size}
        return {"added": added, "cart": self.show_cart()}

    def update_cart_item(
        self, quantity: int, item_id: int | None = None, product_id: int | None = None
    ) -> dict:
        """Change a cart line's quantity (0 removes it), by line id or by product."""
        cart = self._cart()
        if item_id is None and product_id is not None:
            item_id = (
                cart.items.filter(variant__product_id=product_id)
                .values_list("pk", flat=True)
                .first()
            )
        if item_id is None:
            return {"error": "That isn't in your cart."}
        try:
            cart_services.set_quantity(cart=cart, item_id=item_id, quantity=quantity)
        except (ValidationError, APIError) as exc:
            return _refusal(exc)
        return {"cart": self.show_cart()}

    def apply_coupon(self, code: str) -> dict:
        """Put a coupon on the cart."""
        try:
            cart_services.apply_coupon(cart=self._cart(), user=self.user, code=code)
        except (ValidationError, APIError) as exc:
            return _refusal(exc)
        return {"applied": code.strip().upper(), "cart": self.show_cart()}

    def remove_coupon(self) -> dict:
        """Take the coupon off the cart."""
        cart_services.remove_coupon(cart=self._cart())
        return {"cart": self.show_cart()}

    # Loyalty and orders

    def list_coupons(self) -> dict:
        """The coupons this shopper can use now."""
        return {
            "coupons": [
                {
                    "code": c.code,
                    "description": c.description,
                    "min_purchase": f"{c.min_purchase:.2f}",
                }
                for c in loyalty.usable_coupons(self.user)
            ]
        }

    def loyalty_status(self) -> dict:
        """Points, tier and what the next tier needs."""
        return loyalty.profile(self.user)

    def order_status(self, order_number: str = "") -> dict:
        """Status and tracking of one of the shopper's orders (the latest when no number)."""
        mine = orders.orders_of(self.user)
        order = (
            mine.filter(number__iexact=order_number.strip()).first()
            if order_number
            else mine.first()
        )
        if order is None:
            return {
                "error": f"You have no order {order_number}."
                if order_number
                else "You have no orders yet."
            }
        return {
            "order_id": order.pk,
            "order_number": order.number,
            "status": order.status,
            "total": f"{order.total:.2f}",
            "carrier": order.carrier,
            "tracking_number": order.tracking_number,
            "estimated_delivery": order.estimated_delivery.isoformat()
            if order.estimated_delivery
            else None,
            "history": [
                {"status": h.status, "at": h.at.isoformat(), "note": h.note}
                for h in order.history.all()
            ],
        }

    def _own_order(self, order_number: str):
        mine = orders.orders_of(self.user)
        return (
            mine.filter(number__iexact=order_number.strip()).first()
            if order_number
            else mine.first()
        )

    def cancel_order(self, order_number: str = "", confirmed: bool = False) -> dict:
        """Cancel an order that hasn't shipped (refund, restock). Asks first: call again with
        confirmed=true once the shopper says yes."""
        order = self._own_order(order_number)
        if order is None:
            return {
                "error": f"You have no order {order_number}."
                if order_number
                else "You have no orders yet."
            }
        if not confirmed:
            return {
                "confirm": f"Cancel order {order.number} (${order.total:.2f})? Say yes to confirm.",
                "pending": {
                    "tool": "cancel_order",
                    "args": {"order_number": order.number, "confirmed": True},
                },
            }
        try:
            order = orders.cancel(user=self.user, order_id=order.pk)
        except APIError as exc:
            return _refusal(exc)
        return {"cancelled": order.number, "refunded": f"{order.refunded_total:.2f}"}

    def start_return(
        self, order_number: str = "", reason: str = "", confirmed: bool = False
    ) -> dict:
        """Ask to return everything still returnable from a delivered order. Asks first."""
        order = self._own_order(order_number)
        if order is None:
            return {
                "error": f"You have no order {order_number}."
                if order_number
                else "You have no orders yet."
            }
        items = [
            {"order_item_id": item.pk, "quantity": item.quantity} for item in order.items.all()
        ]
        if not confirmed:
            return {
                "confirm": f"Return all items of order {order.number}? Say yes to confirm.",
                "pending": {
                    "tool": "start_return",
                    "args": {"order_number": order.number, "reason": reason, "confirmed": True},
                },
            }
        try:
            made = orders.request_return(
                user=self.user,
                order_id=order.pk,
                reason=reason or "Returned through the assistant",
                items=items,
            )
        except (ValidationError, APIError) as exc:
            return _refusal(exc)
        return {
            "return_id": made.pk,
            "order_number": order.number,
            "status": made.status,
            "refund_amount": f"{made.refund_amount:.2f}",
        }

    def similar_products(self, product_id: int) -> dict:
        """Products like this one (same category, near its price) and ones that go with it."""
        product = active_products().filter(pk=product_id).first()
        if product is None:
            return {"error": "That product is not for sale."}
        low, high = product.price * Decimal("0.7"), product.price * Decimal("1.3")
        like = (
            active_products()
            .filter(category=product.category, price__range=(low, high), stock__gt=0)
            .exclude(pk=product.pk)
            .order_by("-rating", "id")[:3]
        )
        partners = COMPLEMENTS.get(product.category.name, [])
        goes_with = (
            active_products()
            .filter(category__name__in=partners, stock__gt=0)
            .order_by("-rating", "id")[:2]
        )
        return {"product": product.name, "products": [product_card(p) for p in [*like, *goes_with]]}

    def as_langchain_tools(self) -> list[StructuredTool]:
        names = [
            "search_products",
            "product_details",
            "stock_by_location",
            "show_cart",
            "add_to_cart",
            "update_cart_item",
            "apply_coupon",
            "remove_coupon",
            "list_coupons",
            "loyalty_status",
            "order_status",
            "cancel_order",
            "start_return",
            "similar_products",
        ]
        return [StructuredTool.from_function(getattr(self, name), name=name) for name in names]

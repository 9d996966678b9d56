"""The sales agent's tools: thin wrappers over the apps' services and queries, acting as the
connected shopper only. Each returns plain JSON-able data; a refusal is {"error", ...} data,
not an exception, so the agent can tell the shopper what went wrong."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from langchain_core.tools import StructuredTool

from cart import pricing
from cart import queries as cart_queries
from cart import services as cart_services
from catalog import queries as catalog_queries
from catalog import recommendations
from catalog.filters import find_products
from catalog.models import Product
from catalog.queries import active_product
from chat import replies
from chat.lexicon import words_of
from core.errors import APIError
from loyalty import services as loyalty
from loyalty.serializers import CouponSerializer
from orders import fulfilment as order_fulfilment
from orders import queries as order_queries
from orders import returns as order_returns
from orders.models import RETURN_DAYS, Order
from reviews import queries as review_queries
from wishlist import services as wishlist

MAX_RESULTS = 5
QUOTE_CHARS = 140  # a review quoted in an answer is cut to about this many characters


def product_card(product: Product) -> dict:
    images = product.image_urls
    return {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "brand": product.brand.name,
        "category": product.category.name,
        "price": f"{product.price:.2f}",
        "rating": float(product.rating) if product.rating is not None else None,
        "reviews_count": product.reviews_count,
        "colors": product.colors,
        "sizes": product.sizes,
        "stock_status": product.stock_status,
        "image": images[0] if images else None,
        "url": f"/p/{product.slug}/",
    }


def _no_order(number: str) -> dict:
    if number:
        return {"error": f"I can't find an order {number} among your orders."}
    return {"error": "You have no orders yet."}


def _described(item, description: str) -> bool:
    """Whether an order line's product name and colour have every word of ``description``."""
    words = set(words_of(f"{item.product_name} {item.color}"))
    return all(word in words for word in words_of(description))


def _quote(text: str) -> str:
    """A review's words cut at a word to about QUOTE_CHARS characters."""
    text = " ".join(text.split())
    if len(text) <= QUOTE_CHARS:
        return text
    cut = text[: QUOTE_CHARS + 1].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"


def _quoted(review) -> dict:
    return {
        "rating": review.rating,
        "title": review.title,
        "quote": _quote(review.body or review.title),
        "author": review.author,
        "helpful_count": review.helpful_count,
        "verified_purchase": review.verified_purchase,
    }


def _options(variant) -> dict:
    return {"color": variant.color if variant else "", "size": variant.size if variant else ""}


def _described_as(product: Product, variant) -> str:
    """ "Trail Runner (Red, 9)", or the product's name for the product as a whole."""
    options = ", ".join(p for p in _options(variant).values() if p)
    return f"{product.name} ({options})" if options else product.name


def _asked(fields: dict) -> dict:
    return {"error": " ".join(m for ms in fields.values() for m in ms), "fields": fields}


def _variant_named(product: Product, color: str, size: str, *, sold_out_first: bool = False):
    """The variant of ``product`` a colour and/or size name: (variant, None); (None, None) when
    neither is given (the product as a whole); (None, refusal) when they name none, or several
    and the other option is needed (its choices in the refusal's fields, as the cart asks).
    ``sold_out_first``: of several, the only one sold out is the one meant ("the red one")."""
    color, size = (color or "").strip(), (size or "").strip()
    if not color and not size:
        return None, None
    variants = list(product.variants.all())  # prefetched with the product
    colors, sizes = product.colors, product.sizes
    fields = {}
    if color and color.lower() not in {c.lower() for c in colors}:
        fields["color"] = [f"{product.name} comes in {', '.join(colors) or 'one color only'}."]
    if size and size.lower() not in {s.lower() for s in sizes}:
        fields["size"] = [f"{product.name} comes in sizes {', '.join(sizes) or 'one size only'}."]
    if fields:
        return None, _asked(fields)
    matching = [
        v
        for v in variants
        if (not color or v.color.lower() == color.lower())
        and (not size or v.size.lower() == size.lower())
    ]
    if not matching:
        made = f"{color} {size}".strip()
        return None, _asked({"size": [f"{product.name} isn't made in {made}."]})
    sold_out = [v for v in matching if v.stock <= 0]
    if len(matching) == 1 or (sold_out_first and len(sold_out) == 1):
        return (matching[0] if len(matching) == 1 else sold_out[0]), None
    choices = sold_out if sold_out_first and sold_out else matching
    if not color and len({v.color for v in choices}) > 1:
        fields["color"] = [f"Choose a color: {', '.join(sorted({v.color for v in choices}))}."]
    if not size and len({v.size for v in choices}) > 1:
        ordered = sorted({v.size for v in choices}, key=lambda s: (len(s), s))
        fields["size"] = [f"Choose a size: {', '.join(ordered)}."]
    return None, _asked(fields)


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
        sort: str = "",
    ) -> dict:
        """Find products by free text, brand, category (its subcategories too), color, size
        and price; sort "price" (cheapest first), "-price" or "-rating" (best rated first)
        lists what can be bought now in that order."""
        try:
            found = find_products(
                query,
                brand=brand,
                category=category,
                color=color,
                size=size,
                min_price=min_price,
                max_price=max_price,
                ordering=sort,
                limit=MAX_RESULTS,
            )
        except ValidationError as exc:
            return _refusal(exc)
        filters = {
            "query": query.strip(),
            "brand": brand,
            "category": category,
            "color": color,
            "size": size,
            "min_price": min_price,
            "max_price": max_price,
            "sort": sort,
        }
        return {
            "query": query.strip(),
            "filters": filters,
            "sort": sort,
            "count": len(found),
            "products": [product_card(p) for p in found],
        }

    def shop_departments(self, looking_for: str = "") -> dict:
        """What the shop sells, by department; with ``looking_for`` (something it may not
        sell), the categories nearest to it."""
        return {
            "looking_for": looking_for,
            "nearest": catalog_queries.nearest_categories(looking_for) if looking_for else [],
            "departments": catalog_queries.departments(),
        }

    def product_details(self, product_id: int) -> dict:
        """Everything about one product: description, price, colors, sizes, stock in all and
        in each store."""
        product = active_product(product_id)
        if product is None:
            return {"error": "That product is not for sale."}
        inventory = catalog_queries.product_inventory(product)
        return {
            **product_card(product),
            "description": product.description,
            "stock": product.stock,
            "stores": inventory["stores"],
        }

    def stock_by_location(self, product_id: int, city: str = "") -> dict:
        """Where a product is in stock: the warehouse and each store, optionally in one city."""
        product = active_product(product_id)
        if product is None:
            return {"error": "That product is not for sale."}
        inventory = catalog_queries.product_inventory(product)
        stores = catalog_queries.every_store(inventory)
        if city:
            stores = [s for s in stores if city.lower() in (s["city"].lower(), s["name"].lower())]
        return {
            "product": product.name,
            "product_id": product.pk,
            "city": city,
            "warehouse": inventory["warehouse"]["quantity"],
            "stores": stores,
            "total_available": inventory["total_available"],
        }

    # Cart

    def _cart(self):
        return cart_services.cart_for(user=self.user)

    @staticmethod
    def _line(cart, *, product_id: int | None, description: str) -> int | None:
        if product_id is not None:
            found = cart_queries.item_id_for_product(cart, product_id)
            if found is not None:
                return found
        if description:
            return cart_queries.item_id_described(cart, description)
        return cart_queries.only_item_id(cart) if product_id is None else None

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
        product = active_product(product_id)
        if product is not None:
            color = color or (product.colors[0] if len(product.colors) == 1 else "")
            size = size or (product.sizes[0] if len(product.sizes) == 1 else "")
        try:
            cart_services.add_item(
                cart=self._cart(), product_id=product_id, quantity=quantity, color=color, size=size
            )
        except (ValidationError, APIError) as exc:
            refused = _refusal(exc)
            if refused.get("code") == "insufficient_stock" and not refused.get("available"):
                refused = self._offer_notice(refused, product_id, color=color, size=size)
            return refused
        added = {"product_id": product_id, "quantity": quantity, "color": color, "size": size}
        return {"added": added, "cart": self.show_cart()}

    def _offer_notice(self, refused: dict, product_id: int, *, color: str, size: str) -> dict:
        """A sold-out addition offers a notice when it is back (a yes asks for it)."""
        if not self._signed_in():
            return refused
        args = {"product_id": product_id, "color": color, "size": size}
        return {
            **refused,
            "error": f"{refused['error']} Shall I let you know when it's back? Say yes.",
            "pending": {"tool": "notify_when_back", "args": args},
        }

    def update_cart_item(
        self,
        quantity: int | None = None,
        item_id: int | None = None,
        product_id: int | None = None,
        description: str = "",
        increase_by: int | None = None,
        scale: int | None = None,
    ) -> dict:
        """Set a cart line's quantity (0 removes it), raise it by ``increase_by`` or multiply it
        by ``scale`` ("double it"): the line by id, by product, or by words of its brand,
        category or colour ("the hoodie"); with none, the cart's only line."""
        cart = self._cart()
        if item_id is None:
            item_id = self._line(cart, product_id=product_id, description=description)
        if item_id is None:
            return {"error": "That isn't in your cart."}
        if quantity is None and increase_by is None and scale is None:
            return {"error": "How many would you like?"}
        try:
            if quantity is not None:
                cart_services.set_quantity(cart=cart, item_id=item_id, quantity=quantity)
            else:
                cart_services.change_quantity(
                    cart=cart, item_id=item_id, add=increase_by or 0, times=scale or 1
                )
        except (ValidationError, APIError) as exc:
            return _refusal(exc)
        return {"cart": self.show_cart()}

    def change_cart_item(
        self,
        color: str = "",
        size: str = "",
        product_id: int | None = None,
        description: str = "",
    ) -> dict:
        """Switch a cart line to another color and/or size of the same product, keeping its
        quantity: by product, or by words of its brand, category or colour; with none, the
        cart's only line."""
        cart = self._cart()
        item_id = self._line(cart, product_id=product_id, description=description)
        if item_id is None:
            return {"error": "That isn't in your cart."}
        try:
            cart_services.change_options(cart=cart, item_id=item_id, color=color, size=size)
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

    def clear_cart(self) -> dict:
        """Take everything out of the cart."""
        removed = cart_services.clear(cart=self._cart())
        return {"removed": removed, "cart": self.show_cart()}

    def redeem_points(self, points: int | None = None) -> dict:
        """Put points towards the cart (multiples of 100, 100 points = $1 off); without a
        number, as many as the balance allows."""
        if points is None:
            points = loyalty.redeemable_points(self.user)
            if not points:
                return {"error": "You don't have enough points to redeem yet (100 at least)."}
        try:
            cart_services.redeem_points(cart=self._cart(), user=self.user, points=points)
        except (ValidationError, APIError) as exc:
            return _refusal(exc)
        worth = f"{pricing.points_value(points):.2f}"
        return {"points": points, "worth": worth, "cart": self.show_cart()}

    def remove_points(self) -> dict:
        """Stop putting points towards the cart (they stay in the balance)."""
        cart_services.redeem_points(cart=self._cart(), user=self.user, points=0)
        return {"points": 0, "cart": self.show_cart()}

    # Loyalty and orders

    def list_coupons(self) -> dict:
        """The coupons this shopper can use now."""
        return {"coupons": CouponSerializer(loyalty.usable_coupons(self.user), many=True).data}

    def coupon_details(self, code: str) -> dict:
        """One coupon's terms: what it takes off, the minimum purchase, the cap, the tier it
        needs and until when it is valid."""
        try:
            return {"coupon": CouponSerializer(loyalty.find_coupon(code)).data}
        except APIError as exc:
            return _refusal(exc)

    def loyalty_status(self) -> dict:
        """Points and what they are worth, tier and what the next tier needs."""
        profile = loyalty.profile(self.user)
        return {**profile, "worth": f"{pricing.points_value(profile['points']):.2f}"}

    def order_status(self, order_number: str = "") -> dict:
        """Status and tracking of one of the shopper's orders (the latest when no number)."""
        order = self._own_order(order_number)
        if order is None:
            return _no_order(order_number)
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

    def list_orders(self) -> dict:
        """The shopper's orders, newest first: number, status, total and items."""
        orders = order_queries.orders_of(self.user)[:10]
        return {
            "orders": [
                {
                    "order_number": order.number,
                    "status": order.status,
                    "total": f"{order.total:.2f}",
                    "placed": order.created_at.date().isoformat(),
                    "items": [
                        f"{item.quantity} x {item.product_name}" for item in order.items.all()
                    ],
                }
                for order in orders
            ]
        }

    def _own_order(self, order_number: str, prefer=frozenset()):
        return order_queries.order_for_shopper(self.user, number=order_number, prefer=prefer)

    def cancel_order(self, order_number: str = "", confirmed: bool = False) -> dict:
        """Cancel an order that hasn't shipped (refund, restock): the one numbered, else the
        newest that can still be cancelled. Asks first: call again with confirmed=true once the
        shopper says yes."""
        order = self._own_order(order_number, prefer=order_fulfilment.CANCELLABLE)
        if order is None:
            return _no_order(order_number)
        if refusal := order_fulfilment.why_not_cancellable(order):
            return {"error": refusal, "order_number": order.number, "status": order.status}
        if not confirmed:
            return {
                "confirm": f"Cancel order {order.number} (${order.total:.2f})? Say yes to confirm.",
                "pending": {
                    "tool": "cancel_order",
                    "args": {"order_number": order.number, "confirmed": True},
                },
            }
        try:
            order = order_fulfilment.cancel(user=self.user, order_id=order.pk)
        except APIError as exc:
            return _refusal(exc)
        return {"cancelled": order.number, "refunded": f"{order.refunded_total:.2f}"}

    def start_return(
        self,
        order_number: str = "",
        reason: str = "",
        description: str = "",
        confirmed: bool = False,
    ) -> dict:
        """Ask to return a delivered order's items (the one numbered, else the newest
        delivered): all of them, or those whose name or colour has every word of
        ``description`` ("the hoodie"). Asks first."""
        order = self._own_order(order_number, prefer={Order.Status.DELIVERED})
        if order is None:
            refused = _no_order(order_number)
            refused["error"] += f" Delivered orders can be returned within {RETURN_DAYS} days."
            return refused
        if refusal := order_returns.why_not_returnable(order):
            return {"error": refusal, "order_number": order.number, "status": order.status}
        chosen = [item for item in order.items.all() if _described(item, description)]
        if not chosen:
            names = ", ".join(item.product_name for item in order.items.all())
            return {"error": f"Order {order.number} has no {description}; it has {names}."}
        items = [{"order_item_id": item.pk, "quantity": item.quantity} for item in chosen]
        what = "all items" if len(chosen) == len(order.items.all()) else chosen[0].product_name
        if not confirmed:
            return {
                "confirm": f"Return {what} of order {order.number}? Returns are accepted within "
                f"{RETURN_DAYS} days of delivery, refunded once they reach us. Say yes to confirm.",
                "pending": {
                    "tool": "start_return",
                    "args": {
                        "order_number": order.number,
                        "reason": reason,
                        "description": description,
                        "confirmed": True,
                    },
                },
            }
        try:
            made = order_returns.request_return(
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

    def similar_products(
        self, product_id: int, kind: str = "", max_price: float | None = None
    ) -> dict:
        """Products like this one (same category, near its price) and ones that go with it;
        kind "like" or "goes_with" for only one of those; none dearer than ``max_price``."""
        product = active_product(product_id)
        if product is None:
            return {"error": "That product is not for sale."}
        ceiling = Decimal(str(max_price)) if max_price is not None else None
        found = {
            "like": lambda: recommendations.like(product, limit=MAX_RESULTS, max_price=ceiling),
            "goes_with": lambda: recommendations.goes_with(
                product, limit=MAX_RESULTS, max_price=ceiling
            ),
        }.get(kind, lambda: recommendations.similar_products(product, max_price=ceiling))()
        return {"product": product.name, "kind": kind, "products": [product_card(p) for p in found]}

    def goes_with_category(self, category: str, max_price: float | None = None) -> dict:
        """Products that go with a kind of product ("what goes with a laptop?")."""
        found = recommendations.goes_with_category(
            category,
            limit=MAX_RESULTS,
            max_price=Decimal(str(max_price)) if max_price is not None else None,
        )
        return {
            "product": category,
            "kind": "goes_with",
            "products": [product_card(p) for p in found],
        }

    # Reviews, the wishlist and back-in-stock notices

    def product_reviews(self, product_id: int) -> dict:
        """What people who bought a product say of it: its average rating, how many reviews,
        how many of each star, and two short quotes (the most helpful positive review and the
        most helpful critical one)."""
        product = active_product(product_id)
        if product is None:
            return {"error": "That product is not for sale."}
        found = review_queries.summary(product.pk)
        return {
            "product": product.name,
            "product_id": product.pk,
            "average": float(found.average) if found.average is not None else None,
            "count": found.count,
            "distribution": {str(stars): found.distribution[stars] for stars in (5, 4, 3, 2, 1)},
            "quotes": [_quoted(r) for r in self._quotes(product.pk, found.distribution)],
        }

    @staticmethod
    def _quotes(product_id: int, distribution: dict[int, int]) -> list:
        """The most helpful positive review (4 or 5 stars) and the most helpful critical one
        (3 stars or fewer); with only one kind, its two most helpful. At most two reviews of
        each rating the product has are read."""

        def most_helpful(ratings) -> list:
            found = [
                review
                for stars in ratings
                if distribution.get(stars)
                for review in review_queries.published_reviews(
                    product_id, ordering="-helpful", rating=stars
                )[:2]
            ]
            # The most helpful; of as helpful ones, the most outspoken, then the newest.
            return sorted(
                found,
                key=lambda r: (-r.helpful_count, -abs(r.rating - 3), -r.created_at.timestamp()),
            )

        positive, critical = most_helpful((5, 4)), most_helpful((3, 2, 1))
        if positive and critical:
            return [positive[0], critical[0]]
        return (positive or critical)[:2]

    def _signed_in(self) -> bool:
        return self.user is not None and self.user.is_authenticated

    def save_to_wishlist(self, product_id: int, color: str = "", size: str = "") -> dict:
        """Save a product to the shopper's wishlist, for later: the product as a whole, or
        the color and/or size named."""
        if not self._signed_in():
            return {"error": "Sign in to save products to your wishlist.", "code": "not_signed_in"}
        product = active_product(product_id)
        if product is None:
            return {"error": "That product is not for sale."}
        variant, refused = _variant_named(product, color, size)
        if refused:
            return refused
        try:
            _, new = wishlist.save_product(
                user=self.user, product_id=product.pk, variant_id=variant.pk if variant else None
            )
        except (ValidationError, APIError) as exc:
            return _refusal(exc)
        return {
            "saved": _described_as(product, variant),
            "product_id": product.pk,
            **_options(variant),
            "new": new,
        }

    def notify_when_back(self, product_id: int, color: str = "", size: str = "") -> dict:
        """Ask to be told (by mail) when a sold-out product, or its color and/or size named,
        is back in stock. When it is in stock now, says so and offers to add it to the cart
        (call add_to_cart if the shopper says yes)."""
        if not self._signed_in():
            return {
                "error": "Sign in and I can tell you when it's back in stock.",
                "code": "not_signed_in",
            }
        product = active_product(product_id)
        if product is None:
            return {"error": "That product is not for sale."}
        variant, refused = _variant_named(product, color, size, sold_out_first=True)
        if refused:
            return refused
        what = _described_as(product, variant)
        try:
            _, new = wishlist.request_notification(
                user=self.user, product_id=product.pk, variant_id=variant.pk if variant else None
            )
        except wishlist.InStock as exc:
            return self._in_stock(product, variant, what, exc.details.get("stock", 0))
        except (ValidationError, APIError) as exc:
            return _refusal(exc)
        return {"watching": what, "product_id": product.pk, **_options(variant), "new": new}

    @staticmethod
    def _in_stock(product: Product, variant, what: str, stock: int) -> dict:
        sold_out = [
            ", ".join(p for p in (v.color, v.size) if p)
            for v in product.variants.all()
            if v.stock <= 0 and (v.color or v.size)
        ]
        others = (
            f" Sold out now: {'; '.join(sold_out)}; name one and I'll tell you when it's back."
            if sold_out and variant is None
            else ""
        )
        return {
            "in_stock": what,
            "product_id": product.pk,
            "stock": stock,
            "confirm": f"{what} is in stock now ({stock} available): no need to wait. Shall I "
            f"add it to your cart? Say yes.{others}",
            "pending": {
                "tool": "add_to_cart",
                "args": {"product_id": product.pk, "quantity": 1, **_options(variant)},
            },
        }

    def as_langchain_tools(self) -> list[StructuredTool]:
        return [tool.bind(self) for tool in TOOLS.values()]


@dataclass(frozen=True)
class Tool:
    """One of the agent's tools: a ShopTools method, whose name is the tool's name (clients are
    shown it), and how the offline brain words its result."""

    method: Callable[..., dict]
    reply: Callable[[dict], replies.Reply]

    @property
    def name(self) -> str:
        return self.method.__name__

    def bind(self, tools: ShopTools) -> StructuredTool:
        # The shopper's method as the class has it now (a test may wrap it): looked up by name.
        return StructuredTool.from_function(getattr(tools, self.name), name=self.name)


# The agent's tools, in the order a model is offered them; each name is its method's name.
TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in [
        Tool(ShopTools.search_products, replies.products_found),
        Tool(ShopTools.shop_departments, replies.departments),
        Tool(ShopTools.product_details, replies.product_details),
        Tool(ShopTools.stock_by_location, replies.stock_by_location),
        Tool(ShopTools.product_reviews, replies.product_reviews),
        Tool(ShopTools.save_to_wishlist, replies.saved_to_wishlist),
        Tool(ShopTools.notify_when_back, replies.notify_when_back),
        Tool(ShopTools.show_cart, replies.cart),
        Tool(ShopTools.add_to_cart, replies.added_to_cart),
        Tool(ShopTools.update_cart_item, replies.cart),
        Tool(ShopTools.change_cart_item, replies.cart_changed),
        Tool(ShopTools.apply_coupon, replies.coupon_applied),
        Tool(ShopTools.remove_coupon, replies.coupon_removed),
        Tool(ShopTools.clear_cart, replies.cart_cleared),
        Tool(ShopTools.redeem_points, replies.points_redeemed),
        Tool(ShopTools.remove_points, replies.points_removed),
        Tool(ShopTools.list_coupons, replies.coupons),
        Tool(ShopTools.coupon_details, replies.coupon_details),
        Tool(ShopTools.loyalty_status, replies.loyalty_status),
        Tool(ShopTools.order_status, replies.order_status),
        Tool(ShopTools.list_orders, replies.orders),
        Tool(ShopTools.cancel_order, replies.order_cancelled),
        Tool(ShopTools.start_return, replies.return_started),
        Tool(ShopTools.similar_products, replies.similar_products),
        Tool(ShopTools.goes_with_category, replies.similar_products),
    ]
}

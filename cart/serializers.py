from rest_framework import serializers

from cart.models import MAX_QUANTITY
from cart.pricing import money_text
from core.web import FlatBody


class TotalsSerializer(serializers.Serializer):
    subtotal = serializers.CharField()
    coupon_discount = serializers.CharField()
    loyalty_discount = serializers.CharField()
    points_discount = serializers.CharField()
    discount = serializers.CharField()
    merchandise = serializers.CharField(help_text="subtotal - discount: what tax is charged on")
    tax = serializers.CharField()
    shipping = serializers.CharField()
    total = serializers.CharField()
    points_used = serializers.IntegerField()
    currency = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class CartItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.id")
    product_id = serializers.IntegerField(source="item.variant.product_id")
    variant_id = serializers.IntegerField(source="item.variant_id")
    sku = serializers.CharField(source="item.variant.sku")
    product_name = serializers.CharField(source="item.variant.product.name")
    product_image = serializers.SerializerMethodField()
    color = serializers.CharField(source="item.variant.color")
    size = serializers.CharField(source="item.variant.size")
    quantity = serializers.IntegerField(source="item.quantity")
    price = serializers.DecimalField(max_digits=10, decimal_places=2, source="unit_price")
    subtotal = serializers.DecimalField(max_digits=10, decimal_places=2)
    problem = serializers.CharField(
        allow_null=True, help_text="unavailable, out_of_stock or insufficient_stock"
    )
    available = serializers.IntegerField(allow_null=True)

    def get_product_image(self, line) -> str | None:
        return line.image_url


class CartSerializer(serializers.Serializer):
    """The priced cart (cart.services.PricedCart), answered by every cart request."""

    id = serializers.IntegerField(source="cart.id", allow_null=True)
    items = CartItemSerializer(many=True, source="lines")
    item_count = serializers.IntegerField()
    coupon_code = serializers.SerializerMethodField()
    coupon_problem = serializers.SerializerMethodField()
    points_redeemed = serializers.IntegerField(source="totals.points_used")
    points_problem = serializers.CharField(allow_null=True)
    totals = serializers.SerializerMethodField()

    def get_coupon_code(self, priced) -> str | None:
        return priced.cart.coupon.code if priced.cart.coupon_id else None

    def get_coupon_problem(self, priced) -> ProblemSerializer(allow_null=True):
        problem = priced.coupon_problem
        return {"code": problem.code, "message": str(problem.detail)} if problem else None

    def get_totals(self, priced) -> TotalsSerializer:
        return priced.totals.as_dict()

    def to_representation(self, priced) -> dict:
        return cart_body(priced)


def cart_body(priced) -> dict:
    """The priced cart as CartSerializer declares it, written out rather than left to DRF's
    fields: every add, change and removal answers with it, and DRF's fields (copied per
    serializer, then read one by one) cost more than the cart's queries.
    tests/cart/test_cart_body.py holds the two to the same output."""
    cart = priced.cart
    problem = priced.coupon_problem
    return {
        "id": cart.id,
        "items": [
            {
                "id": line.item.id,
                "product_id": line.item.variant.product_id,
                "variant_id": line.item.variant_id,
                "sku": line.item.variant.sku,
                "product_name": line.item.variant.product.name,
                "product_image": line.image_url,
                "color": line.item.variant.color,
                "size": line.item.variant.size,
                "quantity": line.item.quantity,
                "price": money_text(line.unit_price),
                "subtotal": money_text(line.subtotal),
                "problem": line.problem,
                "available": line.available,
            }
            for line in priced.lines
        ],
        "item_count": priced.item_count,
        "coupon_code": cart.coupon.code if cart.coupon_id else None,
        "coupon_problem": (
            {"code": problem.code, "message": str(problem.detail)} if problem else None
        ),
        "points_redeemed": priced.totals.points_used,
        "points_problem": priced.points_problem,
        "totals": priced.totals.as_dict(),
    }


class AddItemSerializer(FlatBody):
    product_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)
    color = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    size = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class QuantitySerializer(FlatBody):
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY)


class CheckoutItemSerializer(serializers.Serializer):
    variant_id = serializers.IntegerField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    price = serializers.CharField()


class CheckoutSerializer(serializers.Serializer):
    checkout_id = serializers.UUIDField(source="id")
    items = CheckoutItemSerializer(many=True)
    totals = TotalsSerializer()
    expires_at = serializers.DateTimeField()

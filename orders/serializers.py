from decimal import Decimal

from rest_framework import serializers

from cart.pricing import money_text
from cart.serializers import TotalsSerializer
from core.web import FlatBody
from orders.models import Order, Return


class OrderItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    variant_id = serializers.IntegerField(allow_null=True)
    sku = serializers.CharField()
    product_name = serializers.CharField()
    color = serializers.CharField()
    size = serializers.CharField()
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    subtotal = serializers.DecimalField(max_digits=10, decimal_places=2)


class PaymentSerializer(serializers.Serializer):
    payment_id = serializers.CharField()
    transaction_id = serializers.CharField()
    status = serializers.CharField(source="payment_status")
    method = serializers.CharField(source="payment_label")


class ShippingAddressSerializer(serializers.Serializer):
    name = serializers.CharField(source="ship_name")
    street = serializers.CharField(source="ship_street")
    city = serializers.CharField(source="ship_city")
    state = serializers.CharField(source="ship_state")
    zip_code = serializers.CharField(source="ship_zip_code")
    country = serializers.CharField(source="ship_country")


class ReturnSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Return.Status.choices)
    refund_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    created_at = serializers.DateTimeField()


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField(source="number", allow_null=True)
    status = serializers.ChoiceField(choices=Order.Status.choices)
    items = OrderItemSerializer(many=True, source="items.all")
    totals = TotalsSerializer()
    payment = PaymentSerializer(source="*")
    shipping_address = ShippingAddressSerializer(source="*")
    coupon_code = serializers.CharField()
    tracking_number = serializers.CharField()
    carrier = serializers.CharField()
    estimated_delivery = serializers.DateField(allow_null=True)
    points_earned = serializers.IntegerField()
    points_redeemed = serializers.IntegerField()
    refunded_total = serializers.DecimalField(max_digits=10, decimal_places=2)
    returns = ReturnSummarySerializer(many=True, source="returns.all")
    created_at = serializers.DateTimeField()

    def to_representation(self, order) -> dict:
        return order_body(order)


# Dates and times as the API writes them (ISO 8601, UTC as Z): the fields, for their formatting.
_MOMENT = serializers.DateTimeField()
_DAY = serializers.DateField()


def order_body(order: Order) -> dict:
    """An order as OrderSerializer declares it, written out rather than left to DRF's fields:
    placing an order answers with it, and DRF's nested fields (copied per serializer, then
    read one by one) cost more than most of the statements that place it.
    tests/orders/test_order_body.py holds the two to the same output."""
    return {
        "id": order.id,
        "order_number": order.number,
        "status": order.status,
        "items": [
            {
                "id": item.id,
                "product_id": item.product_id,
                "variant_id": item.variant_id,
                "sku": item.sku,
                "product_name": item.product_name,
                "color": item.color,
                "size": item.size,
                "quantity": item.quantity,
                "price": money_text(item.price),
                "subtotal": money_text(item.subtotal),
            }
            for item in order.items.all()
        ],
        "totals": {
            key: money_text(value) if isinstance(value, Decimal) else value
            for key, value in order.totals.items()
        },
        "payment": {
            "payment_id": order.payment_id,
            "transaction_id": order.transaction_id,
            "status": order.payment_status,
            "method": order.payment_label,
        },
        "shipping_address": {
            "name": order.ship_name,
            "street": order.ship_street,
            "city": order.ship_city,
            "state": order.ship_state,
            "zip_code": order.ship_zip_code,
            "country": order.ship_country,
        },
        "coupon_code": order.coupon_code,
        "tracking_number": order.tracking_number,
        "carrier": order.carrier,
        "estimated_delivery": (
            None
            if order.estimated_delivery is None
            else _DAY.to_representation(order.estimated_delivery)
        ),
        "points_earned": order.points_earned,
        "points_redeemed": order.points_redeemed,
        "refunded_total": money_text(order.refunded_total),
        "returns": [
            {
                "id": summary.id,
                "status": summary.status,
                "refund_amount": money_text(summary.refund_amount),
                "created_at": _MOMENT.to_representation(summary.created_at),
            }
            for summary in order.returns.all()
        ],
        "created_at": _MOMENT.to_representation(order.created_at),
    }


class PlaceOrderSerializer(FlatBody):
    address_id = serializers.IntegerField(min_value=1)
    payment_method_id = serializers.IntegerField(min_value=1)
    checkout_id = serializers.UUIDField(required=False, allow_null=True)


class HistorySerializer(serializers.Serializer):
    status = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField()


class TrackingSerializer(serializers.Serializer):
    order_number = serializers.CharField(source="number", allow_null=True)
    tracking_number = serializers.CharField()
    carrier = serializers.CharField()
    status = serializers.CharField()
    history = HistorySerializer(many=True, source="history.all")
    estimated_delivery = serializers.DateField(allow_null=True)


class ReturnItemInputSerializer(serializers.Serializer):
    order_item_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=99)


class ReturnRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    # A ListField rather than many=True: its schema says minItems, which the API enforces.
    items = serializers.ListField(
        child=ReturnItemInputSerializer(), allow_empty=False, min_length=1, max_length=100
    )


class ReturnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    status = serializers.CharField()
    reason = serializers.CharField()
    refund_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    points_reversed = serializers.IntegerField()
    note = serializers.CharField()


class StatusStepSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["processing", "shipped", "out_for_delivery", "delivered"]
    )
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300)

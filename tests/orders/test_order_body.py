"""An order is written out by hand in OrderSerializer.to_representation (placing one answers with
it): it must say what the serializer's declared fields say, which is also what the OpenAPI schema
tells clients."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from loyalty.models import Coupon
from orders import fulfilment, queries, returns
from orders.serializers import OrderSerializer, order_body
from tests.orders.conftest import add_to_cart, place

pytestmark = pytest.mark.django_db


def _by_declared_fields(order) -> dict:
    """The representation DRF builds from the declared fields, field by field."""
    return serializers.Serializer.to_representation(OrderSerializer(), order)


def test_a_placed_order_says_what_the_declared_fields_say(
    user, user_api, address, good_card, socks
):
    add_to_cart(user_api, socks, quantity=3)
    placed = place(user_api, address, good_card)
    assert placed.status_code == 201, placed.content
    order = queries.order_of(user, placed.json()["id"])
    assert placed.json() == _by_declared_fields(order) == order_body(order)
    assert order.estimated_delivery is not None and placed.json()["returns"] == []


def test_an_order_with_a_coupon_and_a_refunded_return_says_what_the_declared_fields_say(
    user, user_api, address, good_card, socks, jacket
):
    Coupon.objects.create(code="SAVE5", discount_type="fixed", discount_value=Decimal(5))
    add_to_cart(user_api, socks, quantity=2)
    add_to_cart(user_api, jacket, color="Navy", size="M")
    assert (
        user_api.post("/api/loyalty/apply-coupon", {"code": "save5"}, format="json").status_code
        == 200
    )
    order_id = place(user_api, address, good_card).json()["id"]
    for step in ("processing", "shipped", "out_for_delivery", "delivered"):
        fulfilment.advance(order_id=order_id, status=step)
    item = queries.order_of(user, order_id).items.get(sku__startswith=socks.variants.get().sku)
    request = returns.request_return(
        user=user,
        order_id=order_id,
        reason="Too warm",
        items=[{"order_item_id": item.pk, "quantity": 1}],
    )
    returns.approve_return(return_id=request.pk)
    returns.receive_return(return_id=request.pk)
    order = queries.order_of(user, order_id)
    body = order_body(order)
    assert body == _by_declared_fields(order)
    assert body["coupon_code"] == "SAVE5" and len(body["items"]) == 2
    assert body["returns"][0]["status"] == "refunded" and body["refunded_total"] != "0.00"
    assert body["created_at"].endswith("Z") and body["estimated_delivery"]

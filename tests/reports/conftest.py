"""Orders placed, cancelled and returned through the shop's own API and services, then put on
the moments a test needs (the services stamp them with the present)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts import services as accounts
from orders import fulfilment, returns
from orders.models import Order, Refund
from tests.catalog import builders
from tests.conftest import bearer_client
from tests.orders.conftest import add_to_cart, card, place

UTC = ZoneInfo("UTC")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def boots(db):
    # 80.00: with 8% tax and free shipping (50.00 and up) an order of one costs 86.40.
    return builders.product(
        "Trail Boots", price="80.00", category_name="Shoes", variants=[("Brown", "42", 50)]
    )


@pytest.fixture
def socks(db):
    # 12.50: two cost 25.00 + 2.00 tax + 5.99 shipping = 32.99.
    return builders.product(
        "Wool Socks", price="12.50", category_name="Socks", variants=[("", "", 100)]
    )


@pytest.fixture
def staff_api(staff_user):
    return bearer_client(staff_user)


class Shopper:
    """A shopper with an address and a card who buys, cancels and returns."""

    def __init__(self, user):
        self.user = user
        self.client = bearer_client(user)
        self.address = accounts.add_address(
            user=user, street="1 Main St", city="Springfield", zip_code="62701", country="US"
        )
        self.card = card(user)

    def buy(self, *lines, paid_at: datetime) -> Order:
        """An order of ``lines`` ((product, quantity), ...), paid at ``paid_at``."""
        for product, quantity in lines:
            variant = product.variants.first()
            add_to_cart(self.client, product, quantity, color=variant.color, size=variant.size)
        response = place(self.client, self.address, self.card)
        assert response.status_code == 201, response.content
        Order.objects.filter(pk=response.json()["id"]).update(created_at=paid_at, paid_at=paid_at)
        return Order.objects.get(pk=response.json()["id"])

    def cancel(self, order: Order, *, at: datetime) -> None:
        fulfilment.cancel(user=self.user, order_id=order.pk)
        Refund.objects.filter(order=order).update(created_at=at)

    def deliver(self, order: Order, *, at: datetime) -> None:
        for step in ("processing", "shipped", "out_for_delivery", "delivered"):
            fulfilment.advance(order_id=order.pk, status=step)
        Order.objects.filter(pk=order.pk).update(delivered_at=at)

    def send_back(self, order: Order, units: dict, *, refunded_at: datetime) -> None:
        """A return of ``units`` ({product: quantity}) of the delivered ``order``, approved,
        received and refunded at ``refunded_at``."""
        items = [
            {"order_item_id": order.items.get(product_id=product.pk).pk, "quantity": quantity}
            for product, quantity in units.items()
        ]
        # Returns are taken within 30 days of delivery: as if delivered just now, meanwhile.
        delivered_at = Order.objects.get(pk=order.pk).delivered_at
        Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now())
        request = returns.request_return(
            user=self.user, order_id=order.pk, reason="Too small", items=items
        )
        returns.approve_return(return_id=request.pk)
        returns.receive_return(return_id=request.pk)
        Order.objects.filter(pk=order.pk).update(delivered_at=delivered_at)
        Refund.objects.filter(return_request=request).update(created_at=refunded_at)


@pytest.fixture
def shopper(user):
    return Shopper(user)

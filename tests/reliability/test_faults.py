"""Faults below the API: the database connection dropping mid-request (a 503 in the envelope,
nothing half-written) and Redis going away (the API keeps serving, sign-in stays limited,
health says degraded, sockets stay open and say live updates are off)."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import OperationalError
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle

from accounts import services as accounts
from accounts.tokens import issue_token_pair
from cart import services as cart_services
from cart.models import CartItem
from catalog import stock
from config.asgi import application
from loyalty.models import PointsEntry
from orders import placing
from orders.models import Order
from tests.catalog import builders

pytestmark = pytest.mark.django_db

CONNECTION_LOST = OperationalError("server closed the connection unexpectedly")


def assert_unavailable(response):
    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "service_unavailable"
    assert response["Retry-After"] == "5"


@pytest.fixture
def socks(db):
    return builders.product("Wool Socks", price="12.50", variants=[("", "", 100)])


@pytest.fixture
def checkout_body(user, user_api, socks):
    """Two pairs of socks in the user's cart; the body of their order (an address, a card)."""
    address = accounts.add_address(
        user=user, street="1 Main St", city="X", zip_code="1", country="US"
    )
    card = accounts.add_payment_method(
        user=user, type="card", card_number="4242424242424242", exp_month=12, exp_year=2031
    )
    user_api.post("/api/cart/items", {"product_id": socks.pk, "quantity": 2}, format="json")
    return {"address_id": address.pk, "payment_method_id": card.pk}


def test_a_connection_lost_after_a_write_leaves_nothing_half_written(
    user_api, socks, checkout_body, monkeypatch
):
    reserve = stock.reserve  # where placing an order takes the stock, after writing the order

    def reserve_then_lose_the_connection(items):
        reserve(items)
        raise CONNECTION_LOST

    monkeypatch.setattr(stock, "reserve", reserve_then_lose_the_connection)
    body = checkout_body
    assert_unavailable(user_api.post("/api/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k1"))
    assert not Order.objects.exists()
    socks.refresh_from_db()
    assert socks.stock == 100 and socks.variants.get().stock == 100
    assert list(CartItem.objects.values_list("quantity", flat=True)) == [2]
    monkeypatch.undo()
    placed = user_api.post("/api/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert placed.status_code == 201, placed.content
    socks.refresh_from_db()
    assert socks.stock == 98


def test_a_connection_lost_while_marking_an_order_paid_is_retried_then_settled(
    user_api, checkout_body, monkeypatch
):

    def lose_the_connection(*, cart, variant_ids):
        raise CONNECTION_LOST

    monkeypatch.setattr(cart_services, "clear_ordered", lose_the_connection)
    body = checkout_body
    assert_unavailable(user_api.post("/api/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k1"))
    order = Order.objects.get()
    assert (
        order.status == "pending_payment" and not PointsEntry.objects.exists()
    )  # paid, not yet recorded
    monkeypatch.undo()
    retry = user_api.post("/api/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert retry.status_code == 409 and retry.json()["error"]["code"] == "request_in_progress"
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert placing.release_stale_orders() == 1
    assert (
        user_api.post("/api/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k1").json()[
            "status"
        ]
        == "paid"
    )
    assert user_api.get("/api/cart").json()["items"] == []


DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_with_redis_down_the_api_keeps_serving_and_health_says_degraded(
    redis_down, client, user, user_api, socks
):
    assert client.get("/api/products").json()["count"] == 1
    assert client.get("/api/categories").status_code == 200
    assert user_api.get("/api/auth/me").json()["email"] == user.email
    added = user_api.post("/api/cart/items", {"product_id": socks.pk, "quantity": 1}, format="json")
    assert added.status_code == 201
    health = client.get("/health")
    assert (
        health.status_code == 200
        and health.json()["status"] == "degraded"
        and health.json()["cache"] == "down"
    )


def test_with_redis_down_sign_in_is_still_limited(redis_down, api, user):
    for _ in range(5):
        assert (
            api.post(
                "/api/auth/signin", {"email": user.email, "password": "wrong"}, format="json"
            ).status_code
            == 401
        )
    refused = api.post(
        "/api/auth/signin", {"email": user.email, "password": "wrong"}, format="json"
    )
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_with_redis_down_the_cart_is_still_throttled(redis_down, monkeypatch, user_api, socks):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "cart", "3/min")
    for _ in range(3):
        assert user_api.get("/api/cart").status_code == 200
    refused = user_api.post("/api/cart/items", {"product_id": socks.pk}, format="json")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60


@pytest.mark.django_db(transaction=True)
async def test_with_redis_down_sockets_stay_open_and_say_live_updates_are_off(settings, user):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": DEAD_REDIS, "socket_connect_timeout": 1}]},
        }
    }
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    inventory = WebsocketCommunicator(application, "/ws/inventory/", headers=headers)
    assert (await inventory.connect())[0]
    notice = await inventory.receive_json_from(timeout=5)
    assert notice["type"] == "error" and "Live updates are unavailable" in notice["content"]
    await inventory.send_json_to({"subscribe": [1, 2]})
    assert (await inventory.receive_json_from(timeout=5))["type"] == "subscribed"
    await inventory.disconnect()

    token = (await database_sync_to_async(issue_token_pair)(user))["access"]
    chat = WebsocketCommunicator(application, f"/ws/chat/s1?token={token}", headers=headers)
    assert (await chat.connect())[0]
    assert (await chat.receive_json_from(timeout=5))["type"] == "system"
    assert "Live updates are unavailable" in (await chat.receive_json_from(timeout=5))["content"]
    await chat.send_json_to({"message": "hello"})
    assert (await chat.receive_json_from(timeout=5))["type"] == "user"
    await chat.disconnect()

"""/ws/inventory/ and the realtime events: auth, after-commit broadcasts, subscribe, heartbeat,
bad frames, order updates to their owner only."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from accounts.authentication import revoke_access_token
from accounts.tokens import issue_token_pair
from catalog import stock
from config.asgi import application
from tests.sockets import refused_with

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


def socket(path="/ws/inventory/"):
    return WebsocketCommunicator(application, path, headers=HEADERS)


set_level = database_sync_to_async(stock.set_stock_level)


async def test_a_visitor_gets_every_committed_stock_change(goods):
    warehouse, runner, _ = goods
    client = socket()
    connected, _ = await client.connect()
    assert connected
    await set_level(sku=f"T-{runner.pk}-0", location_id=warehouse.pk, quantity=3)
    event = await client.receive_json_from(timeout=3)
    assert event["type"] == "inventory_update"
    assert (event["product_id"], event["sku"], event["new_quantity"], event["location"]) == (
        runner.pk,
        f"T-{runner.pk}-0",
        3,
        "Central Warehouse",
    )
    assert (event["product_stock"], event["stock_status"]) == (3, "low_stock")
    assert event["timestamp"]
    await client.disconnect()


@database_sync_to_async
def change_then_roll_back(sku, location_id):
    try:
        with transaction.atomic():
            stock.set_stock_level(sku=sku, location_id=location_id, quantity=0)
            raise RuntimeError("payment failed")
    except RuntimeError:
        pass


async def test_a_rolled_back_change_is_never_sent(goods):
    warehouse, runner, _ = goods
    client = socket()
    await client.connect()
    await change_then_roll_back(f"T-{runner.pk}-0", warehouse.pk)
    assert await client.receive_nothing(timeout=0.5)
    await client.disconnect()


async def test_subscribe_narrows_the_stream(goods):
    warehouse, runner, bottle = goods
    client = socket()
    await client.connect()
    await client.send_json_to({"subscribe": [bottle.pk]})
    assert (await client.receive_json_from())["type"] == "subscribed"
    await set_level(sku=f"T-{runner.pk}-0", location_id=warehouse.pk, quantity=1)
    await set_level(sku=f"T-{bottle.pk}-0", location_id=warehouse.pk, quantity=7)
    event = await client.receive_json_from(timeout=3)
    assert (event["product_id"], event["new_quantity"]) == (bottle.pk, 7)
    assert await client.receive_nothing(timeout=0.3)
    await client.disconnect()


@pytest.mark.parametrize(
    "frame", ["not json", "[1, 2]", '{"subscribe": "all"}', '{"hello": 1}', "x" * 5000]
)
async def test_bad_frames_get_an_error_and_the_socket_stays(goods, frame):
    warehouse, runner, _ = goods
    client = socket()
    await client.connect()
    await client.send_to(text_data=frame)
    assert (await client.receive_json_from())["type"] == "error"
    await set_level(sku=f"T-{runner.pk}-0", location_id=warehouse.pk, quantity=2)
    assert (await client.receive_json_from(timeout=3))["type"] == "inventory_update"
    await client.disconnect()


@pytest.fixture
def user_tokens(user):
    return issue_token_pair(user)


async def test_a_bad_or_revoked_token_is_refused_with_4401(user, user_tokens):
    for token in ("not-a-token", user_tokens["refresh"]):
        assert await refused_with(socket(f"/ws/inventory/?token={token}")) == 4401
    from rest_framework_simplejwt.tokens import AccessToken

    await database_sync_to_async(revoke_access_token)(AccessToken(user_tokens["access"]).payload)
    assert await refused_with(socket(f"/ws/inventory/?token={user_tokens['access']}")) == 4401


async def test_the_heartbeat_pings_and_closes_a_silent_socket(goods, settings):
    settings.WS_PING_INTERVAL_SECONDS = 0.1
    client = socket()
    await client.connect()
    assert await client.receive_json_from(timeout=1) == {"type": "ping"}
    await client.send_json_to({"type": "pong"})
    assert await client.receive_json_from(timeout=1) == {"type": "ping"}
    assert await client.receive_json_from(timeout=1) == {"type": "ping"}
    closed = await client.receive_output(timeout=1)
    assert closed == {"type": "websocket.close", "code": 4408}


async def test_order_updates_reach_their_owner_only(user, other_user, user_tokens):
    from orders import fulfilment
    from orders.models import Order

    mine = socket(f"/ws/inventory/?token={user_tokens['access']}")
    theirs = socket(
        f"/ws/inventory/?token={(await database_sync_to_async(issue_token_pair)(other_user))['access']}"
    )
    assert (await mine.connect())[0] and (await theirs.connect())[0]

    @database_sync_to_async
    def paid_order_then_processing():
        order = Order.objects.create(
            user=user,
            status="paid",
            ship_street="1",
            ship_city="X",
            ship_zip_code="1",
            ship_country="US",
            number="ORD-T-1",
        )
        fulfilment.advance(order_id=order.pk, status="processing", note="Picking")
        return order

    order = await paid_order_then_processing()
    event = await mine.receive_json_from(timeout=3)
    assert (event["type"], event["order_id"], event["status"]) == (
        "order_update",
        order.pk,
        "processing",
    )
    assert event["at"]
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_unknown_socket_paths_are_closed():
    client = socket("/ws/nothing/")
    with pytest.raises(ValueError):
        await client.connect()
    await asyncio.sleep(0)

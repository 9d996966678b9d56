"""The chat socket as API.md has it, and the agent shopping through real tools."""

import asyncio
import functools
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.tokens import issue_token_pair
from cart.models import CartItem
from catalog import stock
from config.asgi import application
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.sockets import refused_with

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


def chat(session_id="s1", token=None):
    query = f"?token={token}" if token else ""
    return WebsocketCommunicator(application, f"/ws/chat/{session_id}{query}", headers=HEADERS)


@pytest.fixture
def token(user):
    return issue_token_pair(user)["access"]


@pytest.fixture
def shop(db):
    warehouse = builders.location()
    builders.product(
        "Trail Runner Shoes",
        brand_name="Hoka",
        category_name="Running Shoes",
        price="90.00",
        variants=[
            ("Blue", "9", {warehouse: 5}),
            ("Blue", "10", {warehouse: 5}),
            ("Red", "9", {warehouse: 2}),
        ],
    )
    builders.product(
        "Road Runner Shoes",
        brand_name="Nike",
        category_name="Running Shoes",
        price="140.00",
        variants=[("Black", "9", {warehouse: 5})],
    )
    return warehouse


async def receive_until(client, kind: str, limit: int = 10) -> list[dict]:
    events = []
    for _ in range(limit):
        event = await client.receive_json_from(timeout=5)
        events.append(event)
        if event["type"] == kind:
            return events
    raise AssertionError(f"no {kind} in {events}")


async def test_no_or_bad_credentials_are_refused_with_4401(token):
    assert await refused_with(chat()) == 4401
    assert await refused_with(chat(token="nonsense")) == 4401


async def test_another_users_session_is_refused_with_4403(user, other_user, token):
    client = chat("mine", token)
    assert (await client.connect())[0]
    await client.disconnect()
    theirs = (await database_sync_to_async(issue_token_pair)(other_user))["access"]
    assert await refused_with(chat("mine", theirs)) == 4403


async def test_connect_says_hello_with_the_history(token, shop):
    client = chat("hist", token)
    await client.connect()
    hello = await client.receive_json_from()
    assert (hello["type"], hello["session_id"], hello["history"]) == ("system", "hist", [])
    assert hello["content"] and hello["timestamp"]
    await client.send_json_to({"message": "nike shoes"})
    await receive_until(client, "assistant")
    await client.disconnect()

    again = chat("hist", token)
    await again.connect()
    history = (await again.receive_json_from())["history"]
    assert [(h["type"], h["content"][:11]) for h in history] == [
        ("user", "nike shoes"),
        ("assistant", "Here is 1:\n"),
    ]
    await again.disconnect()


async def test_the_socket_opens_at_once_while_the_assistant_is_still_being_built(
    token, shop, monkeypatch
):
    """The first chat of a process builds the assistant's classifier, which takes seconds; the
    handshake must not wait for it (daphne drops a handshake unanswered after 5 s). The first
    message is answered once it is built."""
    import threading

    from chat import understanding

    built = await asyncio.get_running_loop().run_in_executor(None, understanding.classifier)
    ready = threading.Event()
    monkeypatch.setattr(understanding, "_model", None)
    monkeypatch.setattr(understanding, "train", lambda: (ready.wait(10), built)[1])

    client = chat("first", token)
    try:
        assert (await client.connect(timeout=2))[0]
        assert (await client.receive_json_from(timeout=2))["type"] == "system"
        await client.send_json_to({"message": "nike shoes"})
        assert await client.receive_nothing(timeout=0.3)  # still being built
        ready.set()
        assert (await receive_until(client, "assistant"))[-1]["content"].startswith("Here is 1")
    finally:
        ready.set()
        await client.disconnect()


async def test_each_step_is_sent_as_it_happens_not_with_the_answer(token, shop, monkeypatch):
    from chat.tools import ShopTools

    search = ShopTools.search_products

    @functools.wraps(search)
    def slow_search(self, *args, **kwargs):
        time.sleep(0.5)  # a slow tool, as a model's step can be
        return search(self, *args, **kwargs)

    monkeypatch.setattr(ShopTools, "search_products", slow_search)
    client = chat("steps", token)
    await client.connect()
    await client.receive_json_from()
    await client.send_json_to({"message": "nike shoes"})
    arrived = {}
    for event in await receive_until(client, "tool_call"):
        arrived[event["type"]] = time.monotonic()
    await receive_until(client, "assistant")
    # The tool call was on screen while the tool ran, half a second before the answer.
    assert time.monotonic() - arrived["tool_call"] >= 0.4
    await client.disconnect()


@pytest.mark.parametrize(
    "frame", ["{oops", '{"message": ""}', '{"message": "   "}', '{"message": 5}']
)
async def test_bad_messages_get_an_error_and_the_socket_stays(token, frame):
    client = chat("bad", token)
    await client.connect()
    await client.receive_json_from()
    await client.send_to(text_data=frame)
    assert (await client.receive_json_from())["type"] == "error"
    await client.send_json_to({"message": "x" * 2001})
    assert "2000" in (await client.receive_json_from())["content"]
    await client.send_json_to({"message": "hello"})
    events = await receive_until(client, "assistant")
    assert [e["type"] for e in events] == ["user", "thinking", "assistant"]
    await client.disconnect()


async def test_shopping_through_the_agent(user, token, shop):
    client = chat("shop", token)
    await client.connect()
    await client.receive_json_from()

    await client.send_json_to({"message": "runing shoes under $100"})
    events = await receive_until(client, "assistant")
    assert [e["type"] for e in events] == [
        "user",
        "thinking",
        "tool_call",
        "tool_result",
        "assistant",
    ]
    call, answer = events[2], events[-1]
    assert (call["tool"], call["args"]["max_price"]) == ("search_products", 100.0)
    assert [p["name"] for p in answer["products"]] == ["Trail Runner Shoes"]

    await client.send_json_to({"message": "add the first one in blue size 10"})
    answer = (await receive_until(client, "assistant"))[-1]
    assert answer["content"].startswith("Added.")
    assert answer["cart"]["items"][0]["size"] == "10"

    await client.send_json_to({"message": "one more"})  # the size just chosen is remembered
    answer = (await receive_until(client, "assistant"))[-1]
    assert answer["cart"]["items"][0]["quantity"] == 2

    await client.send_json_to({"message": "nike running shoes"})
    await receive_until(client, "assistant")
    await client.send_json_to({"message": "add the first one"})
    assert (
        (await receive_until(client, "assistant"))[-1]["content"]
        == "Added. Your cart:\n2 x Trail Runner Shoes (Blue, 10): $180.00\n1 x Road Runner Shoes (Black, 9): $140.00\nTotal $345.60"
    )

    await client.send_json_to({"message": "trail runner"})
    await receive_until(client, "assistant")
    await client.send_json_to({"message": "add the first one in red"})
    assert "Choose a size" in (await receive_until(client, "assistant"))[-1]["content"]

    items = await database_sync_to_async(
        lambda: sorted(
            CartItem.objects.filter(cart__user=user).values_list("variant__sku", "quantity")
        )
    )()
    assert [q for _, q in items] == [2, 1]
    await client.disconnect()


async def test_chat_sockets_get_inventory_updates_too(token, shop):
    client = chat("live", token)
    await client.connect()
    await client.receive_json_from()
    sku = await database_sync_to_async(
        lambda: builders.product("Live Thing", variants=[("", "", 1)]).variants.get().sku
    )()
    await database_sync_to_async(stock.set_stock_level)(sku=sku, location_id=shop.pk, quantity=9)
    event = await client.receive_json_from(timeout=3)
    assert (event["type"], event["new_quantity"]) == ("inventory_update", 9)
    await client.disconnect()


async def test_chat_is_throttled_per_user(token, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 2
    client = chat("fast", token)
    await client.connect()
    await client.receive_json_from()
    for _ in range(2):
        await client.send_json_to({"message": "hello"})
        await receive_until(client, "assistant")
    await client.send_json_to({"message": "hello"})
    error = await client.receive_json_from()
    assert error["type"] == "error" and "quickly" in error["content"]
    await client.disconnect()


# SQLite's in-memory test database refuses a second writer at once instead of waiting for it.
@full_mode_only
async def test_slow_turns_run_side_by_side_and_sockets_still_connect(
    user, other_user, token, shop, monkeypatch
):
    """Turns of a model taking a second each: two shoppers at once are both answered in about
    a second, and a third shopper's socket opens meanwhile."""
    from langchain_core.messages import AIMessage

    from chat import consumers
    from tests.chat.test_brains import SlowModel

    real_build = consumers.build_agent

    def slow_agent(user):
        return real_build(user, model=SlowModel(messages=iter([AIMessage(content="Sure.")])))

    monkeypatch.setattr(consumers, "build_agent", slow_agent)
    theirs = (await database_sync_to_async(issue_token_pair)(other_user))["access"]
    first, second = chat("slow-1", token), chat("slow-2", theirs)
    for client in (first, second):
        await client.connect()
        await client.receive_json_from()
    started = time.monotonic()
    await first.send_json_to({"message": "hello"})
    await second.send_json_to({"message": "hello"})
    third = chat("slow-3", token)
    assert (await third.connect(timeout=2))[0]
    connected = time.monotonic() - started
    answers = [(await receive_until(client, "assistant"))[-1] for client in (first, second)]
    answered = time.monotonic() - started
    assert [a["content"] for a in answers] == ["Sure.", "Sure."]
    assert connected < 0.8  # not after the turns
    assert answered < 1.8  # side by side: one after the other would be 2 s and more
    for client in (first, second, third):
        await client.disconnect()

"""The back_in_stock event on the open sockets of the user who asked, after the stock change
commits, by every path that puts stock back (with its mail, sent after a real commit)."""

import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail as django_mail
from django.db import transaction

from accounts import services as accounts
from accounts.tokens import issue_token_pair
from catalog import feeds, stock
from config.asgi import application
from mail import services as mail
from mail.models import Email
from tests.catalog import builders
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.orders.conftest import add_to_cart, card, place
from tests.orders.test_orders import deliver

from .conftest import back_in_stock_mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


async def socket_of(user) -> WebsocketCommunicator:
    token = (await database_sync_to_async(issue_token_pair)(user))["access"]
    return WebsocketCommunicator(application, f"/ws/inventory/?token={token}", headers=HEADERS)


async def next_notice(client, timeout=3) -> dict:
    """The next back_in_stock frame; the inventory stream's frames pass by on the same socket."""
    deadline = time.monotonic() + timeout
    while True:
        frame = await client.receive_json_from(timeout=max(0.1, deadline - time.monotonic()))
        if frame["type"] == "back_in_stock":
            return frame


async def no_notice(client, timeout=0.5) -> bool:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        if await client.receive_nothing(timeout=left):
            return True
        if (await client.receive_json_from())["type"] == "back_in_stock":
            return False
    return True


def ask(user, product, variant=None) -> None:
    body = {} if variant is None else {"variant_id": variant.pk}
    response = bearer_client(user).post(
        f"/api/products/{product.pk}/notify-me", body, format="json"
    )
    assert response.status_code == 201, response.content


# Each path: arrange() sells the variant out and has the user ask; restock() puts it back.


def _staff_path(user, warehouse, tmp_path):
    shell = builders.product("Rain Shell", variants=[("", "", 0)])
    ask(user, shell)
    staff = bearer_client(UserFactory(username="sam", is_staff=True))
    body = {"sku": shell.variants.get().sku, "location_id": warehouse.pk, "quantity": 3}
    return shell, lambda: staff.put("/api/staff/stock", body, format="json")


def _feed_path(user, warehouse, tmp_path):
    shell = builders.product("Rain Shell", variants=[("", "", 0)])
    ask(user, shell)
    feed = tmp_path / "feed.csv"
    feed.write_text(f"sku,location,quantity\n{shell.variants.get().sku},{warehouse.pk},4\n")
    return shell, lambda: feeds.sync_inventory(feeds.FileFeed(str(feed)))


def _buyer():
    person = UserFactory(username="cy")
    client = bearer_client(person)
    client.address = accounts.add_address(
        user=person, street="1 Main St", city="Springfield", zip_code="62701", country="US"
    )
    client.card = card(person)
    return client


def _bought(product):
    buyer = _buyer()
    add_to_cart(buyer, product, 1)
    order = place(buyer, buyer.address, buyer.card)
    assert order.status_code == 201, order.content
    return buyer, order.json()


def _cancel_path(user, warehouse, tmp_path):
    shell = builders.product("Rain Shell", variants=[("", "", 1)])
    buyer, order = _bought(shell)
    ask(user, shell)
    return shell, lambda: buyer.post(f"/api/orders/{order['id']}/cancel")


def _return_path(user, warehouse, tmp_path):
    shell = builders.product("Rain Shell", variants=[("", "", 1)])
    buyer, order = _bought(shell)
    staff = bearer_client(UserFactory(username="sam", is_staff=True))
    deliver(staff, order["id"])
    ask(user, shell)
    item = order["items"][0]
    returned = buyer.post(
        f"/api/orders/{order['id']}/return",
        {"reason": "Too big", "items": [{"order_item_id": item["id"], "quantity": 1}]},
        format="json",
    ).json()
    staff.post(f"/api/staff/returns/{returned['id']}/approve")
    return shell, lambda: staff.post(f"/api/staff/returns/{returned['id']}/receive")


PATHS = {
    "staff": _staff_path,
    "feed": _feed_path,
    "cancelled order": _cancel_path,
    "received return": _return_path,
}


@pytest.mark.parametrize("path", list(PATHS))
async def test_the_user_who_asked_gets_one_event_and_one_mail(
    path, user, other_user, warehouse, tmp_path
):
    shell, restock = await database_sync_to_async(PATHS[path])(user, warehouse, tmp_path)
    django_mail.outbox.clear()  # a buyer's order mail
    mine, theirs = await socket_of(user), await socket_of(other_user)
    assert (await mine.connect())[0] and (await theirs.connect())[0]
    await database_sync_to_async(restock)()
    variant = await database_sync_to_async(shell.variants.get)()
    assert await next_notice(mine) == {
        "type": "back_in_stock",
        "product_id": shell.pk,
        "variant_id": variant.pk,
        "name": "Rain Shell",
        "url": f"/p/{shell.slug}/",
    }
    assert await no_notice(mine)
    assert await no_notice(theirs, timeout=0.2)
    assert [m.subject for m in back_in_stock_mail(user.email)] == ["Rain Shell is back in stock"]
    assert back_in_stock_mail(other_user.email) == []
    await mine.disconnect()
    await theirs.disconnect()


@database_sync_to_async
def restock_then_roll_back(shell, warehouse):
    with pytest.raises(RuntimeError), transaction.atomic():
        stock.set_stock_level(sku=shell.variants.get().sku, location_id=warehouse.pk, quantity=5)
        raise RuntimeError("the count was wrong")


async def test_a_rolled_back_restock_sends_no_event(user, warehouse, tmp_path):
    shell, _ = await database_sync_to_async(_staff_path)(user, warehouse, tmp_path)
    mine = await socket_of(user)
    assert (await mine.connect())[0]
    await restock_then_roll_back(shell, warehouse)
    assert await no_notice(mine)
    assert django_mail.outbox == []
    await mine.disconnect()


async def test_with_the_mail_turned_off_the_event_still_comes(user, warehouse, tmp_path):
    await database_sync_to_async(mail.set_preferences)(user=user, back_in_stock=False)
    shell, restock = await database_sync_to_async(_staff_path)(user, warehouse, tmp_path)
    mine = await socket_of(user)
    assert (await mine.connect())[0]
    await database_sync_to_async(restock)()
    assert (await next_notice(mine))["product_id"] == shell.pk
    assert django_mail.outbox == []
    row = await database_sync_to_async(Email.objects.get)(event="back_in_stock")
    assert row.status == "skipped"
    await mine.disconnect()

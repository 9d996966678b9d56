"""Who may touch what: every API endpoint that reads or changes a user's own things, asked by a
visitor, another shopper, a staff member and the owner; every staff endpoint asked by a visitor,
a shopper and staff; and the chat socket. Only the owner gets the object: a visitor is told to
sign in (401), anyone else learns nothing, not even that it exists (404). Staff endpoints answer
staff only (403 for shoppers). The refused requests change nothing the owner can see."""

from dataclasses import dataclass

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from accounts import services as accounts
from accounts.tokens import issue_token_pair
from cart import services as cart_services
from catalog.models import StockLocation
from config.asgi import application
from orders import fulfilment, placing, returns
from tests.catalog import builders
from tests.conftest import bearer_client
from tests.factories import UserFactory


@dataclass
class World:
    address: int
    payment_method: int
    cart_item: int
    paid_order: int
    delivered_order: int
    delivered_item: int
    requested_return: int
    sku: str
    location: int


@pytest.fixture
def world(user) -> World:
    shelf = builders.product("Wool Socks", price="12.50", variants=[("", "", 50)])
    address = accounts.add_address(
        user=user, street="1 Main St", city="Springfield", zip_code="62701", country="US"
    )
    method = accounts.add_payment_method(
        user=user, type="card", card_number="4242424242424242", exp_month=12, exp_year=2031
    )

    def buy():
        cart_services.add_item(
            cart=cart_services.cart_for(user=user), product_id=shelf.pk, quantity=2
        )
        return placing.place_order(
            user=user, address_id=address.pk, payment_method_id=method.pk
        ).order

    delivered = buy()
    for step in ("processing", "shipped", "out_for_delivery", "delivered"):
        fulfilment.advance(order_id=delivered.pk, status=step)
    item = delivered.items.get()
    requested = returns.request_return(
        user=user,
        order_id=delivered.pk,
        reason="Too small",
        items=[{"order_item_id": item.pk, "quantity": 1}],
    )
    paid = buy()
    cart_item = cart_services.add_item(
        cart=cart_services.cart_for(user=user), product_id=shelf.pk, quantity=1
    )
    return World(
        address.pk,
        method.pk,
        cart_item.pk,
        paid.pk,
        delivered.pk,
        item.pk,
        requested.pk,
        shelf.variants.get().sku,
        StockLocation.objects.get().pk,
    )


# (method, path, body): {names} filled in from the world.
OWNED = [
    ("get", "/api/users/addresses/{address}", None),
    ("post", "/api/users/addresses/{address}/default", None),
    ("delete", "/api/users/addresses/{address}", None),
    ("get", "/api/users/payment-methods/{payment_method}", None),
    ("post", "/api/users/payment-methods/{payment_method}/default", None),
    ("delete", "/api/users/payment-methods/{payment_method}", None),
    ("put", "/api/cart/items/{cart_item}", {"quantity": 2}),
    ("patch", "/api/cart/items/{cart_item}", {"quantity": 2}),
    ("delete", "/api/cart/items/{cart_item}", None),
    ("get", "/api/orders/{paid_order}", None),
    ("get", "/api/orders/{paid_order}/tracking", None),
    ("post", "/api/orders/{paid_order}/cancel", None),
    (
        "post",
        "/api/orders/{delivered_order}/return",
        {"reason": "Torn", "items": [{"order_item_id": "{delivered_item}", "quantity": 1}]},
    ),
]

SIGNED_IN = [
    ("get", "/api/auth/me", None),
    ("get", "/api/users/profile", None),
    ("put", "/api/users/profile", {"full_name": "Ann", "phone": ""}),
    ("get", "/api/users/addresses", None),
    ("get", "/api/users/payment-methods", None),
    ("get", "/api/loyalty/profile", None),
    ("get", "/api/loyalty/coupons", None),
    ("delete", "/api/loyalty/apply-coupon", None),
    ("delete", "/api/loyalty/redeem-points", None),
    ("get", "/api/orders", None),
]

STAFF = [
    ("get", "/api/staff/locations", None),
    ("put", "/api/staff/stock", {"sku": "{sku}", "location_id": "{location}", "quantity": 7}),
    ("post", "/api/staff/orders/{paid_order}/status", {"status": "processing"}),
    ("post", "/api/staff/returns/{requested_return}/approve", None),
    ("post", "/api/staff/returns/{requested_return}/reject", {"note": "Worn"}),
    (
        "post",
        "/api/staff/coupons",
        {"code": "STAFF5", "discount_type": "fixed", "discount_value": "5.00"},
    ),
    (
        "post",
        "/api/staff/loyalty/adjust",
        {"user_id": "{owner}", "points": 100, "reason": "Goodwill"},
    ),
]


def fill(template, world: World, owner_id: int):
    names = {**vars(world), "owner": owner_id}
    if isinstance(template, str):
        whole = template.strip("{}")
        if template == "{" + whole + "}" and whole in names:
            return names[whole]  # a bare {name}: the id itself, as a number
        return template.format(**names)
    if isinstance(template, dict):
        return {key: fill(value, world, owner_id) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, world, owner_id) for value in template]
    return template


def ask(client, method, path, body, world, owner_id):
    return getattr(client, method)(
        fill(path, world, owner_id), fill(body, world, owner_id), format="json"
    )


def assert_refused(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code


@pytest.fixture
def staff_api(staff_user):
    return bearer_client(staff_user)


def owner_view(user_api, world) -> list:
    """What the owner sees of their things, to prove refused requests changed none of it."""
    return [
        user_api.get(path).json()
        for path in (
            "/api/users/addresses",
            "/api/users/payment-methods",
            "/api/cart",
            "/api/orders",
        )
    ]


@pytest.mark.parametrize("method,path,body", OWNED, ids=[f"{m} {p}" for m, p, _ in OWNED])
def test_only_the_owner_reaches_their_things(
    method, path, body, world, user, user_api, other_api, staff_api, api
):
    before = owner_view(user_api, world)
    if path.startswith("/api/cart/"):  # a visitor has a cart of their own, without this item
        assert_refused(ask(api, method, path, body, world, user.pk), 404, "not_found")
    else:
        assert_refused(ask(api, method, path, body, world, user.pk), 401, "not_authenticated")
    assert_refused(ask(other_api, method, path, body, world, user.pk), 404, "not_found")
    # Staff use the staff API and the admin; the shopper's API is the shopper's alone.
    assert_refused(ask(staff_api, method, path, body, world, user.pk), 404, "not_found")
    assert owner_view(user_api, world) == before
    owner = ask(user_api, method, path, body, world, user.pk)
    assert owner.status_code in (200, 201, 204), owner.content


@pytest.mark.parametrize("method,path,body", SIGNED_IN, ids=[f"{m} {p}" for m, p, _ in SIGNED_IN])
def test_account_endpoints_need_a_signed_in_user_and_show_only_theirs(
    method, path, body, world, user, user_api, api
):
    assert_refused(ask(api, method, path, body, world, user.pk), 401, "not_authenticated")
    stranger = bearer_client(UserFactory())
    response = ask(stranger, method, path, body, world, user.pk)
    assert response.status_code in (200, 204), response.content
    assert (
        user.email not in response.content.decode() and "Main St" not in response.content.decode()
    )


@pytest.mark.parametrize("method,path,body", STAFF, ids=[f"{m} {p}" for m, p, _ in STAFF])
def test_staff_endpoints_answer_staff_only(
    method, path, body, world, user, user_api, staff_api, api
):
    assert_refused(ask(api, method, path, body, world, user.pk), 401, "not_authenticated")
    assert_refused(ask(user_api, method, path, body, world, user.pk), 403, "permission_denied")
    response = ask(staff_api, method, path, body, world, user.pk)
    assert response.status_code in (200, 201), response.content


def test_a_visitors_session_cart_is_theirs_alone(world, user_api):
    shelf_id = builders.product("Cap", price="20.00").pk
    visitor, stranger = APIClient(), APIClient()
    visitor.post("/api/cart/items", {"product_id": shelf_id, "quantity": 1}, format="json")
    item_id = visitor.get("/api/cart").json()["items"][0]["id"]
    assert_refused(
        stranger.put(f"/api/cart/items/{item_id}", {"quantity": 5}, format="json"), 404, "not_found"
    )
    assert_refused(user_api.delete(f"/api/cart/items/{item_id}"), 404, "not_found")
    assert visitor.get("/api/cart").json()["items"][0]["quantity"] == 1


HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@pytest.mark.django_db(transaction=True)
async def test_a_chat_session_opens_for_its_owner_only(user, other_user, staff_user):
    def chat(token=None):
        query = f"?token={token}" if token else ""
        return WebsocketCommunicator(application, f"/ws/chat/ann-session{query}", headers=HEADERS)

    tokens = {
        who.username: (await database_sync_to_async(issue_token_pair)(who))["access"]
        for who in (user, other_user, staff_user)
    }
    owner = chat(tokens["ann"])
    assert (await owner.connect())[0]
    await owner.disconnect()
    assert await chat().connect() == (False, 4401)
    assert await chat(tokens["bob"]).connect() == (False, 4403)
    assert await chat(tokens["sam"]).connect() == (False, 4403)

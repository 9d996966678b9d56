"""Conversations with the offline brain: constraints carry over until changed, a question asked
is answered by the next message only, and what a shopper asks of the cart, coupons, points and
orders ends in the state they asked for."""

import pytest

from cart import services as cart_services
from cart.models import Cart
from chat.agent import build_agent
from chat.evals.run import take_turn
from loyalty import services as loyalty
from orders import fulfilment, placing
from tests.catalog import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    builders.location()
    shoes = builders.category("Shoes")
    running = builders.category("Running Shoes", parent=shoes)
    for name, price, colors in [
        ("Tempo Glide 3", "90.00", ["Blue", "Red"]),
        ("Tempo Swift 5", "130.00", ["Blue"]),
        ("Arc Dash 2", "70.00", ["Red"]),
    ]:
        builders.product(
            name,
            brand_name="Stride",
            category=running,
            price=price,
            variants=[(c, s, 5) for c in colors for s in ("9", "10")],
        )
    builders.product(
        "Arc Dash 7",
        brand_name="Pace",
        category=running,
        price="60.00",
        variants=[("Blue", "9", 5)],
    )
    builders.product("Trek Bottle", category_name="Bottles", price="15.00")


class Chat:
    def __init__(self, user):
        self.agent, self.state = build_agent(user), {}

    def __call__(self, message: str):
        self.state, self.calls, self.reply, extras = take_turn(self.agent, message, self.state)
        self.products = [p["name"] for p in extras.get("products") or []]
        return self.reply


def test_search_constraints_carry_over_until_changed(user, shop):
    chat = Chat(user)
    chat("running shoes under $100")
    assert set(chat.products) == {"Tempo Glide 3", "Arc Dash 2", "Arc Dash 7"}
    chat("in blue")
    assert set(chat.products) == {"Tempo Glide 3", "Arc Dash 7"}
    chat("only stride ones")
    assert chat.products == ["Tempo Glide 3"]
    chat("what about under $200 instead")
    assert set(chat.products) == {"Tempo Glide 3", "Tempo Swift 5"}
    chat("cheapest shoes")  # a new subject starts afresh, the whole category tree
    assert chat.products[0] == "Arc Dash 7" and len(chat.products) == 4


def test_a_bare_size_after_a_search_narrows_it(user, shop):
    chat = Chat(user)
    chat("stride running shoes in red")
    chat("size 10")
    assert chat.calls[0] == (
        "search_products",
        {"brand": "Stride", "category": "Running Shoes", "color": "Red", "size": "10"},
    )
    assert set(chat.products) == {"Tempo Glide 3", "Arc Dash 2"}


def test_a_question_asked_is_answered_by_the_next_message_only(user, shop):
    chat = Chat(user)
    assert "Choose a color" in chat("add the tempo glide 3 in size 10")
    assert "Added" in chat("red")
    [line] = Cart.objects.get(user=user).items.all()
    assert (line.variant.color, line.variant.size, line.quantity) == ("Red", "10", 1)
    chat("add the arc dash 2")
    chat("what's in my cart")
    assert chat.calls[0][0] == "show_cart"
    chat("9")  # the size question has passed: nothing is added
    assert Cart.objects.get(user=user).items.count() == 1


def test_editing_the_cart_in_the_shoppers_words(user, shop):
    chat = Chat(user)
    chat("add 2 stride tempo glide 3 in blue size 9")
    chat("one more")
    chat("and the trek bottle")
    assert _lines(user) == {("Tempo Glide 3", "Blue", "9", 3), ("Trek Bottle", "", "", 1)}
    chat("switch the running shoes to size 10")
    chat("double the bottle")
    assert _lines(user) == {("Tempo Glide 3", "Blue", "10", 3), ("Trek Bottle", "", "", 2)}
    chat("remove the shoes")
    assert _lines(user) == {("Trek Bottle", "", "", 2)}
    chat("empty my cart")
    assert _lines(user) == set()


def test_points_and_coupons_on_and_off(user, shop, settings):
    loyalty.earn_points(user=user, points=1250)
    cart = cart_services.cart_for(user=user)
    cart_services.add_item(
        cart=cart, product_id=_product("Tempo Swift 5"), quantity=1, color="Blue", size="9"
    )
    chat = Chat(user)
    assert "$12 off" in chat("use all my points")
    assert Cart.objects.get(user=user).points_to_redeem == 1200
    chat("don't use my points after all")
    assert Cart.objects.get(user=user).points_to_redeem == 0
    assert "worth $12" in chat("how much are my points worth?")


def test_cancelling_asks_first_and_a_no_leaves_the_order(user, shop, address, good_card):
    order = _order(user, address, good_card)
    chat = Chat(user)
    assert "Say yes" in chat("cancel my order")
    assert "left it" in chat("no, keep it")
    order.refresh_from_db()
    assert order.status == "paid"
    assert chat("yes") and chat.calls == []  # nothing is pending any more
    chat(f"cancel {order.number}, yes I'm sure")
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_orders_that_cant_be_cancelled_or_returned_say_why_at_once(user, shop, address, good_card):
    order = _order(user, address, good_card)
    for step in ("processing", "shipped"):
        fulfilment.advance(order_id=order.pk, status=step)
    chat = Chat(user)
    assert "already shipped" in chat("please cancel my order")
    assert "hasn't been delivered" in chat("can i return it?")
    assert "can't find an order ORD-19990101-000001" in chat("where is ORD-19990101-000001?")


def test_declines_and_small_talk(user, shop):
    chat = Chat(user)
    assert "only help with your own account" in chat("show me my neighbour's orders")
    assert chat.calls == []
    assert "can't change prices" in chat("make the tempo glide free for me")
    assert "don't carry sofa" in chat("do you sell sofas?")
    assert chat.products == []
    assert chat("hello!").startswith("Hi!") and chat.calls == []
    assert "only help with your own account" in chat(
        "what's Maria Lopez's home address? I want to send her a gift"
    )
    assert chat.calls == []


def test_suggesting_a_kind_shows_the_best_rated_of_it_not_what_goes_with_it(user, shop):
    chat = Chat(user)
    chat("suggest a well reviewed running shoe under $100")
    assert chat.calls[0] == (
        "search_products",
        {"category": "Running Shoes", "max_price": 100.0, "sort": "-rating"},
    )
    chat("what would you recommend for a running shoe")
    assert chat.calls[0][0] == "goes_with_category"


def _product(name):
    from catalog.models import Product

    return Product.objects.get(name=name).pk


def _order(user, address, card):
    cart_services.add_item(
        cart=cart_services.cart_for(user=user),
        product_id=_product("Arc Dash 2"),
        quantity=1,
        color="Red",
        size="9",
    )
    return placing.place_order(user=user, address_id=address.pk, payment_method_id=card.pk).order


def _lines(user):
    return {
        (i.variant.product.name, i.variant.color, i.variant.size, i.quantity)
        for i in Cart.objects.get(user=user).items.select_related("variant__product")
    }

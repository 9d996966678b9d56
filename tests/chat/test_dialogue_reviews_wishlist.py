"""Conversations with the offline brain about reviews, the wishlist and back-in-stock notices:
the product is the one named or in hand ("it"), the colour and size said pick its variant, and
a question asked (which size? add it after all? tell you when it's back?) is answered by the
next message."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cart.models import Cart
from chat.agent import build_agent
from chat.evals.run import take_turn
from reviews import services as reviews
from tests.catalog import builders
from tests.factories import UserFactory
from tests.reviews.conftest import buy
from wishlist.models import StockWatch, WishlistItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    builders.location()
    shoes = builders.category("Shoes")
    running = builders.category("Running Shoes", parent=shoes)
    runner = builders.product(
        "Trail Runner",
        brand_name="Stride",
        category=running,
        price="80.00",
        variants=[("Blue", "42", 50), ("Red", "42", 0), ("Red", "43", 3)],
    )  # three of its blue 42 are bought below
    builders.product(
        "Tempo Glide 3",
        brand_name="Stride",
        category=running,
        price="90.00",
        variants=[("Blue", "42", 5)],
    )
    builders.product("Trek Bottle", category_name="Bottles", price="15.00")
    for rating, title, body in [
        (5, "Superb grip", "Held on wet granite all the way up."),
        (4, "Good", "Comfortable, a bit warm."),
        (2, "Runs small", "Order a size up."),
    ]:
        author = UserFactory(full_name="Dana Lee")
        buy(author, runner)
        reviews.write_review(
            user=author, product_id=runner.pk, rating=rating, title=title, body=body
        )
    return runner


class Chat:
    def __init__(self, user):
        self.agent, self.state = build_agent(user), {}

    def __call__(self, message: str):
        self.state, self.calls, self.reply, _ = take_turn(self.agent, message, self.state)
        return self.reply

    @property
    def tool(self):
        return self.calls[0][0] if self.calls else None


@pytest.mark.parametrize(
    "message",
    [
        "what do people say about the trail runner",
        "is the trail runner any good?",
        "how is the trail runner rated",
        "any reviews of the stride trail runner?",
        "what are the reviews for the trail runner like",
    ],
)
def test_what_people_say_of_a_product_named(user, shop, message):
    chat = Chat(user)
    reply = chat(message)
    assert chat.tool == "product_reviews"
    assert "rated 3.7 out of 5 from 3 reviews" in reply
    assert '"Held on wet granite all the way up."' in reply  # the praise
    assert '"Order a size up."' in reply  # and the criticism


def test_it_is_the_product_in_hand(user, shop):
    chat = Chat(user)
    chat("tell me about the trail runner")
    assert "rated 3.7 (3 reviews)" in chat.reply
    chat("any reviews of it?")
    assert chat.tool == "product_reviews" and "3 reviews" in chat.reply
    assert "Tempo Glide 3 has no reviews yet" in chat("is the tempo glide 3 any good")


def test_saving_it_for_later(user, shop):
    chat = Chat(user)
    chat("running shoes in red")
    chat("tell me more about the first one")
    assert chat("save it for later") == "Saved Trail Runner to your wishlist."
    assert "already in your wishlist" in chat("add this to my wishlist")
    assert chat("put the tempo glide 3 on my wish list").startswith("Saved Tempo Glide 3")
    assert set(WishlistItem.objects.filter(user=user).values_list("product__name", flat=True)) == {
        "Trail Runner",
        "Tempo Glide 3",
    }
    assert not Cart.objects.filter(user=user, items__isnull=False).exists()


def test_a_product_named_by_a_search_is_saved_once_found(user, shop):
    chat = Chat(user)
    reply = chat("save the cheapest stride running shoes to my wishlist")
    assert [name for name, _ in chat.calls] == ["search_products", "save_to_wishlist"]
    assert reply == "Saved Trail Runner to your wishlist."
    assert "already" in chat("save the stride running shoes for later")  # the ones in hand
    chat("is the bottle any good?")  # another kind: looked for, not the shoes' reviews
    assert [name for name, _ in chat.calls] == ["search_products", "product_reviews"]
    assert "Trek Bottle has no reviews yet" in chat.reply
    again = Chat(user)
    again("save stride running shoes for later")  # two found: they are shown, nothing saved
    assert [name for name, _ in again.calls] == ["search_products"]
    assert WishlistItem.objects.filter(user=user).count() == 1


def test_saving_a_colour_asks_for_the_size_and_the_next_message_answers(user, shop):
    chat = Chat(user)
    chat("tell me about the trail runner")
    assert "Choose a size: 42, 43" in chat("save the red one to my wishlist")
    assert chat("43") == "Saved Trail Runner (Red, 43) to your wishlist."
    [saved] = WishlistItem.objects.filter(user=user)
    assert (saved.variant.color, saved.variant.size) == ("Red", "43")


def test_tell_me_when_the_red_one_in_42_is_back(user, shop):
    chat = Chat(user)
    reply = chat("let me know when the red trail runner in 42 is back")
    assert chat.calls[0] == (
        "notify_when_back",
        {"product_id": shop.pk, "color": "Red", "size": "42"},
    )
    assert "email you when Trail Runner (Red, 42) is back in stock" in reply
    assert "already on the list" in chat("notify me when it's in stock again in red 42")
    [watch] = StockWatch.objects.filter(user=user)
    assert (watch.variant.color, watch.variant.size, watch.status) == ("Red", "42", "pending")


def test_a_sold_out_addition_then_yes_asks_for_the_notice(user, shop):
    chat = Chat(user)
    assert "sold out" in chat("add the trail runner in red size 42")
    assert "Say yes" in chat.reply
    chat("yes please")
    assert chat.tool == "notify_when_back"
    assert "Trail Runner (Red, 42) is back in stock" in chat.reply
    assert StockWatch.objects.filter(user=user, variant__color="Red", variant__size="42").exists()


def test_in_stock_after_all_offers_the_cart_and_yes_adds_it(user, shop):
    chat = Chat(user)
    chat("tell me about the trail runner")
    reply = chat("notify me when the blue one is back in stock")
    assert "Trail Runner (Blue, 42) is in stock now (47 available)" in reply
    assert not StockWatch.objects.exists()
    chat("yes")
    assert chat.tool == "add_to_cart" and chat.reply.startswith("Added.")
    [line] = Cart.objects.get(user=user).items.all()
    assert (line.variant.color, line.variant.size, line.quantity) == ("Blue", "42", 1)


def test_which_product_when_none_is_in_hand(user, shop):
    chat = Chat(user)
    assert "Which product" in chat("save it for later")
    assert "Which product" in chat("notify me when it's back in stock")
    assert chat.calls == []


def test_a_visitor_is_asked_to_sign_in(shop):
    chat = Chat(AnonymousUser())
    assert chat("save the trail runner for later") == "Sign in to save products to your wishlist."
    assert "Sign in" in chat("tell me when the red trail runner in 42 is back")
    assert "3 reviews" in chat("what do people say about the trail runner")

"""The agent's tools over reviews and the wishlist: what people say of a product (from reviews
written by its buyers), saving it for later, and a notice when a sold-out one is back."""

import pytest
from django.contrib.auth.models import AnonymousUser

from chat.tools import QUOTE_CHARS, ShopTools
from reviews import services as reviews
from tests.catalog import builders
from tests.factories import UserFactory
from tests.reviews.conftest import buy
from wishlist.models import StockWatch, WishlistItem

pytestmark = pytest.mark.django_db

LONG_PRAISE = (
    "I have run three marathons in these and they still feel new. The grip on wet rock is the "
    "best I have had, the laces stay tied, and the toe box leaves room for swelling feet."
)


@pytest.fixture
def runner(db):
    """Trail Runner: blue 10 and red 10 in stock, red 9 sold out."""
    builders.location()
    return builders.product(
        "Trail Runner",
        price="80.00",
        variants=[("Blue", "10", 50), ("Red", "9", 0), ("Red", "10", 4)],
    )


@pytest.fixture
def shell(db):
    """Rain Shell: one style, sold out."""
    builders.location()
    return builders.product("Rain Shell", price="45.00", variants=[("", "", 0)])


def review(product, rating: int, title: str, body: str = "", helpful: int = 0):
    """A review by a new buyer of ``product`` (its first variant), found helpful by ``helpful`` other shoppers."""
    author = UserFactory(full_name="Ana Perez")
    buy(author, product)
    made = reviews.write_review(
        user=author, product_id=product.pk, rating=rating, title=title, body=body
    )
    for _ in range(helpful):
        reviews.vote_helpful(user=UserFactory(), review_id=made.pk)
    return made


def test_what_people_say_the_average_the_stars_and_two_quotes(user, runner):
    review(runner, 5, "Love them", LONG_PRAISE, helpful=3)
    review(runner, 5, "Great", "Comfortable from the first day.", helpful=1)
    review(runner, 4, "Good", "Fine shoe.")
    review(runner, 2, "Too narrow", "They pinch after an hour.", helpful=2)
    review(runner, 1, "Fell apart", "The sole came off.")
    said = ShopTools(user).product_reviews(runner.pk)
    assert (said["product"], said["average"], said["count"]) == ("Trail Runner", 3.4, 5)
    assert said["distribution"] == {"5": 2, "4": 1, "3": 0, "2": 1, "1": 1}
    praise, criticism = said["quotes"]
    assert (praise["rating"], praise["title"], praise["author"]) == (5, "Love them", "Ana P.")
    assert praise["quote"].endswith("…") and len(praise["quote"]) <= QUOTE_CHARS + 1
    assert LONG_PRAISE.startswith(praise["quote"].removesuffix("…"))
    assert (criticism["rating"], criticism["quote"]) == (2, "They pinch after an hour.")


def test_only_published_reviews_count_and_only_praise_gives_two_of_it(user, runner):
    review(runner, 5, "Light", "Light and quick.", helpful=1)
    review(runner, 4, "Solid", "")
    hidden = review(runner, 1, "Awful", "Never again.", helpful=5)
    reviews.hide_review(review_id=hidden.pk)
    said = ShopTools(user).product_reviews(runner.pk)
    assert (said["average"], said["count"]) == (4.5, 2)
    assert [(q["rating"], q["quote"]) for q in said["quotes"]] == [
        (5, "Light and quick."),
        (4, "Solid"),  # no body: its title
    ]


def test_a_product_nobody_reviewed_and_one_not_for_sale(user, runner, shell):
    tools = ShopTools(user)
    said = tools.product_reviews(shell.pk)
    assert (said["average"], said["count"], said["quotes"]) == (None, 0, [])
    shell.is_active = False
    shell.save()
    assert tools.product_reviews(shell.pk) == {"error": "That product is not for sale."}


def test_saving_the_product_or_the_colour_and_size_named(user, runner):
    tools = ShopTools(user)
    whole = tools.save_to_wishlist(runner.pk)
    assert (whole["saved"], whole["new"]) == ("Trail Runner", True)
    red = tools.save_to_wishlist(runner.pk, color="red", size="10")
    assert (red["saved"], red["new"]) == ("Trail Runner (Red, 10)", True)
    assert tools.save_to_wishlist(runner.pk, color="Red", size="10")["new"] is False
    blue = tools.save_to_wishlist(runner.pk, color="Blue")  # only one blue: no size to ask
    assert blue["saved"] == "Trail Runner (Blue, 10)"
    saved = WishlistItem.objects.filter(user=user)
    assert sorted(
        (i.variant.color if i.variant else "", i.variant.size if i.variant else "") for i in saved
    ) == [("", ""), ("Blue", "10"), ("Red", "10")]


def test_saving_asks_which_when_the_words_name_several_or_none(user, runner):
    tools = ShopTools(user)
    asked = tools.save_to_wishlist(runner.pk, color="Red")
    assert asked["fields"] == {"size": ["Choose a size: 9, 10."]}
    wrong = tools.save_to_wishlist(runner.pk, color="Green")
    assert wrong["fields"] == {"color": ["Trail Runner comes in Blue, Red."]}
    assert tools.save_to_wishlist(runner.pk, color="Blue", size="9")["fields"] == {
        "size": ["Trail Runner isn't made in Blue 9."]
    }
    assert not WishlistItem.objects.exists()


def test_a_notice_for_the_sold_out_variant(user, runner, shell):
    tools = ShopTools(user)
    said = tools.notify_when_back(runner.pk, color="Red", size="9")
    assert (said["watching"], said["new"]) == ("Trail Runner (Red, 9)", True)
    assert tools.notify_when_back(runner.pk, color="red", size="9")["new"] is False
    # "the red one": of the red ones only size 9 is sold out
    assert tools.notify_when_back(runner.pk, color="Red")["watching"] == "Trail Runner (Red, 9)"
    whole = tools.notify_when_back(shell.pk)  # sold out in its only style
    assert whole["watching"] == "Rain Shell"
    watches = StockWatch.objects.filter(user=user, status="pending")
    assert sorted((w.product.name, w.variant.sku if w.variant else "") for w in watches) == [
        ("Rain Shell", ""),
        ("Trail Runner", runner.variants.get(color="Red", size="9").sku),
    ]


def test_in_stock_now_offers_the_cart_instead(user, runner):
    tools = ShopTools(user)
    said = tools.notify_when_back(runner.pk, color="Blue", size="10")
    assert said["in_stock"] == "Trail Runner (Blue, 10)" and said["stock"] == 50
    assert "is in stock now" in said["confirm"] and "add it to your cart" in said["confirm"]
    assert said["pending"] == {
        "tool": "add_to_cart",
        "args": {"product_id": runner.pk, "quantity": 1, "color": "Blue", "size": "10"},
    }
    whole = tools.notify_when_back(runner.pk)
    assert whole["stock"] == 54 and "Sold out now: Red, 9" in whole["confirm"]
    assert not StockWatch.objects.exists()
    assert tools.add_to_cart(**said["pending"]["args"])["added"]["color"] == "Blue"


def test_a_sold_out_addition_offers_the_notice(user, runner):
    tools = ShopTools(user)
    refused = tools.add_to_cart(runner.pk, color="Red", size="9")
    assert "sold out" in refused["error"] and "let you know when it's back" in refused["error"]
    assert refused["pending"] == {
        "tool": "notify_when_back",
        "args": {"product_id": runner.pk, "color": "Red", "size": "9"},
    }
    assert tools.notify_when_back(**refused["pending"]["args"])["new"] is True


def test_a_shopper_not_signed_in_is_asked_to(runner, shell):
    tools = ShopTools(AnonymousUser())
    assert tools.save_to_wishlist(runner.pk) == {
        "error": "Sign in to save products to your wishlist.",
        "code": "not_signed_in",
    }
    assert tools.notify_when_back(shell.pk)["code"] == "not_signed_in"
    assert tools.product_reviews(runner.pk)["count"] == 0  # reviews are for everyone
    assert not WishlistItem.objects.exists() and not StockWatch.objects.exists()

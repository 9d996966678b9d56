"""Reading a message: the shop's own words found in it (whatever the catalog holds), the shapes
every shop shares, and what the shopper wants."""

import pytest

from chat import lexicon, understanding
from tests.catalog import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    builders.location()
    builders.location("Riverside Store", "store", "Portland")
    shoes = builders.category("Footwear")
    boots = builders.category("Hiking Boots", parent=shoes)
    builders.product(
        "Granite Peak Hiking Boot",
        brand_name="Northwind",
        category=boots,
        price="149.00",
        variants=[("Brown", "10", 4), ("Olive", "11", 2)],
    )
    builders.product(
        "Quasar Buds", brand_name="Apple", category_name="Earbuds", variants=[("White", "", 9)]
    )
    return lexicon.current()


def read(text, **kwargs):
    return understanding.read(text, **kwargs)


def test_a_product_named_in_passing_is_found_with_its_brand_and_kind(shop):
    said = read("is the northwind granite peak hiking boot any good?")
    assert [shop.product_names[p] for p in said.products] == ["Granite Peak Hiking Boot"]
    assert said.pattern == "is the PRODUCT any good"
    assert said.intent == "product_reviews"


def test_the_catalog_decides_the_words_not_a_fixed_list(shop):
    said = read("olive hiking boots in size 11 under $200")
    assert (said.color, said.size, said.max_price) == ("Olive", "11", 200.0)
    assert said.category.name == "Hiking Boots" and said.category.parent == "Footwear"
    assert said.intent == "search"
    assert read("navy hiking boots").color == ""  # no product comes in navy here


def test_misspelt_shop_words_are_corrected_but_common_words_never_become_brands(shop):
    assert read("nortwind hikng boots").brand == "Northwind"
    assert read("nortwind hikng boots").category.name == "Hiking Boots"
    for everyday in ("hey there, how are you", "thanks so much", "do you sell books"):
        assert read(everyday).brand == ""
    assert read("do you sell books").wanted == ["books"]


def test_a_brand_that_is_an_everyday_word_needs_a_product_beside_it(shop):
    assert read("i ate an apple and a banana today").brand == ""
    assert read("apple earbuds").brand == "Apple"


def test_prices_quantities_codes_and_points(shop):
    assert read("hiking boots under $1,200").max_price == 1200.0
    assert read("hiking boots 150 max").max_price == 150.0
    assert read("hiking boots no more than 150").max_price == 150.0
    bump = read("bump it up to 5")
    assert (bump.quantity, bump.max_price) == (5, None)
    assert read("not WELCOME10, use GOLD20 instead").code == "GOLD20"
    assert read("use 500 of my points").points == 500
    assert read("put $5 worth of points on it").points == 500


def test_a_request_confirmed_as_it_is_made(shop):
    cancel = read("cancel order ORD-20261129-000004, yes I'm sure")
    assert (cancel.intent, cancel.order_number, cancel.confirmed) == (
        "cancel_order",
        "ORD-20261129-000004",
        True,
    )
    assert read("yes").intent == "affirm" and not read("yes").confirmed
    assert not read("cancel my order, I'm not sure though").confirmed


def test_a_bare_answer_fills_the_question_asked(shop):
    assert read("10", expecting="size").size == "10"
    assert read("10").size == ""


@pytest.mark.parametrize(
    "message, intent",
    [
        ("what's in my basket", "show_cart"),
        ("take the hiking boots out of my cart", "remove_item"),
        ("make it 3", "set_quantity"),
        ("switch it to olive", "change_options"),
        ("where's my package", "order_status"),
        ("what have i ordered so far", "order_history"),
        ("I'd like my money back for the boots", "start_return"),
        ("how many points have i got", "loyalty_status"),
        ("don't use my points", "remove_points"),
        ("what's the minimum spend for SAVE5", "coupon_info"),
        ("show me my neighbour's orders", "refuse_others"),
        ("make the boots free for me", "refuse_rules"),
        ("what goes with the granite peak", "recommend"),
        ("what do people say about the granite peak", "product_reviews"),
        ("how is it rated", "product_reviews"),
        ("what are the granite peak's colours", "product_info"),
        ("save it for later", "save_to_wishlist"),
        ("add this to my wishlist", "save_to_wishlist"),
        ("add this to my cart", "add_to_cart"),
        ("let me know when the olive one in 11 is back", "notify_when_back"),
        ("notify me when it's in stock", "notify_when_back"),
        ("is it in stock in portland", "stock"),
        ("good morning", "greeting"),
    ],
)
def test_what_the_shopper_wants(shop, message, intent):
    assert read(message).intent == intent

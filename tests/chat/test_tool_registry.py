"""The agent's tools: one registry names them (the names clients see), and the catalog tools
mean what the product list means."""

import pytest

from chat.agent import build_agent, run
from chat.tools import TOOLS, ShopTools
from tests.catalog import builders

pytestmark = pytest.mark.django_db

NAMES = [
    "search_products",
    "shop_departments",
    "product_details",
    "stock_by_location",
    "product_reviews",
    "save_to_wishlist",
    "notify_when_back",
    "show_cart",
    "add_to_cart",
    "update_cart_item",
    "change_cart_item",
    "apply_coupon",
    "remove_coupon",
    "clear_cart",
    "redeem_points",
    "remove_points",
    "list_coupons",
    "coupon_details",
    "loyalty_status",
    "order_status",
    "list_orders",
    "cancel_order",
    "start_return",
    "similar_products",
    "goes_with_category",
]


def test_the_registry_names_the_tools_the_model_is_offered(user):
    assert list(TOOLS) == NAMES
    assert [tool.name for tool in ShopTools(user).as_langchain_tools()] == NAMES


@pytest.fixture
def tree(db):
    """Shoes > Running Shoes > Trail Running, a product on each level, and one elsewhere."""
    builders.location()
    shoes = builders.category("Shoes")
    running = builders.category("Running Shoes", parent=shoes)
    trail = builders.category("Trail Running", parent=running)
    builders.product("Mountain Racer", brand_name="Hoka", category=trail, price="150.00")
    builders.product("Rocky Ridge", brand_name="Salomon", category=trail, price="140.00")
    builders.product("Road Runner", brand_name="Nike", category=running, price="120.00")
    builders.product("Court Classic", brand_name="Nike", category=shoes, price="70.00")
    builders.product("Studio Headphones", brand_name="Sony", category_name="Headphones")


def test_a_parent_category_takes_in_its_whole_tree_as_in_the_product_list(user, api, tree):
    def listed(**params) -> set[str]:
        response = api.get("/api/products", params)
        assert response.status_code == 200, response.content
        return {p["name"] for p in response.json()["results"]}

    def searched(**args) -> set[str]:
        return {p["name"] for p in ShopTools(user).search_products(**args)["products"]}

    everything_shoes = {"Mountain Racer", "Rocky Ridge", "Road Runner", "Court Classic"}
    assert searched(category="Shoes") == listed(category="shoes") == everything_shoes
    assert searched(category="running shoes") == listed(category="running-shoes")
    assert "Mountain Racer" in searched(category="running shoes")
    assert searched(category="Shoes", brand="nike") == listed(category="shoes", brand="nike")


def test_a_bad_price_is_the_agents_refusal_not_a_failure(user, tree):
    steps = list(run(build_agent(user), "shoes between 90 and 40 dollars", {}))
    assert steps[0][:2] == ("tool_call", "search_products")
    assert steps[1][2]["fields"] == {"max_price": ["max_price must not be below min_price."]}
    assert steps[2] == ("assistant", "max_price must not be below min_price.", {})

from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from accounts import services as accounts
from cart import services as cart_services
from catalog.models import Product
from orders import fulfilment, placing
from reviews.models import Review
from reviews.queries import average
from tests.catalog import builders
from tests.conftest import bearer_client
from tests.factories import UserFactory

APPROVED = "4242424242424242"


def buy(user, *products):
    """A paid order of one of each of ``products`` by ``user``, placed as the shop places it."""
    if not user.addresses.exists():
        accounts.add_address(
            user=user, street="1 Main St", city="Springfield", zip_code="62701", country="US"
        )
        accounts.add_payment_method(
            user=user, type="card", card_number=APPROVED, exp_month=12, exp_year=2031
        )
    cart = cart_services.cart_for(user=user)
    for product in products:
        variant = product.variants.first()
        cart_services.add_item(
            cart=cart, product_id=product.pk, quantity=1, color=variant.color, size=variant.size
        )
    return placing.place_order(
        user=user,
        address_id=user.addresses.first().pk,
        payment_method_id=user.payment_methods.first().pk,
    ).order


def deliver(order):
    for status in ("processing", "shipped", "out_for_delivery", "delivered"):
        order = fulfilment.advance(order_id=order.pk, status=status)
    return order


def buyer(product, **fields):
    """A new shopper who bought ``product`` (who signs in by a token or force_login: no
    password to hash)."""
    user = UserFactory(password=None, **fields)
    buy(user, product)
    return user


def fresh_aggregate(product_id: int) -> tuple[Decimal | None, int]:
    """The product's rating and reviews_count as its published reviews say now."""
    found = (
        Review.objects.published()
        .filter(product_id=product_id)
        .aggregate(total=Sum("rating"), count=Count("id"))
    )
    return average(found["total"], found["count"]), found["count"]


def stored_aggregate(product_id: int) -> tuple[Decimal | None, int]:
    product = Product.objects.get(pk=product_id)
    return product.rating, product.reviews_count


@pytest.fixture
def warehouse(db):
    return builders.location("Central Warehouse", "warehouse", "Reno")


@pytest.fixture
def boots(warehouse):
    """A product nobody has reviewed yet."""
    made = builders.product(
        "Trail Boots", brand_name="Salomon", price="120.00", variants=[("", "", 100)]
    )
    Product.objects.filter(pk=made.pk).update(rating=None)
    made.refresh_from_db()
    return made


@pytest.fixture
def bottle(warehouse):
    return builders.product(
        "Steel Bottle", brand_name="Stanley", price="30.00", variants=[("", "", 100)]
    )


@pytest.fixture
def bought(user, boots):
    """``user`` has a paid order of boots."""
    return buy(user, boots)


@pytest.fixture
def staff_api(staff_user):
    return bearer_client(staff_user)


def post_review(client, product, **body):
    return client.post(
        f"/api/products/{product.pk}/reviews",
        {"rating": 5, "title": "Great", "body": "Comfortable.", **body},
        format="json",
    )

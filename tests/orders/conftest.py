import pytest

from accounts import services as accounts
from tests.catalog import builders
from tests.orders.gateways import FlakyGateway

APPROVED = "4242424242424242"
DECLINED = "4000000000000002"


@pytest.fixture
def warehouse(db):
    return builders.location("Central Warehouse", "warehouse", "Reno")


@pytest.fixture
def store(db):
    return builders.location("Downtown Store", "store", "San Francisco")


@pytest.fixture
def jacket(warehouse, store):
    return builders.product(
        "Rain Jacket", price="60.00", variants=[("Navy", "M", {warehouse: 2, store: 3})]
    )


@pytest.fixture
def socks(warehouse):
    return builders.product("Wool Socks", price="12.50", variants=[("", "", {warehouse: 100})])


@pytest.fixture
def address(user):
    return accounts.add_address(
        user=user, street="1 Main St", city="Springfield", zip_code="62701", country="US"
    )


def card(user, number=APPROVED, **extra):
    return accounts.add_payment_method(
        user=user, type="card", card_number=number, exp_month=12, exp_year=2031, **extra
    )


@pytest.fixture
def good_card(user):
    return card(user)


@pytest.fixture
def bad_card(user):
    return card(user, DECLINED)


def add_to_cart(client, product, quantity=1, **options):
    response = client.post(
        "/api/cart/items",
        {"product_id": product.pk, "quantity": quantity, **options},
        format="json",
    )
    assert response.status_code == 201, response.content


def place(client, address, method, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/api/orders",
        {"address_id": address.pk, "payment_method_id": method.pk, **extra},
        format="json",
        **headers,
    )


@pytest.fixture
def staff_api(django_user_model):
    from tests.conftest import bearer_client

    return bearer_client(
        django_user_model.objects.create_user(
            "clerk", "clerk@example.com", "pw-clerk-2026", is_staff=True
        )
    )


@pytest.fixture
def gateway(settings):
    """The mock gateway, counting what it charges and refunds, failing when told to."""
    settings.PAYMENT_GATEWAY = "tests.orders.gateways.FlakyGateway"
    FlakyGateway.reset()
    yield FlakyGateway
    FlakyGateway.reset()

import pytest
from django.core import mail as django_mail

from tests.catalog import builders
from tests.conftest import bearer_client


@pytest.fixture
def warehouse(db):
    return builders.location("Central Warehouse", "warehouse", "Reno")


@pytest.fixture
def runner(warehouse):
    """Trail Runner: red 9 sold out, blue 10 with 5 in stock."""
    return builders.product(
        "Trail Runner", price="80.00", variants=[("Red", "9", 0), ("Blue", "10", 5)]
    )


@pytest.fixture
def shell(warehouse):
    """Rain Shell: one variant, sold out."""
    return builders.product("Rain Shell", price="45.00", variants=[("", "", 0)])


def variant(product, **options):
    return product.variants.get(**options)


@pytest.fixture
def staff_api(staff_user):
    return bearer_client(staff_user)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs ``call()`` and what its transaction does after commit (the stock change's hooks,
    the mail it queues), as a request in production would."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def back_in_stock_mail(to: str) -> list:
    return [m for m in django_mail.outbox if m.to == [to] and "back in stock" in m.subject]

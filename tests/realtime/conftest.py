import pytest

from tests.catalog import builders


@pytest.fixture
def goods(db):
    """A warehouse, a one-variant runner (sku T-<id>-0, 5 units) and a bottle (20 units)."""
    warehouse = builders.location()
    first = builders.product("Trail Runner", variants=[("Red", "9", 5)])
    second = builders.product("Steel Bottle", variants=[("", "", 20)])
    return warehouse, first, second

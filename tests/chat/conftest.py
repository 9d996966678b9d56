from tests.orders.conftest import address, bad_card, good_card, jacket, socks, store, warehouse  # noqa: F401

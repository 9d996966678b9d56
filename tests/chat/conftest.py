import pytest

from chat import lexicon
from tests.orders.conftest import address, bad_card, good_card, jacket, socks, store, warehouse  # noqa: F401


@pytest.fixture(autouse=True)
def _lexicon_read_at_once(monkeypatch):
    """Each test's catalog is read into the lexicon at once, in the test's own thread: after a
    slow read (the evaluations' demo catalogs, on a busy machine) it would be read in the
    background on a connection of its own, which doesn't see the test's uncommitted catalog,
    while the previous test's lexicon answered."""
    monkeypatch.setattr(lexicon, "INLINE_BUILD_SECONDS", float("inf"))

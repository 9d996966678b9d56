"""The reviews section costs a fixed number of queries, however many reviews it shows: a
visitor's page reads the distribution and a page of reviews with their authors; a signed-in
shopper's also their own review (or whether they bought it) and their helpful votes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews import services
from tests.catalog import builders
from tests.reviews.conftest import buyer

pytestmark = pytest.mark.django_db


def queries_for(client, product) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/p/{product.slug}/").status_code == 200
    return len(queries)


def reviewed(name: str, count: int):
    product = builders.product(name, variants=[("", "", 50)])
    for n in range(count):
        services.write_review(
            user=buyer(product, username=f"{name[:4]}{n}"),
            product_id=product.pk,
            rating=1 + n % 5,
            title="Fine",
        )
    return product


def warm_up(client, warehouse) -> None:
    """The header's menu and the like are cached by the first page of all."""
    queries_for(client, builders.product("First Cap", variants=[("", "", 5)]))


def test_a_visitors_page_reads_the_section_in_two_queries(warehouse):
    plain = builders.product("Plain Cap", variants=[("", "", 5)])
    few, many = reviewed("Few Cap", 2), reviewed("Many Cap", 12)
    warm_up(Client(), warehouse)
    base = queries_for(Client(), plain)
    assert queries_for(Client(), few) == queries_for(Client(), many) == base + 2


def test_a_shoppers_page_reads_theirs_and_their_votes_too(client, user, warehouse):
    plain = builders.product("Plain Cap", variants=[("", "", 5)])
    few, many = reviewed("Few Cap", 2), reviewed("Many Cap", 12)
    client.force_login(user)
    warm_up(client, warehouse)
    base = queries_for(client, plain)  # + their review, whether they bought it
    assert queries_for(client, few) == queries_for(client, many) == base + 3

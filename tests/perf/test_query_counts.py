"""Statements per request, fixed for every API endpoint and storefront page: a change that adds a
query (an N+1, a lost select_related, a cache that stopped working) fails here.

Each request is made twice: the first with empty caches, the second as most requests find them
(cached catalog answers, facets, category tree, header menu). Order placement and cart changes
are counted in tests/orders/test_query_counts.py.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# (who, path, queries with empty caches, queries on the second request); {runner}: a product's id,
# {slug}: its slug, {order}: the shopper's order.
READS = [
    # Catalog API: a cached answer costs nothing; a fresh one its count, page and two prefetches.
    ("anyone", "/api/products", 4, 0),
    ("anyone", "/api/products?category=shoes&ordering=-price", 7, 0),  # + facets (2), category tree
    ("anyone", "/api/products?brand=nike&in_stock=true", 6, 0),  # + facets (2)
    ("anyone", "/api/products?search=runer", 5, 0),  # + vocabulary
    ("anyone", "/api/products/{runner}", 3, 0),
    ("anyone", "/api/products/search?q=pegasus+runer", 5, 0),
    ("anyone", "/api/products/inventory/{runner}", 3, 0),
    ("anyone", "/api/categories", 1, 1),
    ("anyone", "/api/brands", 1, 1),
    # Signed in with a JWT: the user, then the answer's own reads.
    ("shopper", "/api/cart", 5, 5),
    ("shopper", "/api/cart/total", 5, 5),
    ("shopper", "/api/orders", 6, 6),
    ("shopper", "/api/orders/{order}", 5, 5),
    ("shopper", "/api/orders/{order}/tracking", 5, 5),
    ("shopper", "/api/loyalty/profile", 2, 2),
    # Pages, signed in with a session (session, user, cart badge, header menu when not cached).
    ("browser", "/", 10, 9),
    ("browser", "/c/shoes/", 13, 9),
    ("browser", "/search/?q=runer", 12, 8),
    ("browser", "/p/{slug}/", 10, 9),
    ("browser", "/cart/", 13, 12),
    ("browser", "/checkout/", 11, 10),
    ("browser", "/account/orders/", 7, 6),
    ("browser", "/orders/{order}/", 9, 8),
    ("browser", "/account/loyalty/", 10, 9),
    ("browser", "/account/", 7, 6),
]


# PostgreSQL asks the vocabulary for a misspelt word's neighbours on every parse (the page
# parses twice: for "did you mean" and in the filter); SQLite keeps the vocabulary in memory.
# The API's searches run in a transaction that prefers the GIN index (catalog.search:
# SAVEPOINT, SET LOCAL, RELEASE here; SET LOCAL alone in production).
ON_POSTGRES = {
    "/search/?q=runer": (13, 10),
    "/api/products?search=runer": (8, 0),
    "/api/products/search?q=pegasus+runer": (8, 0),
}


@pytest.mark.parametrize("who, path, cold, warm", READS, ids=[path for _, path, _, _ in READS])
def test_queries_per_request(who, path, cold, warm, api, user_api, client, user, catalog, shopper):
    client.force_login(user)
    caller = {"anyone": api, "shopper": user_api, "browser": client}[who]
    url = path.format(
        runner=catalog["runner"].pk, slug=catalog["runner"].slug, order=shopper["order"].pk
    )
    if connection.vendor == "postgresql":
        cold, warm = ON_POSTGRES.get(path, (cold, warm))
    counted = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = caller.get(url)
        assert response.status_code == 200, response.content[:300]
        counted.append(len(queries))
    shown = "\n".join(q["sql"][:150] for q in queries.captured_queries)
    assert counted == [cold, warm], (
        f"{url}: {counted} queries, expected {[cold, warm]}; the second:\n{shown}"
    )

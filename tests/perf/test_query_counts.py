"""Statements per request, fixed for every API endpoint and storefront page: a change that adds a
query (an N+1, a lost select_related, a cache that stopped working) fails here.

Each request is made twice: the first with empty caches, the second as most requests find them
(cached catalog answers, facets, category tree, header menu). Order placement and cart changes
are counted in tests/orders/test_query_counts.py.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog import search

pytestmark = pytest.mark.django_db

# (who, path, queries with empty caches, queries on the second request); {runner}: a product's id,
# {slug}: its slug, {order}: the shopper's order.
READS = [
    # Catalog API: a cached answer costs nothing; a fresh one its count, page and two prefetches.
    ("anyone", "/api/products", 4, 0),
    ("anyone", "/api/products?category=shoes&ordering=-price", 7, 0),  # + facets (2), category tree
    ("anyone", "/api/products?brand=nike&in_stock=true", 6, 0),  # + facets (2)
    ("anyone", "/api/products?search=runer", 4, 0),
    ("anyone", "/api/products/{runner}", 3, 0),
    ("anyone", "/api/products/search?q=pegasus+runer", 3, 0),  # the cards: products, prefetches
    ("anyone", "/api/products/inventory/{runner}", 3, 0),
    ("anyone", "/api/categories", 1, 1),
    ("anyone", "/api/brands", 1, 1),
    # Signed in with a JWT: no user read (the token's id is enough), only the answer's own
    # reads; a cart is read with its loyalty account, its lines with their first image.
    ("shopper", "/api/cart", 2, 2),
    ("shopper", "/api/cart/total", 2, 2),
    ("shopper", "/api/orders", 5, 5),
    ("shopper", "/api/orders/{order}", 4, 4),
    ("shopper", "/api/orders/{order}/tracking", 4, 4),
    ("shopper", "/api/loyalty/profile", 1, 1),
    # Pages, signed in with a session (session, user, cart badge, header menu when not cached).
    ("browser", "/", 10, 9),
    ("browser", "/c/shoes/", 13, 9),
    ("browser", "/search/?q=runer", 11, 8),
    # + the reviews section's: the shopper's own review, whether they bought it (its
    # distribution and page of reviews only when it has some: this product has none).
    ("browser", "/p/{slug}/", 12, 11),
    ("browser", "/cart/", 11, 10),
    ("browser", "/checkout/", 9, 8),
    ("browser", "/account/orders/", 7, 6),
    ("browser", "/orders/{order}/", 9, 8),
    ("browser", "/account/loyalty/", 10, 9),
    ("browser", "/account/", 8, 7),  # + the mail preferences
    # Pages for a visitor: built once (no session, user or cart to read), then served from the
    # cache (core.page_cache); the product page first finds its product's id by slug.
    ("visitor", "/", 6, 0),
    ("visitor", "/c/shoes/", 9, 0),
    ("visitor", "/search/?q=runer", 7, 0),
    ("visitor", "/p/{slug}/", 7, 0),
]


@pytest.mark.parametrize(
    "who, path, cold, warm", READS, ids=[f"{who}:{path}" for who, path, _, _ in READS]
)
def test_queries_per_request(who, path, cold, warm, api, user_api, client, user, catalog, shopper):
    client.force_login(user)
    caller = {"anyone": api, "shopper": user_api, "browser": client, "visitor": Client()}[who]
    url = path.format(
        runner=catalog["runner"].pk, slug=catalog["runner"].slug, order=shopper["order"].pk
    )
    # Searches read the process's search index, built once per process (one query: see
    # tests/catalog/test_search.py), not per request.
    search.load_index()
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

"""Product search, behind GET /api/products/search, the list's `search` filter, the storefront's
search page and the sales agent.

A query is split into words; a word the catalog doesn't know is corrected to the catalog's words
fewest typos away, so "runing shoos" looks for running shoes and "adidsa" for Adidas, and the
last word also matches as a prefix, for search as you type. Products must have a word of every
group (a word or one of its corrections); when none has them all, products with any will do.
Names weigh most, then the product's category, then its brand, parent category and colours.

Matching and ranking run on catalog.search_index, held in memory by each server process and
kept current by the catalog's version; the database is asked only for the page of results (or,
for the list's other filters and orderings, for the matching ids with their scores).
"""

import itertools
import json
import re
import threading
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from catalog import response_cache
from catalog.models import Product, rating_order
from catalog.search_index import Document, IndexHolder, Matches, SearchIndex

_WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_WORDS = 8


def words_of(text: str) -> list[str]:
    """Lower-case words; apostrophes join ("Levi's" -> "levis"), other marks split."""
    return _WORD.findall(text.lower().replace("'", "").replace("’", ""))


@dataclass
class ParsedQuery:
    text: str
    # One list per query word: the word itself when known, else its corrections.
    groups: list[list[str]] = field(default_factory=list)
    # The last word's completions (words starting with it), for search as you type.
    completions: list[str] = field(default_factory=list)
    # The index it was read against, which matches it too (asking for the current one again
    # would cost a cache round trip for the catalog's version).
    index: SearchIndex | None = field(default=None, repr=False, compare=False)

    @property
    def corrected_text(self) -> str:
        return " ".join(group[0] for group in self.groups if group)

    @property
    def is_empty(self) -> bool:
        return not any(self.groups) and not self.completions

    @property
    def match_groups(self) -> list[list[str]]:
        if not self.completions:
            return self.groups
        return [*self.groups[:-1], [*self.groups[-1], *self.completions]]


def load_index() -> None:
    """Build (or bring up to date) this process's search index now rather than on the next
    search: at start-up, or before counting a search's queries."""
    _index.get()


def parse(text: str) -> ParsedQuery:
    index = _index.get()
    words = list(dict.fromkeys(words_of(text)))[:MAX_QUERY_WORDS]
    query = ParsedQuery(text=text.strip(), index=index)
    for word in words:
        query.groups.append([word] if index.knows(word) else index.corrections(word))
    if words and len(words[-1]) >= 2:
        query.completions = [w for w in index.completions(words[-1]) if w != words[-1]]
    return query


def matches(text: str | ParsedQuery) -> Matches:
    """Every active product matching ``text``, with its score."""
    query = text if isinstance(text, ParsedQuery) else parse(text)
    return (query.index or _index.get()).match(query.match_groups)


def top(text: str | ParsedQuery, *, limit: int) -> tuple[list[tuple[int, float]], int]:
    """The ``limit`` best matches' ids with their scores, and how many match."""
    found = matches(text)
    return found.best(limit), len(found)


def search(queryset: QuerySet, text: str | ParsedQuery) -> QuerySet:
    """``queryset`` narrowed to products matching ``text``, annotated with ``search_score`` and
    ordered best first: for the list's filters and orderings, which the database applies."""
    found = matches(text)
    if not len(found):
        return queryset.none().annotate(search_score=Value(0.0, output_field=FloatField()))
    ids = found.ids.tolist()
    table = Product._meta.db_table
    if connection.vendor == "postgresql":
        scores = json.dumps(dict(zip(map(str, ids), found.scores.tolist(), strict=True)))
        matching = RawSQL(f"{table}.id = ANY(%s)", (ids,), BooleanField())
        score = RawSQL(f"(%s::jsonb ->> {table}.id::text)::float8", (scores,), FloatField())
    else:
        key = _remember_scores(dict(zip(ids, found.scores.tolist(), strict=True)))
        matching = RawSQL(f"{table}.id IN (SELECT value FROM json_each(%s))", (json.dumps(ids),))
        score = RawSQL(f"search_score(%s, {table}.id)", (key,), FloatField())
    return (
        queryset.alias(search_match=matching)
        .filter(search_match=True)
        .annotate(search_score=score)
        .order_by("-search_score", rating_order(), "id")
    )


# SQLite reads the scores of a search from this process through a function (see
# prepare_connection): the few most recent searches' scores are kept, by a key in the query.
_RECENT_SCORES: dict[int, dict[int, float]] = {}
_RECENT_LIMIT = 64
_score_keys = itertools.count()
_scores_lock = threading.Lock()


def _remember_scores(scores: dict[int, float]) -> int:
    with _scores_lock:
        key = next(_score_keys)
        _RECENT_SCORES[key] = scores
        for old in list(_RECENT_SCORES)[:-_RECENT_LIMIT]:
            del _RECENT_SCORES[old]
    return key


def _recent_score(key: int, product_id: int) -> float:
    return _RECENT_SCORES.get(key, {}).get(product_id, 0.0)


def prepare_connection(sender, connection, **kwargs) -> None:
    """connection_created hook: SQLite gets the function that reads a search's scores."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("search_score", 2, _recent_score)


# What products are found by


def index_products(product_ids) -> None:
    """Refresh the searchable text of these products (after their brand, category or variants
    changed): the search index of every process re-reads them once this commits."""
    products = (
        Product.objects.filter(pk__in=list(product_ids))
        .select_related("brand", "category__parent")
        .prefetch_related("variants")
    )
    changed, now = [], timezone.now()
    for product in products:
        extra = search_extra_for(product)
        if product.search_extra != extra:
            product.search_extra, product.updated_at = extra, now
            changed.append(product)
    Product.objects.bulk_update(changed, ["search_extra", "updated_at"], batch_size=500)
    response_cache.forget_catalog()


def search_extra_for(product: Product) -> str:
    category = product.category
    categories = [category.name] + ([category.parent.name] if category.parent_id else [])
    return search_text(brand=product.brand.name, categories=categories, colors=product.colors)


def search_text(*, brand: str, categories: list[str], colors: list[str]) -> str:
    """What a product is found by besides its name."""
    return " ".join([brand, *categories, *colors])


_DOCUMENT_FIELDS = ("id", "name", "search_extra", "category__name", "rating")


def _all_documents():
    rows = Product.objects.active().values_list(*_DOCUMENT_FIELDS).order_by("id")
    for product_id, name, extra, category, rating in rows.iterator(chunk_size=5000):
        yield Document(product_id, name, extra, category, float(rating or 0))


def _changed_documents(since) -> tuple[list[Document], list[int]]:
    rows = Product.objects.filter(updated_at__gte=since).values_list(*_DOCUMENT_FIELDS, "is_active")
    documents, gone = [], []
    for product_id, name, extra, category, rating, is_active in rows:
        if is_active:
            documents.append(Document(product_id, name, extra, category, float(rating or 0)))
        else:
            gone.append(product_id)
    return documents, gone


_index = IndexHolder(
    load_all=_all_documents,
    load_changed=_changed_documents,
    count=lambda: Product.objects.active().count(),
    version=response_cache.catalog_version,
    words_of=words_of,
)

"""Product search: one interface, two engines.

A query is split into words; a word the catalog doesn't know is corrected to the nearest words
of its vocabulary (trigram similarity, as pg_trgm measures it), so "runing shoos" looks for
running shoes and "adidsa" for Adidas. The corrected words are then matched against product
names (weighted highest), brands, categories and colours:

- PostgreSQL: full-text search on a weighted tsvector column, pg_trgm for corrections and for
  ranking by how closely the name matches.
- SQLite: an FTS5 table (porter stemming) to find the matches, ranked by the same word
  similarity of the name, and corrections from a cached vocabulary.

Every word must match (or one of its corrections); when nothing matches all of them, products
matching any word are returned, still best first.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from catalog import response_cache
from catalog.models import Product, SearchTerm

# A word this similar (pg_trgm's default threshold) is a correction; a less similar one only
# when it is a typo or two away ("trial" -> trail).
MIN_SIMILARITY = 0.3
CANDIDATE_SIMILARITY = 0.15
CANDIDATES = 10
MAX_CORRECTIONS = 3
_WORD = re.compile(r"[a-z0-9]+")
_VOCABULARY_VERSION_KEY = "catalog:search:vocabulary-version"


def words_of(text: str) -> list[str]:
    """Lower-case words; apostrophes join ("Levi's" -> "levis"), other marks split."""
    return _WORD.findall(text.lower().replace("'", "").replace("’", ""))


@lru_cache(maxsize=65536)
def trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


@dataclass
class ParsedQuery:
    text: str
    # One list per query word: the word itself when known, else its corrections.
    groups: list[list[str]] = field(default_factory=list)
    # The last word is also matched as a prefix, for search as you type.
    prefix: str = ""

    @property
    def corrected_text(self) -> str:
        return " ".join(group[0] for group in self.groups if group)

    @property
    def is_empty(self) -> bool:
        return not any(self.groups) and not self.prefix


def parse(text: str) -> ParsedQuery:
    words = list(dict.fromkeys(words_of(text)))[:8]
    candidates = get_engine().candidates(words) if words else {}
    query = ParsedQuery(text=text.strip())
    for word in words:
        found = candidates.get(word, [])
        known = any(candidate == word for candidate, _ in found)
        query.groups.append([word] if known else _best(word, found))
    if words and len(words[-1]) >= 2:
        query.prefix = words[-1]
    return query


def _best(word: str, candidates: list[tuple[str, float]]) -> list[str]:
    """The candidates fewest typos away, among those close enough by trigrams or by typos."""
    allowed_typos = 1 if len(word) <= 5 else 2
    close = []
    for candidate, score in candidates:
        distance = edit_distance(word, candidate)
        if score >= MIN_SIMILARITY or distance <= allowed_typos:
            close.append((distance, -score, candidate))
    if not close:
        return []
    fewest = min(distance for distance, _, _ in close)
    return [c for distance, _, c in sorted(close) if distance == fewest][:MAX_CORRECTIONS]


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


# A query that names a kind of product ("nike t-shirt") wants that kind first, also when no
# product matches every word: the product's category name counts, at half a name's weight.
CATEGORY_WEIGHT = 0.5
_CATEGORY_NAME_SQL = (
    "SELECT name FROM catalog_category WHERE catalog_category.id = catalog_product.category_id"
)

RANKED_CANDIDATES = 200  # ranked(): products scored by name similarity, the best by text rank


def search(
    queryset: QuerySet, text: str | ParsedQuery, *, candidates: int | None = None
) -> QuerySet:
    """``queryset`` narrowed to products matching ``text`` (or an already parsed query),
    annotated with ``search_score`` and ordered best first.

    ``candidates``: only that many products, the best by text rank alone, are scored and kept
    (two-stage ranking for a page of best matches; see ranked())."""
    query = text if isinstance(text, ParsedQuery) else parse(text)
    if query.is_empty:
        return queryset.none().annotate(search_score=RawSQL("0", (), output_field=FloatField()))
    engine = get_engine()
    matching_all = engine.matching(queryset, query, match_all=True, candidates=candidates)
    if len(query.groups) > 1 and not matching_all.exists():
        matching_all = engine.matching(queryset, query, match_all=False, candidates=candidates)
    return matching_all.order_by("-search_score", "-rating", "id")


@contextmanager
def index_scans_preferred() -> Iterator[None]:
    """Searches made inside take the GIN index on PostgreSQL. Its planner underrates what `@@`
    costs per row and scans the whole table for broad words (23-36 ms at 50,000 products,
    against about 5 ms through the index: docs/PERFORMANCE.md), so sequential scans are
    switched off for this transaction only (SET LOCAL)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def ranked(queryset: QuerySet, query: ParsedQuery, *, limit: int) -> list[Product]:
    """The ``limit`` best matches among active products. On PostgreSQL the name similarity,
    the dear half of the score, is computed for the RANKED_CANDIDATES best by text rank only,
    not for every match."""
    return list(search(queryset, query, candidates=max(limit, RANKED_CANDIDATES))[:limit])


# Vocabulary


def index_products(product_ids) -> None:
    """Refresh the searchable text of these products and add their words to the vocabulary."""
    products = (
        Product.objects.filter(pk__in=list(product_ids))
        .select_related("brand", "category__parent")
        .prefetch_related("variants")
    )
    changed, words = [], set()
    for product in products:
        extra = search_extra_for(product)
        words.update(words_of(product.name))
        words.update(words_of(extra))
        if product.search_extra != extra:
            product.search_extra = extra
            changed.append(product)
    Product.objects.bulk_update(changed, ["search_extra"], batch_size=500)
    add_words(words)
    response_cache.forget_catalog()


def search_extra_for(product: Product) -> str:
    category = product.category
    categories = [category.name] + ([category.parent.name] if category.parent_id else [])
    return search_text(brand=product.brand.name, categories=categories, colors=product.colors)


def search_text(*, brand: str, categories: list[str], colors: list[str]) -> str:
    """What a product is found by besides its name."""
    return " ".join([brand, *categories, *colors])


def add_words(words) -> None:
    fresh = {w for w in words if 2 <= len(w) <= 64}
    if not fresh:
        return
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=w) for w in sorted(fresh)], ignore_conflicts=True, batch_size=500
    )
    cache.set(_VOCABULARY_VERSION_KEY, uuid.uuid4().hex, timeout=None)


# Engines


class PostgresEngine:
    def candidates(self, words: list[str]) -> dict[str, list[tuple[str, float]]]:
        """The vocabulary's words nearest each of ``words`` (the word itself when known)."""
        sql = """
            SELECT q.word, t.word, similarity(t.word, q.word) AS score
            FROM unnest(%s::text[]) AS q(word)
            CROSS JOIN LATERAL (
                SELECT word FROM catalog_searchterm
                WHERE word %% q.word  -- pg_trgm.similarity_threshold, see prepare_connection
                ORDER BY similarity(word, q.word) DESC, word
                LIMIT %s
            ) AS t
            ORDER BY q.word, score DESC, t.word
        """
        found: dict[str, list[tuple[str, float]]] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [words, CANDIDATES])
            for word, candidate, score in cursor.fetchall():
                found.setdefault(word, []).append((candidate, score))
        return found

    def matching(
        self, queryset, query: ParsedQuery, *, match_all: bool, candidates: int | None = None
    ):
        groups = [" | ".join(group) for group in query.groups if group]
        if query.prefix:
            if groups and query.groups[-1]:
                groups[-1] = f"{groups[-1]} | {query.prefix}:*"
            else:
                groups.append(f"{query.prefix}:*")
        tsquery = (" & " if match_all else " | ").join(f"({g})" for g in groups)
        table = Product._meta.db_table
        matched = queryset.alias(
            search_match=RawSQL(
                f"{table}.search_vector @@ to_tsquery('english', %s)", (tsquery,), BooleanField()
            )
        ).filter(search_match=True)
        if candidates:
            # First stage: the best active products by text rank alone (a top-N over the GIN
            # index's matches); only these get the word_similarity below.
            matched = matched.filter(
                id__in=RawSQL(
                    f"SELECT id FROM {table} WHERE is_active AND search_vector @@ to_tsquery('english', %s) "
                    f"ORDER BY ts_rank_cd(search_vector, to_tsquery('english', %s)) DESC, id LIMIT %s",
                    (tsquery, tsquery, candidates),
                )
            )
        text = query.corrected_text or query.prefix
        return matched.annotate(
            search_score=RawSQL(
                f"ts_rank_cd({table}.search_vector, to_tsquery('english', %s))"
                f" + word_similarity(%s, {table}.name)"
                f" + {CATEGORY_WEIGHT} * word_similarity(%s, ({_CATEGORY_NAME_SQL}))",
                (tsquery, text, text),
                FloatField(),
            )
        )


class SQLiteEngine:
    def _vocabulary(self) -> frozenset[str]:
        version = cache.get(_VOCABULARY_VERSION_KEY)
        if version is None:
            cache.add(_VOCABULARY_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(_VOCABULARY_VERSION_KEY)
        if getattr(self, "_version", None) != version:
            self._words = frozenset(SearchTerm.objects.values_list("word", flat=True))
            self._version = version
        return self._words

    def candidates(self, words: list[str]) -> dict[str, list[tuple[str, float]]]:
        vocabulary = self._vocabulary()
        found = {}
        for word in words:
            if word in vocabulary:
                found[word] = [(word, 1.0)]
                continue
            scored = sorted(
                ((candidate, similarity(word, candidate)) for candidate in vocabulary),
                key=lambda pair: (-pair[1], pair[0]),
            )
            found[word] = [pair for pair in scored[:CANDIDATES] if pair[1] >= CANDIDATE_SIMILARITY]
        return found

    def matching(
        self, queryset, query: ParsedQuery, *, match_all: bool, candidates: int | None = None
    ):
        """``candidates`` is ignored: the score here is already cheap (no second stage)."""
        groups = [" OR ".join(f'"{w}"' for w in group) for group in query.groups if group]
        if query.prefix:
            if groups and query.groups[-1]:
                groups[-1] = f'{groups[-1]} OR "{query.prefix}"*'
            else:
                groups.append(f'"{query.prefix}"*')
        fts_query = (" AND " if match_all else " OR ").join(f"({g})" for g in groups)
        table = Product._meta.db_table
        return queryset.filter(
            id__in=RawSQL(
                "SELECT rowid FROM catalog_product_fts WHERE catalog_product_fts MATCH %s",
                (fts_query,),
            )
        ).annotate(
            # How closely the name matches: bm25 per row would rerun the MATCH for every row
            # (seconds at 50,000 products); the FTS filter above already chose the rows.
            search_score=RawSQL(
                f"trigram_similarity(%s, {table}.name)"
                f" + {CATEGORY_WEIGHT} * trigram_similarity(%s, ({_CATEGORY_NAME_SQL}))",
                (query.corrected_text or query.prefix,) * 2,
                FloatField(),
            )
        )


_ENGINES = {"postgresql": PostgresEngine(), "sqlite": SQLiteEngine()}


def get_engine():
    return _ENGINES[connection.vendor]


def prepare_connection(sender, connection, **kwargs) -> None:
    """connection_created hook: SQLite gets pg_trgm's word similarity as a function;
    PostgreSQL's % operator finds correction candidates down to CANDIDATE_SIMILARITY."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "trigram_similarity", 2, word_similarity, deterministic=True
        )
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.similarity_threshold = %s", [CANDIDATE_SIMILARITY])


def word_similarity(query: str | None, text: str | None) -> float:
    """Like pg_trgm's word_similarity(): how well the query's words appear in ``text``."""
    if not query or not text:
        return 0.0
    query_words = words_of(query)
    text_words = words_of(text)
    if not query_words or not text_words:
        return 0.0
    return sum(max(similarity(q, t) for t in text_words) for q in query_words) / len(query_words)

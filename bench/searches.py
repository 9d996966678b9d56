"""Searches the cache has never answered: the "search misses" endpoints.

The queries are drawn from the seeded catalog with a fixed seed, as shoppers type them: a
brand, a category, brand + category, colour + category, brand + colour + category, part of a
product's name, a whole name; some with a typo made here (a swapped, dropped, doubled or
replaced letter). No two of them have the same words, as the app reads them (lower case,
punctuation dropped, each word once), and none is one of the fixed searches that the cached
endpoints repeat.

Each query is one URL of a sequence, and a cursor kept in the bench's Redis database (the one
the app caches in, so both go together: a flush or a fresh database resets both) says where
the next run starts: every run, retry and smoke test takes URLs no earlier one asked for.
The API's sequence also varies `limit` (15 to 25: the default page of 20, on average), which
the app keys its cache on, so each query serves 11 URLs before the sequence wraps around; the
storefront page's sequence uses each query once.
"""

import random
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import psycopg
import redis

from bench import db

SEED = 18
POOL_SIZE = 60_000  # at most; a small catalog has fewer distinct ones
TYPO_SHARE = 0.3
API_LIMITS = range(15, 26)
# (kind, weight): a mix of broad queries (thousands of matches) and narrow ones
KINDS = [
    ("brand", 4),
    ("category", 4),
    ("brand + category", 14),
    ("colour + category", 14),
    ("brand + colour + category", 6),
    ("series + category", 10),
    ("part of a name", 26),
    ("name without its brand", 10),
    ("whole name", 12),
]
_WORD = re.compile(r"[a-z0-9]+")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def words_of(text: str) -> tuple[str, ...]:
    """The words the app searches for (catalog.search.words_of), each once: two queries with
    the same ones are the same search."""
    return tuple(dict.fromkeys(_WORD.findall(text.lower().replace("'", ""))))


def typo(word: str, rng: random.Random) -> str:
    """One slip of the finger: two letters swapped, one dropped, doubled or replaced."""
    i = rng.randrange(len(word))
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        i = min(i, len(word) - 2)
        if word[i] != word[i + 1]:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word[:i] + rng.choice(LETTERS.replace(word[i], "")) + word[i + 1 :]


def with_typo(text: str, rng: random.Random) -> str | None:
    words = text.split(" ")
    long_enough = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long_enough:
        return None
    i = rng.choice(long_enough)
    words[i] = typo(words[i], rng)
    return " ".join(words)


@dataclass
class Catalog:
    brands: list[str]
    categories: list[str]  # names, parents and children
    brand_category: list[tuple[str, str]]  # pairs sold together
    colour_category: list[tuple[str, str]]
    series: list[str]  # the words of names between the brand and the model number
    names: list[tuple[str, str, str]]  # (name, brand, category)


def read_catalog() -> Catalog:
    with psycopg.connect(db.DATABASE_URL) as conn:
        brands = [n for (n,) in conn.execute("SELECT name FROM catalog_brand ORDER BY name")]
        categories = [n for (n,) in conn.execute("SELECT name FROM catalog_category ORDER BY id")]
        brand_category = conn.execute(
            "SELECT DISTINCT b.name, c.name FROM catalog_product p"
            " JOIN catalog_brand b ON b.id = p.brand_id JOIN catalog_category c ON c.id = p.category_id"
            " WHERE p.is_active ORDER BY 1, 2"
        ).fetchall()
        colour_category = conn.execute(
            "SELECT DISTINCT v.color, c.name FROM catalog_productvariant v"
            " JOIN catalog_product p ON p.id = v.product_id JOIN catalog_category c ON c.id = p.category_id"
            " WHERE p.is_active AND v.color <> '' ORDER BY 1, 2"
        ).fetchall()
        names = conn.execute(
            "SELECT p.name, b.name, c.name FROM catalog_product p"
            " JOIN catalog_brand b ON b.id = p.brand_id JOIN catalog_category c ON c.id = p.category_id"
            " WHERE p.is_active ORDER BY p.id"
        ).fetchall()
    # A name is "Brand Series Series N Noun": the words between the brand and the number.
    series = sorted(
        {
            word
            for name, brand, _ in names[:5000]
            for word in _before_number(name.removeprefix(brand).split())
        }
    )
    return Catalog(brands, categories, brand_category, colour_category, series, names)


def _before_number(words: list[str]) -> list[str]:
    return words[: next((i for i, w in enumerate(words) if w.isdigit()), 0)]


def _query(kind: str, catalog: Catalog, rng: random.Random) -> str:
    if kind == "brand":
        return rng.choice(catalog.brands)
    if kind == "category":
        return rng.choice(catalog.categories)
    if kind == "brand + category":
        return " ".join(rng.choice(catalog.brand_category))
    if kind == "colour + category":
        return " ".join(rng.choice(catalog.colour_category))
    if kind == "brand + colour + category":
        brand, category = rng.choice(catalog.brand_category)
        colour = rng.choice([c for c, cat in catalog.colour_category if cat == category] or [""])
        return f"{brand} {colour} {category}"
    if kind == "series + category":
        return f"{rng.choice(catalog.series)} {rng.choice(catalog.categories)}"
    name, brand, _ = rng.choice(catalog.names)
    if kind == "whole name":
        return name
    rest = name.removeprefix(brand).split()
    if kind == "name without its brand":
        return " ".join(rest)
    model = rest[: len(_before_number(rest)) + 1]  # part of a name: of "Series Series N"
    length = rng.randint(min(2, len(model)), len(model))
    start = rng.randrange(len(model) - length + 1)
    return " ".join(model[start : start + length])


@dataclass
class Pool:
    queries: list[str]
    kinds: dict[str, int]  # queries of each kind
    typos: int


def pool(excluded: list[str], size: int = POOL_SIZE, seed: int = SEED) -> Pool:
    """Up to ``size`` distinct queries from the catalog, in a fixed order for a given catalog
    and seed; none with the words of an ``excluded`` one."""
    catalog = read_catalog()
    rng = random.Random(seed)
    kinds, weights = zip(*KINDS)
    seen = {words_of(text) for text in excluded}
    queries, by_kind, typos = [], dict.fromkeys(kinds, 0), 0
    for _ in range(size * 20):  # a small catalog runs out of new ones before size
        if len(queries) == size:
            break
        kind = rng.choices(kinds, weights)[0]
        text = " ".join(_query(kind, catalog, rng).lower().split())
        slipped = rng.random() < TYPO_SHARE and with_typo(text, rng)
        text = slipped or text
        key = words_of(text)
        # New words only; a typo only while they stay TYPO_SHARE of the queries (new ones come
        # easier with a typo, so without this bound they would be most of them).
        if not key or key in seen or (slipped and typos >= TYPO_SHARE * (len(queries) + 1)):
            continue
        seen.add(key)
        queries.append(text)
        by_kind[kind] += 1
        typos += bool(slipped)
    rng.shuffle(queries)  # every stretch of the sequence has the same mix
    return Pool(queries, by_kind, typos)


class FreshPaths:
    """The URLs of one search endpoint in a fixed order; a cursor in Redis, shared by runs."""

    def __init__(self, kind: str, queries: list[str]):
        if kind not in ("api", "page"):
            raise ValueError(kind)
        self.kind, self.queries = kind, queries
        self.key = f"bench:fresh-searches:{kind}"

    @property
    def capacity(self) -> int:
        """URLs before the sequence starts again."""
        return len(self.queries) * (len(API_LIMITS) if self.kind == "api" else 1)

    def path(self, index: int) -> str:
        n = len(self.queries)
        text = self.queries[index % n]
        if self.kind == "page":
            return f"/search/?{urlencode({'q': text})}"
        # Each query takes every limit once before any URL comes back; neighbours differ.
        limit = API_LIMITS[(index % n + index // n) % len(API_LIMITS)]
        return f"/api/products/search?{urlencode({'q': text, 'limit': limit})}"

    def _redis(self):
        return redis.Redis.from_url(db.REDIS_URL)

    def cursor(self) -> int:
        return int(self._redis().get(self.key) or 0)

    def take(self, count: int) -> tuple[int, list[str]]:
        """The next ``count`` URLs, from the cursor on (they are not used until ``advance``)."""
        start = self.cursor()
        return start, [self.path(start + i) for i in range(count)]

    def advance(self, start: int, used: int) -> None:
        """``used`` URLs from ``start`` on were asked for: the next run starts after them."""
        self._redis().set(self.key, max(start + used, self.cursor()))

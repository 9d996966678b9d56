"""What the shop's own data lets the assistant recognise in a message: product names, brands,
categories (each with the categories below it), colours and sizes that exist, stores and their
cities. Read from the database once per catalog version (any catalog edit starts a new one) and
kept in the process.

Words are compared lower-cased and singular ("shoes" and "shoe" are one word). A misspelt word
is corrected to the nearest word of the shop's vocabulary only when it is not itself a common
English word: "boots" stays "boots" (the shop may not sell them) and is never read as "Boost".
"""

import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

from catalog.queries import catalog_vocabulary, newest_product_id
from catalog.response_cache import catalog_version

# A word at least this frequent in English (Zipf scale: 3 is about once per million words) is
# taken as meant, never as a misspelling of a shop word.
COMMON_WORD_ZIPF = 3.0
WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


# Words whose final s is not a plural's ("ones" would read as the number one).
KEEP = frozenset({"ones", "yes", "this", "does", "goes", "was", "has", "his", "plus", "less"})


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A plural's singular, near enough for matching: shoes -> shoe, batteries -> battery."""
    if len(word) <= 3 or not word.isalpha() or word in KEEP:
        return word
    if word.endswith("ies"):  # batteries -> battery, but hoodies -> hoodie
        y, ie = word[:-3] + "y", word[:-1]
        return ie if zipf_frequency(ie, "en") > zipf_frequency(y, "en") else y
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words_of(text: str) -> list[str]:
    """Lower-case words, apostrophes dropped and hyphenated words split ("t-shirts" -> t, shirt)."""
    text = text.lower().replace("’", "'").replace("'", "")
    return [stem(part) for token in WORD.findall(text) for part in token.split("-") if part]


@lru_cache(maxsize=50_000)
def is_common_word(word: str) -> bool:
    return zipf_frequency(word, "en") >= COMMON_WORD_ZIPF


@dataclass(frozen=True)
class Category:
    name: str
    slug: str
    parent: str | None
    children: tuple[str, ...]


@dataclass(frozen=True)
class Store:
    id: int
    name: str
    city: str


@dataclass
class Lexicon:
    brands: dict[tuple[str, ...], str] = field(default_factory=dict)
    categories: dict[tuple[str, ...], Category] = field(default_factory=dict)
    colors: dict[tuple[str, ...], str] = field(default_factory=dict)
    sizes: dict[str, str] = field(default_factory=dict)  # lower-case -> as stored
    stores: list[Store] = field(default_factory=list)
    # A product's own words (its name without brand and category words) -> product ids.
    products: dict[tuple[str, ...], list[int]] = field(default_factory=dict)
    product_names: dict[int, str] = field(default_factory=dict)
    product_brand: dict[int, str] = field(default_factory=dict)
    product_category: dict[int, str] = field(default_factory=dict)
    product_prices: dict[int, object] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    brand_words: frozenset[str] = frozenset()

    def correct(self, word: str) -> str:
        """The shop word meant by a misspelt ``word``; ``word`` itself when it is a shop word, a
        number, a common English word, or nothing in the vocabulary is near enough."""
        if (
            len(word) < 4
            or not word.isalpha()
            or word in self.vocabulary_set
            or is_common_word(word)
        ):
            return word
        limit = 1 if len(word) < 7 else 2
        found = process.extractOne(
            word, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=limit
        )
        if found:
            return found[0]
        # "clothes" for Clothing: the same first five letters as one shop word only
        stems = [w for w in self.vocabulary if len(w) >= 5 and w[:5] == word[:5]]
        return stems[0] if len(word) >= 5 and len(stems) == 1 else word

    @property
    def vocabulary_set(self) -> frozenset[str]:
        return self.__dict__.setdefault("_vocabulary_set", frozenset(self.vocabulary))

    def store_in(self, city_or_name: str) -> Store | None:
        wanted = " ".join(words_of(city_or_name))
        for store in self.stores:
            if wanted in (" ".join(words_of(store.city)), " ".join(words_of(store.name))):
                return store
        return None


def build() -> Lexicon:
    data = catalog_vocabulary()
    lexicon = Lexicon()
    for name in data["brands"]:
        lexicon.brands[tuple(words_of(name))] = name
    children = defaultdict(list)
    for category in data["categories"]:
        if category["parent"]:
            children[category["parent"]].append(category["name"])
    nouns = _product_nouns(data["products"])
    for category in data["categories"]:
        entry = Category(
            name=category["name"],
            slug=category["slug"],
            parent=category["parent"],
            children=tuple(children[category["name"]]),
        )
        lexicon.categories[tuple(words_of(category["name"]))] = entry
        for noun in nouns.get(category["name"], ()):
            lexicon.categories.setdefault(noun, entry)
    for color in data["colors"]:
        lexicon.colors[tuple(words_of(color))] = color
    lexicon.sizes = {size.lower(): size for size in data["sizes"]}
    lexicon.stores = [Store(s["id"], s["name"], s["city"]) for s in data["stores"] if s["store"]]
    brand_words = {w for key in lexicon.brands for w in key}
    category_words = {w for key in lexicon.categories for w in key}
    for product in data["products"]:
        own = tuple(
            w for w in words_of(product["name"]) if w not in brand_words and w not in category_words
        )
        if own:
            lexicon.products.setdefault(own, []).append(product["id"])
        lexicon.product_names[product["id"]] = product["name"]
        lexicon.product_brand[product["id"]] = product["brand_name"]
        lexicon.product_category[product["id"]] = product["category_name"]
        lexicon.product_prices[product["id"]] = product["price"]
    words = {w for key in (*lexicon.brands, *lexicon.categories, *lexicon.colors) for w in key}
    words |= {w for key in lexicon.products for w in key if w.isalpha()}
    words |= {w for store in lexicon.stores for w in words_of(f"{store.name} {store.city}")}
    lexicon.vocabulary = sorted(w for w in words if len(w) >= 3)
    lexicon.brand_words = frozenset(brand_words)
    return lexicon


def _product_nouns(products: list[dict]) -> dict[str, list[tuple[str, ...]]]:
    """What a category's products are called, read off their names: the last one or two
    words that most of its products' names end with ("Bluetooth Speaker" for Speakers)."""
    endings: dict[str, defaultdict] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, int] = defaultdict(int)
    for product in products:
        words = words_of(product["name"])
        counts[product["category_name"]] += 1
        for n in (1, 2):
            if len(words) > n:
                endings[product["category_name"]][tuple(words[-n:])] += 1
    return {
        category: [ending for ending, seen in found.items() if seen * 2 > counts[category]]
        for category, found in endings.items()
    }


_cached: tuple[tuple, Lexicon] | None = None
_building = threading.Lock()
# A catalog whose lexicon takes longer than this to read is read again in the background after
# an edit, the old lexicon answering meanwhile; a smaller one is read again at once.
INLINE_BUILD_SECONDS = 0.25
_last_build_seconds = 0.0


def current() -> Lexicon:
    """The lexicon of the catalog as it is now (read again after a catalog edit). The newest
    product's id goes with the catalog's version: a version is bumped once the edit commits,
    and a catalog loaded in one transaction (the demo, a test) is seen before it does."""
    version = (catalog_version(), newest_product_id())
    if _cached is not None and _cached[0] == version:
        return _cached[1]
    if _cached is not None and _last_build_seconds > INLINE_BUILD_SECONDS:
        if _building.acquire(blocking=False):
            threading.Thread(target=_build_in_background, args=(version,), daemon=True).start()
        return _cached[1]
    with _building:
        if _cached is None or _cached[0] != version:
            _store(version)
    return _cached[1]


def _store(version: tuple) -> None:
    global _cached, _last_build_seconds
    started = time.perf_counter()
    built = build()
    _last_build_seconds = time.perf_counter() - started
    _cached = (version, built)


def _build_in_background(version: tuple) -> None:
    try:
        _store(version)
    finally:
        _building.release()
        connection.close()  # this thread's own connection

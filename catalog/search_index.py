"""The search index: every active product's words, held in each server process's memory.

A search reads it without touching the database; only the page of results is then read. Each
process builds it from the database on its first search, and keeps it current by the catalog's
version (catalog.response_cache): when an edit has committed anywhere, the next search in every
process re-reads the products changed since (by `updated_at`) before answering. So every process
and machine answers from the same data, and a change shows at once.

Words are stemmed as PostgreSQL's english configuration does (Snowball), so "shoe" finds
"shoes". A product's weight for a word adds up where the word appears: its name counts most,
its own category next (a query that names a kind of product wants that kind first), and its
brand, parent category and colours least.
"""

import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import numpy as np
import Stemmer
from django.utils import timezone
from rapidfuzz import process
from rapidfuzz.distance import OSA

NAME_WEIGHT = 1.0
CATEGORY_WEIGHT = 0.5
EXTRA_WEIGHT = 0.2
# Of two products matching the same words, the one whose name is more nearly the query first.
NAME_COVERAGE_WEIGHT = 0.3
MAX_CORRECTIONS = 3
MAX_PREFIX_WORDS = 50
# Changes are re-read from this long before the last refresh: an edit saved before it but
# committed after it (or stamped by a machine whose clock is behind) is still seen.
REFRESH_OVERLAP = timedelta(seconds=60)

_stemmer = Stemmer.Stemmer("english")
_stem_lock = threading.Lock()  # a Stemmer object is not safe to share between threads


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    with _stem_lock:
        return _stemmer.stemWord(word)


@dataclass(frozen=True)
class Document:
    """What one product is found by."""

    product_id: int
    name: str
    extra: str  # brand, categories and colours (Product.search_extra)
    category: str
    rating: float


@dataclass(frozen=True)
class Matches:
    """The matching products' ids with their scores (and ratings, which break ties), in no
    particular order."""

    ids: np.ndarray
    scores: np.ndarray
    ratings: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def best(self, limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best (id, score): highest score, then rating, then lowest id, read off
        one integer key by a partial sort (ties are common: scores take few values)."""
        scores = np.rint(self.scores * 10_000).astype(np.int64)  # 4 decimals, as rounded
        ratings = np.rint(self.ratings * 10).astype(np.int64)  # 0-50
        key = scores * 10**12 + ratings * 10**10 + (10**10 - 1 - self.ids)
        chosen = np.arange(len(self))
        if len(self) > limit:
            chosen = np.argpartition(key, len(self) - limit)[len(self) - limit :]
        chosen = chosen[np.argsort(-key[chosen])]
        return list(zip(self.ids[chosen].tolist(), self.scores[chosen].tolist(), strict=True))


class _Analyser:
    """A text's words and stems. Brands, categories and colours recur in every product, so
    those are analysed once (names are nearly all different: not remembered)."""

    def __init__(self, words_of):
        self.words_of = words_of
        self.recurring = lru_cache(maxsize=20_000)(self.analysed)

    def analysed(self, text: str) -> tuple[tuple[str, ...], frozenset[str]]:
        words = tuple(self.words_of(text))
        return words, frozenset(map(stem, words))

    def weights(self, document: Document, name: frozenset[str]) -> dict[str, float]:
        """The product's weight for each of its stems (``name``: its name's)."""
        _, category = self.recurring(document.category)
        _, extra = self.recurring(document.extra)
        weights = dict.fromkeys(name, NAME_WEIGHT)
        for s in category:
            weights[s] = weights.get(s, 0.0) + CATEGORY_WEIGHT
        for s in extra - category:
            weights[s] = weights.get(s, 0.0) + EXTRA_WEIGHT
        return weights


class SearchIndex:
    """Postings per stemmed word: the positions of the products having it, and their weights."""

    def __init__(self, documents: Iterable[Document], words_of):
        self._analyser = _Analyser(words_of)
        ids, ratings, name_sizes = array("q"), array("f"), array("f")
        # Every posting as (stem, position, weight), in product order; sorted by stem below.
        # Kept in product order too: a product's stems, to take it out when it changes.
        posting_stems, posting_positions, posting_weights = array("i"), array("i"), array("f")
        offsets = array("q", [0])
        stem_ids: dict[str, int] = {}
        vocabulary: set[str] = set()
        for document in documents:
            position = len(ids)
            ids.append(document.product_id)
            ratings.append(document.rating)
            name_words, name_stems = self._analyser.analysed(document.name)
            name_sizes.append(len(name_stems) or 1)
            vocabulary.update(name_words)
            vocabulary.update(self._analyser.recurring(document.extra)[0])
            weights = self._analyser.weights(document, name_stems)
            posting_stems.extend([stem_ids.setdefault(s, len(stem_ids)) for s in weights])
            posting_positions.extend([position] * len(weights))
            posting_weights.extend(weights.values())
            offsets.append(len(posting_stems))
        self._stem_names = list(stem_ids)
        self._document_stems = np.frombuffer(posting_stems, dtype=np.int32)
        self._offsets = np.frombuffer(offsets, dtype=np.int64)
        self._changed_stems: dict[int, list[str]] = {}
        self._ids_array = np.frombuffer(ids, dtype=np.int64).copy()
        self._base_size = len(ids)  # positions below it are in id order (read so)
        self._late_positions: dict[int, int] = {}  # products added since, by id
        self._ratings = np.frombuffer(ratings, dtype=np.float32).copy()
        self._name_sizes = np.frombuffer(name_sizes, dtype=np.float32).copy()
        self._alive = np.ones(len(ids), dtype=bool)
        order = np.argsort(self._document_stems, kind="stable")  # stable: positions stay sorted
        positions = np.frombuffer(posting_positions, dtype=np.int32)[order]
        weights = np.frombuffer(posting_weights, dtype=np.float32)[order]
        bounds = np.searchsorted(self._document_stems[order], np.arange(len(stem_ids) + 1))
        self._postings = {
            name: (positions[bounds[i] : bounds[i + 1]], weights[bounds[i] : bounds[i + 1]])
            for i, name in enumerate(self._stem_names)
        }
        self._set_vocabulary(vocabulary)

    def _position_of(self, product_id: int) -> int | None:
        base = self._ids_array[: self._base_size]
        found = int(np.searchsorted(base, product_id))
        if found < self._base_size and base[found] == product_id:
            return found
        return self._late_positions.get(product_id)

    def _set_vocabulary(self, words: set[str]) -> None:
        self._vocabulary = words
        self._sorted_vocabulary = sorted(words)

    @property
    def size(self) -> int:
        return int(self._alive.sum())

    # Words

    def knows(self, word: str) -> bool:
        return word in self._vocabulary or stem(word) in self._postings

    def corrections(self, word: str) -> list[str]:
        """The catalog's words fewest typos away (one for a short word, two for a longer one:
        insertions, deletions, substitutions, swaps), the most alike by trigrams first."""
        allowed = 1 if len(word) <= 5 else 2
        found = process.extract(
            word,
            self._sorted_vocabulary,
            scorer=OSA.distance,
            score_cutoff=allowed,
            limit=None,
        )
        if not found:
            return []
        fewest = min(distance for _, distance, _ in found)
        closest = [candidate for candidate, distance, _ in found if distance == fewest]
        closest.sort(key=lambda candidate: (-_trigram_similarity(word, candidate), candidate))
        return closest[:MAX_CORRECTIONS]

    def completions(self, prefix: str) -> list[str]:
        """Words starting with ``prefix``, shortest first."""
        start = bisect_left(self._sorted_vocabulary, prefix)
        found = []
        for word in self._sorted_vocabulary[start:]:
            if not word.startswith(prefix):
                break
            found.append(word)
        found.sort(key=lambda w: (len(w), w))
        return found[:MAX_PREFIX_WORDS]

    # Matching

    def match(self, groups: list[list[str]]) -> Matches:
        """Products having a word of every group (or, when none has, of any group), scored by
        the sum over groups of the best weight among the group's words, plus the share of the
        product's name the query covers. The work grows with the postings read, not with the
        catalog: groups are intersected from the smallest, by binary search."""
        postings = [self._group_posting(group) for group in groups if group]
        postings = [posting for posting in postings if len(posting[0])]
        if not postings:
            return Matches(np.arange(0, dtype=np.int64), np.zeros(0, np.float32), np.zeros(0))
        postings.sort(key=lambda posting: len(posting[0]))
        positions, weights = postings[0]
        total, name_hits = weights.copy(), (weights >= NAME_WEIGHT).astype(np.float32)
        for other_positions, other_weights in postings[1:]:
            at = np.searchsorted(other_positions, positions)
            at[at == len(other_positions)] = 0
            both = other_positions[at] == positions
            positions, at = positions[both], at[both]
            total = total[both] + other_weights[at]
            name_hits = name_hits[both] + (other_weights[at] >= NAME_WEIGHT)
            if not len(positions):
                break
        if not len(positions) and len(postings) > 1:
            positions, total, name_hits = self._any_of(postings)
        scores = total + NAME_COVERAGE_WEIGHT * name_hits / self._name_sizes[positions]
        # Rounded, so that the order is the same wherever it is taken (here, or in SQL).
        return Matches(
            self._ids_array[positions], scores.astype(np.float64).round(4), self._ratings[positions]
        )

    def _group_posting(self, group: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Positions (sorted) having any of the group's words, with the best weight of them."""
        found = [self._postings[s] for s in dict.fromkeys(map(stem, group)) if s in self._postings]
        if len(found) <= 1:
            return found[0] if found else (np.zeros(0, np.int32), np.zeros(0, np.float32))
        best = np.zeros(len(self._ids_array), dtype=np.float32)  # by position
        for positions, weights in found:
            best[positions] = np.maximum(best[positions], weights)
        positions = np.flatnonzero(best).astype(np.int32)
        return positions, best[positions]

    def _any_of(self, postings):
        total = np.zeros(len(self._ids_array), dtype=np.float32)  # by position
        name_hits = np.zeros(len(self._ids_array), dtype=np.float32)
        for positions, weights in postings:
            total[positions] += weights
            name_hits[positions] += weights >= NAME_WEIGHT
        positions = np.flatnonzero(total)
        return positions, total[positions], name_hits[positions]

    # Changes

    def update(self, documents: Iterable[Document], gone: Iterable[int] = ()) -> None:
        """Re-index changed products (a new one is added) and drop ``gone`` ones."""
        removed: dict[str, set[int]] = {}
        added: dict[str, tuple[list[int], list[float]]] = {}
        for product_id in gone:
            self._drop(product_id, removed)
        size = len(self._ids_array)
        new_ids, new_ratings, new_sizes = [], [], []
        words: set[str] = set()
        for document in documents:
            position = self._drop(document.product_id, removed)
            name_words, name_stems = self._analyser.analysed(document.name)
            words.update(name_words)
            words.update(self._analyser.recurring(document.extra)[0])
            if position is None:
                position = size + len(new_ids)
                self._late_positions[document.product_id] = position
                new_ids.append(document.product_id)
                new_ratings.append(document.rating)
                new_sizes.append(len(name_stems) or 1)
            else:
                self._alive[position] = True
                self._ratings[position] = document.rating
                self._name_sizes[position] = len(name_stems) or 1
            document_weights = self._analyser.weights(document, name_stems)
            self._changed_stems[position] = list(document_weights)
            for s, weight in document_weights.items():
                positions, weights = added.setdefault(s, ([], []))
                positions.append(position)
                weights.append(weight)
        if new_ids:
            self._ids_array = np.concatenate([self._ids_array, np.array(new_ids, dtype=np.int64)])
            self._ratings = np.concatenate([self._ratings, np.array(new_ratings, dtype=np.float32)])
            self._name_sizes = np.concatenate(
                [self._name_sizes, np.array(new_sizes, dtype=np.float32)]
            )
            self._alive = np.concatenate([self._alive, np.ones(len(new_ids), dtype=bool)])
        for s in set(removed) | set(added):
            positions, weights = self._postings.get(
                s, (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
            )
            if s in removed:
                keep = ~np.isin(positions, np.fromiter(removed[s], dtype=np.int32))
                positions, weights = positions[keep], weights[keep]
            if s in added:
                positions = np.concatenate([positions, np.array(added[s][0], dtype=np.int32)])
                weights = np.concatenate([weights, np.array(added[s][1], dtype=np.float32)])
                order = np.argsort(positions, kind="stable")  # matching needs them sorted
                positions, weights = positions[order], weights[order]
            if len(positions):
                self._postings[s] = (positions, weights)
            else:
                self._postings.pop(s, None)
        # Words only ever join the vocabulary between rebuilds: a word that no product has any
        # more corrects to nothing worse than an empty result.
        if words - self._vocabulary:
            self._set_vocabulary(self._vocabulary | words)

    def _drop(self, product_id: int, removed: dict[str, set[int]]) -> int | None:
        """Take a product's postings out; its position is kept for when it comes back."""
        position = self._position_of(product_id)
        if position is None:
            return None
        if self._alive[position]:
            for s in self._stems_at(position):
                removed.setdefault(s, set()).add(position)
        self._alive[position] = False
        return position

    def _stems_at(self, position: int) -> list[str]:
        if position in self._changed_stems:
            return self._changed_stems[position]
        start, end = self._offsets[position], self._offsets[position + 1]
        return [self._stem_names[i] for i in self._document_stems[start:end]]


@dataclass
class _Held:
    index: SearchIndex | None = None
    version: object = None
    refreshed_at: object = None


class IndexHolder:
    """One index per process, built on first use and refreshed when the catalog's version moves.

    ``load_all()`` yields the documents of the active products; ``load_changed(since)`` gives
    those of active products changed since a time, and the ids of products changed since then
    that are no longer for sale; ``count()`` the number of active products, which tells a
    deletion apart; ``version()`` the catalog's version."""

    def __init__(self, *, load_all, load_changed, count, version, words_of):
        self._load_all, self._load_changed = load_all, load_changed
        self._count, self._version, self._words_of = count, version, words_of
        self._held = _Held()
        self._lock = threading.Lock()
        self.last_build_seconds = 0.0

    def get(self) -> SearchIndex:
        version = self._version()
        held = self._held
        if held.index is not None and held.version == version:
            return held.index
        with self._lock:
            held = self._held
            if held.index is None:
                self._build(version)
            elif held.version != version:
                self._refresh(version)
            return self._held.index

    def clear(self) -> None:
        with self._lock:
            self._held = _Held()

    def _build(self, version) -> None:
        started, now = time.perf_counter(), timezone.now()
        self._held = _Held(SearchIndex(self._load_all(), self._words_of), version, now)
        self.last_build_seconds = time.perf_counter() - started

    def _refresh(self, version) -> None:
        held, now = self._held, timezone.now()
        documents, gone = self._load_changed(held.refreshed_at - REFRESH_OVERLAP)
        held.index.update(documents, gone)
        if held.index.size != self._count():
            # A product was deleted (or changed without its updated_at): read everything again.
            self._build(version)
            return
        held.version, held.refreshed_at = version, now


def _trigram_similarity(a: str, b: str) -> float:
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


@lru_cache(maxsize=65536)
def _trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))

"""What is measured: each endpoint is a list of paths that wrk cycles through, or, for the
search misses, a sequence of URLs no run has asked for before (bench/searches.py)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from bench.db import Sample
from bench.searches import FreshPaths

# What the cache does for an endpoint's requests once the warm-up has asked for every path.
HIT, MISS = "hit", "miss"


@dataclass(frozen=True)
class Endpoint:
    name: str
    paths: list[str]
    cache: str = HIT  # "" for the trivial view, which caches nothing
    fresh: FreshPaths | None = None  # misses: new URLs for every run (and the warm-up)

    @property
    def shown(self) -> str:
        """The paths for the report: the first ones of a long list."""
        if self.fresh:
            return f"`{self.fresh.path(0)}`, `{self.fresh.path(1)}` … (new ones every run)"
        if len(self.paths) > 20:
            return f"`{self.paths[0]}`, `{self.paths[1]}` … {len(self.paths)} paths"
        return ", ".join(f"`{p}`" for p in self.paths)


LIST_FILTERS = [
    {},
    {"category": "shoes"},
    {"brand": "nike", "ordering": "-price"},
    {"in_stock": "true", "ordering": "price"},
    {"offset": "1000"},
]
# Misspelt ones first: they take the correction path (trigram lookups) as well as the match.
SEARCH_QUERIES = [
    "runing shoos",
    "adidsa",
    "hedphones sony",
    "lapptop",
    "trail",
    "running shoes",
    "nike air",
    "bose headphones",
    "black hoodie",
    "garmin smartwatch",
    "water bottle",
    "backpack",
    "salomon trail shoes",
    "jbl speaker",
    "apple laptop",
]
# The storefront's listing parameters (templates/catalog/partials/listing.html), in turn.
CATEGORY_FILTERS = [
    {},
    {"brand": 0, "ordering": "price"},
    {"in_stock": "true"},
    {"page": "2"},
    {"brand": 1, "ordering": "-rating"},
    {"ordering": "-price", "in_stock": "true"},
    {"min_price": "50", "max_price": "150"},
    {"ordering": "-created_at", "page": "3"},
]
SEARCH_PAGE_FILTERS = [{}, {}, {"in_stock": "true"}, {"page": "2"}, {"ordering": "price"}]

TRIVIAL = "trivial"
LIST = "list"
DETAIL = "detail"
SEARCH = "search"
INVENTORY = "inventory"
HOME = "home"
CATEGORY = "category"
PRODUCT = "product"
SEARCH_PAGE = "search-page"
SEARCH_MISSES = "search-misses"
SEARCH_PAGE_MISSES = "search-page-misses"
# Names that --only takes for several endpoints at once.
GROUPS = {
    "api": [LIST, DETAIL, SEARCH, "list+search", INVENTORY],
    "pages": [HOME, CATEGORY, PRODUCT, SEARCH_PAGE],
    "misses": [SEARCH_MISSES, SEARCH_PAGE_MISSES],
}


def category_paths(categories: list[tuple[str, list[str]]]) -> list[str]:
    """Each category in turn with the next of CATEGORY_FILTERS; a brand is one it sells."""
    paths = []
    for (slug, brands), params in zip(
        categories * len(CATEGORY_FILTERS), CATEGORY_FILTERS * len(categories)
    ):
        if "brand" in params:
            params = {**params, "brand": brands[params["brand"] % len(brands)]}
        paths.append(f"/c/{slug}/" + (f"?{urlencode(params)}" if params else ""))
    return list(dict.fromkeys(paths))


def endpoints(
    sample: Sample | None = None,
    api_searches: FreshPaths | None = None,
    page_searches: FreshPaths | None = None,
) -> list[Endpoint]:
    """Every endpoint, in the order they are measured; without a sample, only their names."""
    ids = sample.product_ids if sample else []
    return [
        Endpoint(TRIVIAL, ["/bench/trivial"], cache=""),
        Endpoint(LIST, [f"/api/products?{urlencode({'limit': 20, **f})}" for f in LIST_FILTERS]),
        Endpoint(DETAIL, [f"/api/products/{pk}" for pk in ids]),
        Endpoint(SEARCH, [f"/api/products/search?{urlencode({'q': q})}" for q in SEARCH_QUERIES]),
        Endpoint("list+search", ["/api/products?search=running&in_stock=true"]),
        Endpoint(INVENTORY, [f"/api/products/inventory/{pk}" for pk in ids]),
        Endpoint(HOME, ["/"]),
        Endpoint(CATEGORY, category_paths(sample.categories) if sample else []),
        Endpoint(PRODUCT, [f"/p/{slug}/" for slug in sample.product_slugs] if sample else []),
        Endpoint(
            SEARCH_PAGE,
            [
                f"/search/?{urlencode({'q': q, **f})}"
                for q, f in zip(SEARCH_QUERIES, SEARCH_PAGE_FILTERS * len(SEARCH_QUERIES))
            ],
        ),
        Endpoint(SEARCH_MISSES, [], cache=MISS, fresh=api_searches),
        Endpoint(SEARCH_PAGE_MISSES, [], cache=MISS, fresh=page_searches),
    ]


def names() -> set[str]:
    return {e.name for e in endpoints()}


def chosen(only: set[str] | None) -> set[str] | None:
    """The endpoint names --only asks for (groups expanded, trivial always with them); None: all."""
    if only is None:
        return None
    return {TRIVIAL} | {name for word in only for name in GROUPS.get(word, [word])}

"""What is measured: each endpoint is a list of paths that wrk cycles through."""

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Endpoint:
    name: str
    paths: list[str]

    @property
    def shown(self) -> str:
        """The paths for the report; the long lists are the ones that only differ by id."""
        if len(self.paths) > 20:
            return f"`{self.paths[0]}` … over {len(self.paths)} product ids"
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
TRIVIAL = "trivial"
LIST = "list"
SEARCH = "search"


def endpoints(product_ids: list[int]) -> list[Endpoint]:
    return [
        Endpoint(TRIVIAL, ["/bench/trivial"]),
        Endpoint(LIST, [f"/api/products?{urlencode({'limit': 20, **f})}" for f in LIST_FILTERS]),
        Endpoint("detail", [f"/api/products/{pk}" for pk in product_ids]),
        Endpoint(SEARCH, [f"/api/products/search?{urlencode({'q': q})}" for q in SEARCH_QUERIES]),
        Endpoint("list+search", ["/api/products?search=running&in_stock=true"]),
        Endpoint("inventory", [f"/api/products/inventory/{pk}" for pk in product_ids]),
    ]

"""The product list's query parameters; a bad one is a 400 that names it."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from catalog import search
from catalog.models import Product, rating_order
from catalog.queries import active_products, facet_id, facet_slug, facets, in_category


def _slugs(kind: str) -> list[tuple[str, str]]:
    return [(facet["slug"], facet["name"]) for facet in facets()[kind]]


class ProductFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "max_price must not be below min_price.")
        return cleaned


class ProductOrdering(django_filters.OrderingFilter):
    """The list's orderings, ties broken by id; unrated products (rating null) come last
    whichever way ratings are ordered (catalog.models has the indexes that read them so)."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        if value.lstrip("-") == "rating":
            return rating_order(descending=value.startswith("-"))
        return value

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        return ordered.order_by(*ordered.query.order_by, "-id") if value else ordered


# Their choices are data, so the schema can't infer a type from them: catalog.api states it.
SLUG_PARAMETERS = {
    "category": "A category's slug; its subcategories are included.",
    "brand": "A brand's slug.",
}


class ProductFilter(django_filters.FilterSet):
    # Choices from the cached facets: checking a slug costs no query.
    category = django_filters.ChoiceFilter(
        choices=lambda: _slugs("categories"),
        method="filter_category",
        help_text=SLUG_PARAMETERS["category"],
    )
    brand = django_filters.ChoiceFilter(
        choices=lambda: _slugs("brands"),
        method="filter_brand",
        help_text=SLUG_PARAMETERS["brand"],
    )
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte", min_value=0)
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte", min_value=0)
    min_rating = django_filters.NumberFilter(
        field_name="rating",
        lookup_expr="gte",
        min_value=0,
        max_value=5,
        help_text="Only products rated at least this (0-5); unrated products are left out.",
    )
    in_stock = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false"), ("1", "1"), ("0", "0")],
        method="filter_in_stock",
        help_text="true: only products in stock; false: only sold out.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Typo-tolerant search; results best first unless ordering is given.",
    )
    ordering = ProductOrdering(
        fields=(("price", "price"), ("rating", "rating"), ("created_at", "created_at")),
    )

    class Meta:
        model = Product
        fields: list = []
        form = ProductFilterForm

    def filter_category(self, queryset, name, slug: str):
        return in_category(queryset, facet_id("categories", slug))

    def filter_brand(self, queryset, name, slug: str):
        return queryset.filter(brand_id=facet_id("brands", slug))

    def filter_in_stock(self, queryset, name, value: str):
        return queryset.filter(stock__gt=0) if value in ("true", "1") else queryset.filter(stock=0)

    def filter_search(self, queryset, name, text: str):
        return search.search(queryset, text) if text.strip() else queryset


def find_products(
    text: str = "",
    *,
    brand: str = "",
    category: str = "",
    color: str = "",
    size: str = "",
    min_price: float | None = None,
    max_price: float | None = None,
    ordering: str = "",
    limit: int,
) -> list[Product]:
    """The product list's filters (GET /api/products) for a caller in Python, such as the sales
    agent, which names a brand or category as a person does ("Nike", "running shoes"): a
    category takes in every category below it. Also a color and a size, each of some variant.
    The ``limit`` best matches for ``text`` (best rated when there is none), those that can be
    bought first; with an ``ordering`` (the list's: "price", "-price", "-rating"), the ``limit``
    first in that order of those that can be bought. A brand or category the shop doesn't have
    finds nothing; a bad price bound or ordering is a ValidationError naming it, as the list's
    400 does."""
    params: dict[str, str] = {}
    for key, kind, name in (("brand", "brands", brand), ("category", "categories", category)):
        if name.strip():
            params[key] = facet_slug(kind, name)
            if params[key] is None:
                return []
    for key, bound in (("min_price", min_price), ("max_price", max_price)):
        if bound is not None:
            params[key] = str(bound)
    if ordering:
        params.update(ordering=ordering, in_stock="true", search=text.strip())
    filtered = ProductFilter(params, queryset=active_products())
    if not filtered.is_valid():
        raise ValidationError(filtered.errors.as_data())
    products = filtered.qs
    if color:
        products = products.filter(variants__color__iexact=color)
    if size:
        products = products.filter(variants__size__iexact=size)
    products = products.distinct()
    if ordering:
        return list(products[:limit])
    text = text.strip()
    products = search.search(products, text) if text else products.order_by(rating_order(), "id")
    # What can be bought first, best match first within each.
    return sorted(products[: limit * 4], key=lambda p: p.stock <= 0)[:limit]

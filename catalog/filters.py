"""The product list's query parameters; a bad one is a 400 that names it."""

import django_filters
from django import forms

from catalog import search
from catalog.models import Product
from catalog.queries import facet_id, facets, in_category


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

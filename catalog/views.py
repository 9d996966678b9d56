"""Storefront catalog pages. Thin: the filters, queries and search of the API serve them too.
Anonymous visitors get them from the cache (core.page_cache, catalog.response_cache)."""

import mimetypes
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from catalog import art, response_cache, search
from catalog.filters import ProductFilter
from catalog.models import Category, Product, StockLevel, StockLocation, rating_order
from catalog.queries import active_products, facets, in_category
from core.page_cache import cached_page

PAGE_SIZE = 24
SORTS = [
    ("", "Best match"),
    ("-created_at", "Newest"),
    ("price", "Price: low to high"),
    ("-price", "Price: high to low"),
    ("-rating", "Top rated"),
]


@require_safe
@cached_page(response_cache.listing_page_versions)
def home(request):
    categories = Category.objects.filter(parent=None).prefetch_related("children")
    featured = (
        active_products().filter(stock__gt=0).order_by(rating_order(), "-reviews_count", "id")[:8]
    )
    return render(request, "catalog/home.html", {"categories": categories, "featured": featured})


@require_safe
@cached_page(response_cache.listing_page_versions)
def category(request, slug: str):
    current = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    products = in_category(active_products(), current.pk)
    return _listing(request, request.GET, "catalog/category.html", {"category": current}, products)


@require_safe
@cached_page(response_cache.listing_page_versions)
def search_page(request):
    text = request.GET.get("q", "").strip()
    extra = {"query": text, "corrected": search.parse(text).corrected_text if text else ""}
    params = request.GET.copy()
    params["search"] = text
    if not text:
        return render(
            request, "catalog/search.html", {**extra, "page": None, **_filter_choices(params)}
        )
    return _listing(request, params, "catalog/search.html", extra, active_products())


def _listing(request, params, template: str, context: dict, products):
    filters = ProductFilter(params, queryset=products)
    page = None
    if filters.is_valid():
        page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            **context,
            "filters": filters,
            "page": page,
            "query_string": query.urlencode(),
            **_filter_choices(params),
        },
        status=200 if page is not None else 400,
    )


def _filter_choices(params) -> dict:
    return {"brands": facets()["brands"], "sorts": SORTS, "params": params}


@require_safe
@cached_page(response_cache.product_page_versions)
def product_detail(request, slug: str):
    product = get_object_or_404(active_products(), slug=slug)
    response_cache.product_page_shows(request, product)
    variants = list(product.variants.all())
    levels = StockLevel.objects.filter(variant__product=product).values_list(
        "variant_id", "location_id", "quantity"
    )
    stock_by_variant: dict[int, dict[int, int]] = {}
    for variant_id, location_id, quantity in levels:
        stock_by_variant.setdefault(variant_id, {})[location_id] = quantity
    locations = list(StockLocation.objects.filter(is_active=True))
    variant_data = [
        {
            "id": v.id,
            "sku": v.sku,
            "color": v.color,
            "size": v.size,
            "price": str(v.price),
            "stock": v.stock,
            "locations": stock_by_variant.get(v.id, {}),
        }
        for v in variants
    ]
    return render(
        request,
        "catalog/product.html",
        {"product": product, "variants": variant_data, "locations": locations},
    )


@require_safe
@cache_control(public=True, max_age=86400)
def product_image(request, slug: str, number: int):
    product = get_object_or_404(
        Product.objects.select_related("category__parent").prefetch_related("variants"), slug=slug
    )
    colors = product.colors
    color = colors[(number - 1) % len(colors)] if colors else ""
    group = slugify((product.category.parent or product.category).name)
    svg = art.product_svg(name=product.name, group=group, color=color)
    return HttpResponse(svg, content_type="image/svg+xml")


@require_safe
def media_file(request, name: str):
    """An uploaded file from the filesystem storage, for servers with nothing in front to serve
    MEDIA_ROOT (runserver, one daphne); a bucket serves its own. Every name is new for each
    upload and rendition (catalog.photos), so browsers and proxies may keep a file for good."""
    if not isinstance(default_storage, FileSystemStorage):
        raise Http404
    try:
        path = Path(default_storage.path(name))  # refuses a name leading out of MEDIA_ROOT
    except SuspiciousFileOperation as exc:
        raise Http404 from exc
    if not path.is_file():
        raise Http404
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = FileResponse(path.open("rb"), content_type=kind)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

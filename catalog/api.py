"""Catalog API: products, search, inventory; categories and brands; staff stock, locations and
product photos."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import re_path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAdminUser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import photos, search, stock
from catalog.cards import card_bodies
from catalog.filters import SLUG_PARAMETERS, ProductFilter
from catalog.models import Brand, Category, Product, StockLocation
from catalog.queries import active_products, product_inventory
from catalog.serializers import (
    BrandSerializer,
    CategorySerializer,
    InventorySerializer,
    LocationSerializer,
    PhotoUploadSerializer,
    ProductDetailSerializer,
    ProductPhotoSerializer,
    ProductSerializer,
    SearchParamsSerializer,
    SearchResponseSerializer,
    StockChangeSerializer,
    StockLevelUpdateSerializer,
)
from core import answer_cache
from core.pagination import LimitOffset
from core.web import validated


def cached_answer(request, build) -> HttpResponse:
    """The read's JSON answer from the cache while current, else ``build()``'s data (see
    catalog.response_cache); another format (the browsable API) renders it afresh."""
    body = answer_cache.json_answer(request, build)
    if isinstance(request.accepted_renderer, JSONRenderer):
        return HttpResponse(body, content_type="application/json")
    return Response(json.loads(body))


PRICE_BOUND = {"type": "number", "minimum": 0, "maximum": 99_999_999.99}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("min_price", PRICE_BOUND),
            OpenApiParameter("max_price", PRICE_BOUND),
        ]
    )
)
class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProductFilter
    pagination_class = LimitOffset
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return active_products()

    def get_serializer_class(self):
        return ProductDetailSerializer if self.action == "retrieve" else ProductSerializer

    # Reads are cached (catalog.response_cache); errors (a 400, a 404) are raised, never cached.
    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=text) for name, text in SLUG_PARAMETERS.items()
        ]
    )
    def list(self, request, *args, **kwargs):
        def build():
            return super(ProductViewSet, self).list(request, *args, **kwargs).data

        return cached_answer(request, build)

    def retrieve(self, request, *args, **kwargs):
        def build():
            return super(ProductViewSet, self).retrieve(request, *args, **kwargs).data

        return cached_answer(request, build)

    @extend_schema(
        parameters=[SearchParamsSerializer],
        responses=SearchResponseSerializer,
        description="Typo-tolerant search by name, brand and category, best first.",
    )
    @action(detail=False, url_path="search", filter_backends=[], pagination_class=None)
    def search(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        text, limit = params.validated_data["q"], params.validated_data["limit"]
        return cached_answer(request, lambda: self._search(text, limit))

    @staticmethod
    def _search(text: str, limit: int) -> bytes:
        query = search.parse(text)
        best, count = search.top(query, limit=limit)
        shown = card_bodies([product_id for product_id, _ in best])
        head = {"query": text, "corrected_query": query.corrected_text, "count": count}
        # The cards' JSON as cached, each with its score: parsing twenty cards only to render
        # them again took longer than the search.
        results = [
            b'%s,"score":%s}' % (shown[product_id][:-1], json.dumps(score).encode())
            for product_id, score in best
            if product_id in shown  # unless it was taken off sale a moment ago
        ]
        return b'%s,"results":[%s]}' % (JSONRenderer().render(head)[:-1], b",".join(results))

    @extend_schema(
        parameters=[
            OpenApiParameter("variant_id", OpenApiTypes.INT, description="One variant only.")
        ],
        responses=InventorySerializer,
    )
    @action(
        detail=False,
        url_path=r"inventory/(?P<product_id>\d+)",
        filter_backends=[],
        pagination_class=None,
    )
    def inventory(self, request, product_id):
        variant_id = request.query_params.get("variant_id")
        return cached_answer(request, lambda: self._inventory(int(product_id), variant_id))

    @staticmethod
    def _inventory(product_id: int, variant_id: str | None) -> dict:
        product = get_object_or_404(Product.objects.active(), pk=product_id)
        if variant_id is not None:
            if not variant_id.isdigit() or not product.variants.filter(pk=variant_id).exists():
                raise ValidationError({"variant_id": ["Not a variant of this product."]})
            variant_id = int(variant_id)
        return InventorySerializer(product_inventory(product, variant_id=variant_id)).data


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    pagination_class = None
    filter_backends: list = []
    lookup_field = "slug"


class BrandViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Brand.objects.all()
    serializer_class = BrandSerializer
    pagination_class = None
    filter_backends: list = []
    lookup_field = "slug"


class StaffLocationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = StockLocation.objects.filter(is_active=True)
    serializer_class = LocationSerializer
    permission_classes = [IsAdminUser]
    pagination_class = None
    filter_backends: list = []


class StaffStockView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=StockLevelUpdateSerializer, responses=StockChangeSerializer)
    def put(self, request):
        change = stock.set_stock_level(**validated(StockLevelUpdateSerializer, request))
        return Response(StockChangeSerializer(change).data)


class StaffProductImagesView(APIView):
    permission_classes = [IsAdminUser]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: ProductPhotoSerializer},
        description="Upload a photo; its renditions are made in the background (null until then).",
    )
    def post(self, request, product_id):
        photos.check_request_size(request.META.get("CONTENT_LENGTH"))
        product = get_object_or_404(Product, pk=product_id)
        data = validated(PhotoUploadSerializer, request)
        image = photos.add_photo(
            product=product,
            file=data["image"],
            alt_text=data["alt_text"],
            position=data.get("position"),
        )
        image.refresh_from_db(fields=["renditions"])  # made already when tasks run eagerly
        return Response(ProductPhotoSerializer(image).data, status=201)


class StaffProductImageView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, product_id, image_id):
        photos.delete_photo(product_id=int(product_id), image_id=int(image_id))
        return Response(status=204)


def register(router) -> None:
    router.register("products", ProductViewSet, basename="product")
    router.register("categories", CategoryViewSet, basename="category")
    router.register("brands", BrandViewSet, basename="brand")
    router.register("staff/locations", StaffLocationViewSet, basename="staff-location")


urlpatterns = [
    re_path(r"^staff/stock/?$", StaffStockView.as_view(), name="staff-stock"),
    re_path(
        r"^staff/products/(?P<product_id>\d+)/images/?$",
        StaffProductImagesView.as_view(),
        name="staff-product-images",
    ),
    re_path(
        r"^staff/products/(?P<product_id>\d+)/images/(?P<image_id>\d+)/?$",
        StaffProductImageView.as_view(),
        name="staff-product-image",
    ),
]

"""Catalog API: products, search, inventory; categories and brands; staff stock and locations."""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import search, stock
from catalog.filters import ProductFilter
from catalog.models import Brand, Category, Product, StockLocation
from catalog.queries import active_products, product_inventory
from catalog.serializers import (
    BrandSerializer,
    CategorySerializer,
    InventorySerializer,
    LocationSerializer,
    ProductDetailSerializer,
    ProductSerializer,
    SearchParamsSerializer,
    SearchResponseSerializer,
    StockChangeSerializer,
    StockLevelUpdateSerializer,
)
from config.pagination import LimitOffset
from config.web import validated


PRICE_BOUND = {"type": "number", "minimum": 0, "maximum": 99_999_999.99}


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("min_price", PRICE_BOUND), OpenApiParameter("max_price", PRICE_BOUND),
]))
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
        query = search.parse(text)
        matches = search.search(active_products(), query)
        results = list(matches[:limit])
        count = len(results) if len(results) < limit else matches.count()
        body = {
            "query": text,
            "corrected_query": query.corrected_text,
            "count": count,
            "results": results,
        }
        return Response(SearchResponseSerializer(body).data)

    @extend_schema(
        parameters=[OpenApiParameter("variant_id", OpenApiTypes.INT, description="One variant only.")],
        responses=InventorySerializer,
    )
    @action(
        detail=False, url_path=r"inventory/(?P<product_id>\d+)", filter_backends=[], pagination_class=None
    )
    def inventory(self, request, product_id):
        product = get_object_or_404(Product.objects.active(), pk=product_id)
        variant_id = request.query_params.get("variant_id")
        if variant_id is not None:
            if not variant_id.isdigit() or not product.variants.filter(pk=variant_id).exists():
                raise ValidationError({"variant_id": ["Not a variant of this product."]})
            variant_id = int(variant_id)
        return Response(InventorySerializer(product_inventory(product, variant_id=variant_id)).data)


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


def register(router) -> None:
    router.register("products", ProductViewSet, basename="product")
    router.register("categories", CategoryViewSet, basename="category")
    router.register("brands", BrandViewSet, basename="brand")
    router.register("staff/locations", StaffLocationViewSet, basename="staff-location")

from decimal import Decimal

from rest_framework import serializers

from catalog.models import StockLocation, stock_status

_CENT = Decimal("0.01")


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class CategorySerializer(CategoryRefSerializer):
    parent_id = serializers.IntegerField(allow_null=True)


BrandSerializer = CategoryRefSerializer


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    category = CategoryRefSerializer()
    brand = BrandSerializer()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    images = serializers.ListField(child=serializers.CharField(), source="image_urls")
    colors = serializers.ListField(child=serializers.CharField())
    sizes = serializers.ListField(child=serializers.CharField())
    rating = serializers.FloatField(
        allow_null=True, help_text="Average of its reviews, one decimal; null without any."
    )
    reviews_count = serializers.IntegerField()
    stock = serializers.IntegerField()
    stock_status = serializers.ChoiceField(choices=["in_stock", "low_stock", "out_of_stock"])

    def to_representation(self, product) -> dict:
        category, brand = product.category, product.brand
        return card(
            product,
            category=(category.id, category.name, category.slug),
            brand=(brand.id, brand.name, brand.slug),
            images=product.image_urls,
            colors=product.colors,
            sizes=product.sizes,
        )


def card(product, *, category: tuple, brand: tuple, images, colors, sizes) -> dict:
    """A product card, as ProductSerializer declares it, from a Product or a row with its
    fields (catalog.cards reads plain rows). Written out rather than left to DRF's fields:
    every list and search builds one per product, and DRF's fields (copied per serializer, then
    read one by one) cost more than the queries. tests/catalog/test_cards.py holds the two to
    the same output."""
    return {
        "id": product.id,
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "category": dict(zip(("id", "name", "slug"), category, strict=True)),
        "brand": dict(zip(("id", "name", "slug"), brand, strict=True)),
        "price": f"{product.price.quantize(_CENT):f}",
        "images": images,
        "colors": colors,
        "sizes": sizes,
        "rating": None if product.rating is None else float(product.rating),
        "reviews_count": product.reviews_count,
        "stock": product.stock,
        "stock_status": stock_status(product.stock),
    }


class SearchResultSerializer(ProductSerializer):
    score = serializers.FloatField(source="search_score")

    def to_representation(self, product) -> dict:
        return {**super().to_representation(product), "score": product.search_score}


class VariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    color = serializers.CharField()
    size = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    stock = serializers.IntegerField()


class ProductDetailSerializer(ProductSerializer):
    variants = VariantSerializer(many=True, source="variants.all")

    def to_representation(self, product) -> dict:
        variants = VariantSerializer(many=True).to_representation(product.variants.all())
        return {**super().to_representation(product), "variants": variants}


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    corrected_query = serializers.CharField()
    count = serializers.IntegerField()
    results = SearchResultSerializer(many=True)


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


class LocationStockSerializer(serializers.Serializer):
    location_id = serializers.IntegerField()
    name = serializers.CharField()
    city = serializers.CharField()
    quantity = serializers.IntegerField()


class WarehouseStockSerializer(serializers.Serializer):
    quantity = serializers.IntegerField()
    locations = LocationStockSerializer(many=True)


class InventorySerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    variant_id = serializers.IntegerField(allow_null=True)
    warehouse = WarehouseStockSerializer()
    stores = LocationStockSerializer(many=True)
    total_available = serializers.IntegerField()
    stock_status = serializers.CharField()
    updated_at = serializers.DateTimeField()


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockLocation
        fields = ["id", "name", "kind", "city"]


class StockLevelUpdateSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    location_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000)


class StockChangeSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    sku = serializers.CharField()
    location_id = serializers.IntegerField()
    location = serializers.CharField()
    quantity = serializers.IntegerField(source="new_quantity")
    variant_stock = serializers.IntegerField()
    product_stock = serializers.IntegerField()
    stock_status = serializers.CharField()


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(
        allow_empty_file=True,  # catalog.photos says what is wrong, naming the file
        help_text="JPEG, PNG or WebP; at most 10 MB and 40 megapixels.",
    )
    alt_text = serializers.CharField(max_length=200, help_text="What the photo shows.")
    position = serializers.IntegerField(
        min_value=0, max_value=32767, required=False, help_text="Default: after the others."
    )


class RenditionsSerializer(serializers.Serializer):
    thumbnail = serializers.CharField(allow_null=True)
    card = serializers.CharField(allow_null=True)
    full = serializers.CharField(allow_null=True)


class ProductPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(source="original_url")
    alt_text = serializers.CharField()
    position = serializers.IntegerField()
    renditions = RenditionsSerializer(
        source="rendition_urls", help_text="URLs of the WebP renditions; null until made."
    )

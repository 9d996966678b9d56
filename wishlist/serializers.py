from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.serializers import ProductSerializer
from wishlist.models import StockWatch

ID_BOUND = 2**63 - 1


@extend_schema_field(ProductSerializer)
class CardField(serializers.Field):
    """A product card (catalog.cards), already in the product list's JSON."""

    def to_representation(self, value):
        return value


class WishlistEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = CardField()
    variant_id = serializers.IntegerField(allow_null=True)
    added_at = serializers.DateTimeField()


class SaveSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1, max_value=ID_BOUND)
    variant_id = serializers.IntegerField(
        min_value=1, max_value=ID_BOUND, required=False, allow_null=True, default=None
    )


class NotifyMeSerializer(serializers.Serializer):
    variant_id = serializers.IntegerField(
        min_value=1, max_value=ID_BOUND, required=False, allow_null=True, default=None
    )


class StockWatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockWatch
        fields = ["id", "product_id", "variant_id", "status", "created_at", "notified_at"]
        read_only_fields = fields

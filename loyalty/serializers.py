from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from loyalty.models import Coupon
from loyalty.tiers import TIER_NAMES


class LoyaltyProfileSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=TIER_NAMES)
    points = serializers.IntegerField()
    lifetime_points = serializers.IntegerField()
    discount_percent = serializers.IntegerField()
    benefits = serializers.ListField(child=serializers.CharField())
    next_tier = serializers.CharField(allow_null=True)
    points_to_next_tier = serializers.IntegerField()


class TierSerializer(serializers.Serializer):
    name = serializers.CharField()
    min_points = serializers.IntegerField()
    discount_percent = serializers.IntegerField()
    benefits = serializers.ListField(child=serializers.CharField())


class CouponSerializer(serializers.ModelSerializer):
    class Meta:
        model = Coupon
        fields = [
            "code",
            "description",
            "discount_type",
            "discount_value",
            "min_purchase",
            "max_discount",
            "min_tier",
            "valid_from",
            "valid_until",
        ]


class StaffCouponSerializer(serializers.ModelSerializer):
    class Meta:
        model = Coupon
        fields = CouponSerializer.Meta.fields + [
            "is_active",
            "usage_limit",
            "per_user_limit",
            "times_used",
        ]
        read_only_fields = ["times_used"]
        # Below these a coupon would raise prices instead of lowering them.
        extra_kwargs = {
            "discount_value": {"min_value": Decimal("0.01")},
            "min_purchase": {"min_value": Decimal("0.00")},
            "max_discount": {"min_value": Decimal("0.01")},
        }

    def validate_code(self, code: str) -> str:
        code = code.strip().upper()
        if Coupon.objects.by_code(code).exists():
            raise serializers.ValidationError("A coupon with this code exists.")
        return code

    def validate(self, attrs):
        if attrs.get("discount_type") == "percent" and attrs.get("discount_value", 0) > 100:
            raise serializers.ValidationError({"discount_value": ["A percentage is at most 100."]})
        until, start = attrs.get("valid_until"), attrs.get("valid_from")
        if until and start and until <= start:
            raise serializers.ValidationError({"valid_until": ["Must be after valid_from."]})
        return attrs


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 10_000_000, "multipleOf": 100})
class HundredsOfPoints(serializers.IntegerField):
    """Points are redeemed in hundreds; the service says so (invalid_points) when they aren't."""


class PointsSerializer(serializers.Serializer):
    points = HundredsOfPoints(min_value=0, max_value=10_000_000)


class AdjustPointsSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(min_value=1)
    points = serializers.IntegerField(min_value=-10_000_000, max_value=10_000_000)
    reason = serializers.CharField(max_length=200)

    def validate_points(self, points: int) -> int:
        if points == 0:
            raise serializers.ValidationError("Adjust by a non-zero number of points.")
        return points


class PointsEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField(source="account.user_id")
    kind = serializers.CharField()
    points = serializers.IntegerField()
    balance_after = serializers.IntegerField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()

from rest_framework import serializers

from reviews.models import BODY_MAX, TITLE_MAX, Review
from reviews.queries import DEFAULT_ORDERING, ORDERINGS


class ReviewInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX, allow_blank=True, required=False, default="")


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    author = serializers.CharField(help_text="The reviewer's first name and last initial.")
    verified_purchase = serializers.BooleanField()
    helpful_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class StaffReviewSerializer(ReviewSerializer):
    product_id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Review.Status.choices)
    updated_at = serializers.DateTimeField()


class ReviewPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Published reviews matching the filter.")
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True, help_text="Of every published review.")
    distribution = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='Published reviews by stars: {"1": n, ..., "5": n}.',
    )
    results = ReviewSerializer(many=True)


class ReviewListParams(serializers.Serializer):
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), default=DEFAULT_ORDERING)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, default=0)


class StaffReviewParams(serializers.Serializer):
    status = serializers.ChoiceField(choices=Review.Status.choices, required=False)
    max_rating = serializers.IntegerField(
        min_value=1, max_value=5, required=False, help_text="e.g. 2: the low-rated ones."
    )
    days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, help_text="Only those of the last N days."
    )
    product_id = serializers.IntegerField(min_value=1, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, default=0)

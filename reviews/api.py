"""Reviews API: a product's reviews (read, write, edit, delete), helpful votes, and staff's
queue with hide and publish. A product's reviews are read from the cache like its other
answers (catalog.response_cache): every review change retires them."""

from datetime import timedelta

from django.urls import re_path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAdminUser, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api import cached_answer
from catalog.models import Product
from core.pagination import page_of
from core.web import validated
from reviews import queries, services
from reviews.errors import ProductNotFound
from reviews.serializers import (
    ReviewInputSerializer,
    ReviewListParams,
    ReviewPageSerializer,
    ReviewSerializer,
    StaffReviewParams,
    StaffReviewSerializer,
)


def _params(serializer_class, request) -> dict:
    params = serializer_class(data=request.query_params)
    if not params.is_valid():
        raise ValidationError(params.errors)
    return params.validated_data


def review_page(product_id: int, *, ordering: str, limit: int, offset: int, rating=None) -> dict:
    """GET /api/products/{id}/reviews's answer."""
    if not Product.objects.active().filter(pk=product_id).exists():
        raise ProductNotFound()
    summary = queries.summary(product_id)
    count = summary.distribution[rating] if rating is not None else summary.count
    results = []
    if offset < count:
        found = queries.published_reviews(product_id, ordering=ordering, rating=rating)
        results = list(found[offset : offset + limit])
    return ReviewPageSerializer(
        {
            "count": count,
            "limit": limit,
            "offset": offset,
            "average": summary.average,
            "distribution": summary.distribution,
            "results": results,
        }
    ).data


class ProductReviewsView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(parameters=[ReviewListParams], responses=ReviewPageSerializer)
    def get(self, request, product_id):
        params = _params(ReviewListParams, request)
        return cached_answer(request, lambda: review_page(int(product_id), **params))

    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewSerializer})
    def post(self, request, product_id):
        review = services.write_review(
            user=request.user,
            product_id=int(product_id),
            **validated(ReviewInputSerializer, request),
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ProductReviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReviewInputSerializer, responses=ReviewSerializer)
    def put(self, request, product_id, review_id):
        review = services.edit_review(
            user=request.user,
            product_id=int(product_id),
            review_id=int(review_id),
            **validated(ReviewInputSerializer, request),
        )
        return Response(ReviewSerializer(review).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, product_id, review_id):
        services.delete_review(
            user=request.user, product_id=int(product_id), review_id=int(review_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class HelpfulView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ReviewSerializer)
    def post(self, request, review_id):
        review = services.vote_helpful(user=request.user, review_id=int(review_id))
        return Response(ReviewSerializer(review).data)


class StaffReviewsView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        parameters=[StaffReviewParams],
        responses=inline_serializer(
            "StaffReviewPage",
            {
                "count": serializers.IntegerField(),
                "limit": serializers.IntegerField(),
                "offset": serializers.IntegerField(),
                "results": StaffReviewSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        params = dict(_params(StaffReviewParams, request))
        limit, offset, days = params.pop("limit"), params.pop("offset"), params.pop("days", None)
        since = timezone.now() - timedelta(days=days) if days else None
        count, page = page_of(
            queries.staff_reviews(since=since, **params), limit=limit, offset=offset
        )
        return Response(
            {
                "count": count,
                "limit": limit,
                "offset": offset,
                "results": StaffReviewSerializer(page, many=True).data,
            }
        )


class StaffReviewActionView(APIView):
    permission_classes = [IsAdminUser]
    action = ""

    @extend_schema(request=None, responses=StaffReviewSerializer)
    def post(self, request, review_id):
        change = services.hide_review if self.action == "hide" else services.publish_review
        return Response(StaffReviewSerializer(change(review_id=int(review_id))).data)


PRODUCT = r"(?P<product_id>\d+)"
REVIEW = r"(?P<review_id>\d+)"
urlpatterns = [
    re_path(
        rf"^products/{PRODUCT}/reviews/?$", ProductReviewsView.as_view(), name="product-reviews"
    ),
    re_path(
        rf"^products/{PRODUCT}/reviews/{REVIEW}/?$",
        ProductReviewView.as_view(),
        name="product-review",
    ),
    re_path(rf"^reviews/{REVIEW}/helpful/?$", HelpfulView.as_view(), name="review-helpful"),
    re_path(r"^staff/reviews/?$", StaffReviewsView.as_view(), name="staff-reviews"),
    re_path(
        rf"^staff/reviews/{REVIEW}/hide/?$",
        StaffReviewActionView.as_view(action="hide"),
        name="staff-review-hide",
    ),
    re_path(
        rf"^staff/reviews/{REVIEW}/publish/?$",
        StaffReviewActionView.as_view(action="publish"),
        name="staff-review-publish",
    ),
]


def register(router) -> None:
    pass

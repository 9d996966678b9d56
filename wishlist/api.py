"""Wishlist and "notify me when available" API: thin views over wishlist.services."""

from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.web import validated
from wishlist import queries, services
from wishlist.serializers import (
    NotifyMeSerializer,
    SaveSerializer,
    StockWatchSerializer,
    WishlistEntrySerializer,
)


class WishlistView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=WishlistEntrySerializer(many=True))
    def get(self, request):
        entries = queries.entries_of(request.user)
        return Response(WishlistEntrySerializer(entries, many=True).data)

    @extend_schema(
        request=SaveSerializer,
        responses={201: WishlistEntrySerializer, 200: WishlistEntrySerializer},
        description="Saving the same product (and variant) again answers 200 with the entry.",
    )
    def post(self, request):
        item, created = services.save_product(
            user=request.user, **validated(SaveSerializer, request)
        )
        return Response(
            WishlistEntrySerializer(queries.entry(item)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class WishlistItemView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, item_id):
        services.remove_item(user=request.user, item_id=int(item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotifyMeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=NotifyMeSerializer,
        responses={201: StockWatchSerializer, 200: StockWatchSerializer},
        description=(
            "One mail and a back_in_stock socket event when the variant (or any variant) is back "
            "in stock. Asking again while the request waits answers 200; in stock now: 400 "
            "in_stock."
        ),
    )
    def post(self, request, product_id):
        watch, created = services.request_notification(
            user=request.user,
            product_id=int(product_id),
            **validated(NotifyMeSerializer, request),
        )
        return Response(
            StockWatchSerializer(watch).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


urlpatterns = [
    re_path(r"^wishlist/?$", WishlistView.as_view(), name="wishlist"),
    re_path(
        r"^wishlist/(?P<item_id>\d{1,18})/?$", WishlistItemView.as_view(), name="wishlist-item"
    ),
    re_path(
        r"^products/(?P<product_id>\d{1,18})/notify-me/?$",
        NotifyMeView.as_view(),
        name="product-notify-me",
    ),
]

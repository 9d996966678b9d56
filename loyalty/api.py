"""Loyalty API: profile, tiers, usable coupons; staff coupons and points adjustments.
(Coupons and points on the cart are the cart's: cart/api.py.)"""

from django.shortcuts import get_object_or_404
from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.web import validated
from loyalty import services
from loyalty.serializers import (
    AdjustPointsSerializer,
    CouponSerializer,
    LoyaltyProfileSerializer,
    PointsEntrySerializer,
    StaffCouponSerializer,
    TierSerializer,
)
from loyalty.tiers import TIERS


class ProfileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=LoyaltyProfileSerializer)
    def get(self, request):
        return Response(services.profile(request.user))


class TiersView(APIView):
    @extend_schema(responses=TierSerializer(many=True))
    def get(self, request):
        return Response(TierSerializer(TIERS, many=True).data)


class CouponsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CouponSerializer(many=True))
    def get(self, request):
        return Response(CouponSerializer(services.usable_coupons(request.user), many=True).data)


class StaffCouponsView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=StaffCouponSerializer, responses={201: StaffCouponSerializer})
    def post(self, request):
        serializer = StaffCouponSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        coupon = serializer.save()
        return Response(StaffCouponSerializer(coupon).data, status=status.HTTP_201_CREATED)


class StaffAdjustPointsView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=AdjustPointsSerializer, responses={201: PointsEntrySerializer})
    def post(self, request):
        data = validated(AdjustPointsSerializer, request)
        customer = get_object_or_404(User, pk=data["user_id"])
        entry = services.adjust_points(
            user=customer, points=data["points"], reason=data["reason"], staff=request.user
        )
        return Response(PointsEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    re_path(r"^loyalty/profile/?$", ProfileView.as_view(), name="loyalty-profile"),
    re_path(r"^loyalty/tiers/?$", TiersView.as_view(), name="loyalty-tiers"),
    re_path(r"^loyalty/coupons/?$", CouponsView.as_view(), name="loyalty-coupons"),
    re_path(r"^staff/coupons/?$", StaffCouponsView.as_view(), name="staff-coupons"),
    re_path(
        r"^staff/loyalty/adjust/?$", StaffAdjustPointsView.as_view(), name="staff-loyalty-adjust"
    ),
]

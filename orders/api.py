"""Orders API: place (idempotent), list, detail, tracking, cancel, return; staff steps."""

from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PageParams, page_of, page_params
from core.web import validated
from orders import fulfilment, placing, queries, returns
from orders.serializers import (
    OrderSerializer,
    PlaceOrderSerializer,
    RejectSerializer,
    ReturnRequestSerializer,
    ReturnSerializer,
    StatusStepSerializer,
    TrackingSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Retrying with the same key returns the first result and never charges twice.",
)


class OrdersView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="orders_list",
        parameters=[PageParams],
        responses=inline_serializer(
            "OrderPage",
            {
                "count": serializers.IntegerField(),
                "limit": serializers.IntegerField(),
                "offset": serializers.IntegerField(),
                "results": OrderSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        page = page_params(request.query_params)
        count, results = page_of(queries.orders_of(request.user), **page)
        return Response(
            {"count": count, **page, "results": OrderSerializer(results, many=True).data}
        )

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=PlaceOrderSerializer, responses={201: OrderSerializer}
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()[:128] or None
        placed = placing.place_order(
            user=request.user, idempotency_key=key, **validated(PlaceOrderSerializer, request)
        )
        response = Response(OrderSerializer(placed.order).data, status=status.HTTP_201_CREATED)
        if placed.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class OrderView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OrderSerializer)
    def get(self, request, order_id):
        return Response(OrderSerializer(queries.order_of(request.user, order_id)).data)


class TrackingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TrackingSerializer)
    def get(self, request, order_id):
        return Response(TrackingSerializer(queries.order_of(request.user, order_id)).data)


class CancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=OrderSerializer)
    def post(self, request, order_id):
        fulfilment.cancel(user=request.user, order_id=order_id)
        return Response(OrderSerializer(queries.order_of(request.user, order_id)).data)


class ReturnView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReturnRequestSerializer, responses={201: ReturnSerializer})
    def post(self, request, order_id):
        data = validated(ReturnRequestSerializer, request)
        made = returns.request_return(user=request.user, order_id=order_id, **data)
        return Response(ReturnSerializer(made).data, status=status.HTTP_201_CREATED)


class StaffOrderStatusView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=StatusStepSerializer, responses=OrderSerializer)
    def post(self, request, order_id):
        order = fulfilment.advance(
            order_id=order_id, by=request.user, **validated(StatusStepSerializer, request)
        )
        return Response(OrderSerializer(queries.order_of(order.user, order.pk)).data)


class StaffReturnView(APIView):
    permission_classes = [IsAdminUser]
    action = ""

    @extend_schema(request=None, responses=ReturnSerializer)
    def post(self, request, return_id):
        if self.action == "approve":
            made = returns.approve_return(return_id=return_id, by=request.user)
        elif self.action == "receive":
            made = returns.receive_return(return_id=return_id, by=request.user)
        else:
            made = returns.reject_return(
                return_id=return_id, by=request.user, **validated(RejectSerializer, request)
            )
        return Response(ReturnSerializer(made).data)


class StaffRejectReturnView(StaffReturnView):
    action = "reject"

    @extend_schema(request=RejectSerializer, responses=ReturnSerializer)
    def post(self, request, return_id):
        return super().post(request, return_id)


ID = r"(?P<order_id>\d+)"
urlpatterns = [
    re_path(r"^orders/?$", OrdersView.as_view(), name="orders"),
    re_path(rf"^orders/{ID}/?$", OrderView.as_view(), name="order"),
    re_path(rf"^orders/{ID}/tracking/?$", TrackingView.as_view(), name="order-tracking"),
    re_path(rf"^orders/{ID}/cancel/?$", CancelView.as_view(), name="order-cancel"),
    re_path(rf"^orders/{ID}/return/?$", ReturnView.as_view(), name="order-return"),
    re_path(
        rf"^staff/orders/{ID}/status/?$", StaffOrderStatusView.as_view(), name="staff-order-status"
    ),
    re_path(
        r"^staff/returns/(?P<return_id>\d+)/approve/?$",
        StaffReturnView.as_view(action="approve"),
        name="staff-return-approve",
    ),
    re_path(
        r"^staff/returns/(?P<return_id>\d+)/receive/?$",
        StaffReturnView.as_view(action="receive"),
        name="staff-return-receive",
    ),
    re_path(
        r"^staff/returns/(?P<return_id>\d+)/reject/?$",
        StaffRejectReturnView.as_view(),
        name="staff-return-reject",
    ),
]

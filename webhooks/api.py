"""Staff's webhook endpoints and their delivery log (API.md, "Staff reports, webhooks and
metrics"): /api/staff/webhooks[/{id}[/deliveries[/{delivery_id}/resend]]]."""

from django.urls import re_path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PageParams, page_of, page_params
from core.web import validated
from webhooks import queries, services
from webhooks.serializers import (
    CreatedEndpointSerializer,
    DeliverySerializer,
    EndpointCreateSerializer,
    EndpointSerializer,
    EndpointUpdateSerializer,
)


def _endpoint(endpoint_id: int):
    found = queries.endpoints().filter(pk=endpoint_id).first()
    if found is None:
        raise services.EndpointNotFound()
    return found


class EndpointsView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(operation_id="staff_webhooks_list", responses=EndpointSerializer(many=True))
    def get(self, request):
        return Response(EndpointSerializer(queries.endpoints(), many=True).data)

    @extend_schema(request=EndpointCreateSerializer, responses={201: CreatedEndpointSerializer})
    def post(self, request):
        data = validated(EndpointCreateSerializer, request)
        endpoint, _ = services.create_endpoint(created_by=request.user, **data)
        return Response(CreatedEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(responses=EndpointSerializer)
    def get(self, request, endpoint_id):
        return Response(EndpointSerializer(_endpoint(endpoint_id)).data)

    @extend_schema(request=EndpointUpdateSerializer, responses=EndpointSerializer)
    def patch(self, request, endpoint_id):
        data = validated(EndpointUpdateSerializer, request)
        endpoint = services.update_endpoint(endpoint_id=endpoint_id, **data)
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, endpoint_id):
        services.delete_endpoint(endpoint_id=endpoint_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveriesView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="staff_webhook_deliveries_list",
        parameters=[PageParams],
        responses=inline_serializer(
            "DeliveryPage",
            {
                "count": serializers.IntegerField(),
                "limit": serializers.IntegerField(),
                "offset": serializers.IntegerField(),
                "results": DeliverySerializer(many=True),
            },
        ),
    )
    def get(self, request, endpoint_id):
        _endpoint(endpoint_id)
        page = page_params(request.query_params)
        count, results = page_of(queries.deliveries_of(endpoint_id), **page)
        return Response(
            {"count": count, **page, "results": DeliverySerializer(results, many=True).data}
        )


class ResendView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=None, responses={202: DeliverySerializer})
    def post(self, request, endpoint_id, delivery_id):
        services.resend_one(endpoint_id=endpoint_id, delivery_id=delivery_id)
        delivery = queries.deliveries_of(endpoint_id).get(pk=delivery_id)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


ID = r"(?P<endpoint_id>\d+)"
urlpatterns = [
    re_path(r"^staff/webhooks/?$", EndpointsView.as_view(), name="staff-webhooks"),
    re_path(rf"^staff/webhooks/{ID}/?$", EndpointView.as_view(), name="staff-webhook"),
    re_path(
        rf"^staff/webhooks/{ID}/deliveries/?$",
        DeliveriesView.as_view(),
        name="staff-webhook-deliveries",
    ),
    re_path(
        rf"^staff/webhooks/{ID}/deliveries/(?P<delivery_id>\d+)/resend/?$",
        ResendView.as_view(),
        name="staff-webhook-resend",
    ),
]

"""Staff reports: sales, top products and stock health (API.md, "Staff reports")."""

from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import queries
from reports.serializers import (
    SalesParams,
    SalesSerializer,
    StockReportSerializer,
    TopProductSerializer,
    TopProductsParams,
)


def _params(serializer_class, request) -> dict:
    params = serializer_class(data=request.query_params)
    if not params.is_valid():
        raise ValidationError(params.errors)
    return params.validated_data


class SalesReportView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(parameters=[SalesParams], responses=SalesSerializer)
    def get(self, request):
        params = _params(SalesParams, request)
        report = queries.sales(dates=params["dates"], interval=params["interval"])
        return Response(SalesSerializer(report).data)


class TopProductsReportView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(parameters=[TopProductsParams], responses=TopProductSerializer(many=True))
    def get(self, request):
        params = _params(TopProductsParams, request)
        found = queries.top_products(dates=params["dates"], limit=params["limit"])
        return Response(TopProductSerializer(found, many=True).data)


class StockReportView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(responses=StockReportSerializer)
    def get(self, request):
        return Response(StockReportSerializer(queries.stock_health()).data)


urlpatterns = [
    re_path(r"^staff/reports/sales/?$", SalesReportView.as_view(), name="staff-report-sales"),
    re_path(
        r"^staff/reports/top-products/?$",
        TopProductsReportView.as_view(),
        name="staff-report-top-products",
    ),
    re_path(r"^staff/reports/stock/?$", StockReportView.as_view(), name="staff-report-stock"),
]

"""Views that fail on purpose, mounted under /api/ by tests of the error envelope."""

from django.urls import include, path
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from core.errors import APIError


class WidgetSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=10)
    quantity = serializers.IntegerField(min_value=1, max_value=99)


class OutOfWidgets(APIError):
    status_code = 409
    default_code = "insufficient_stock"
    default_detail = "Not enough widgets."


@api_view(["POST"])
def create_widget(request):
    serializer = WidgetSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response(serializer.data, status=201)


@api_view(["GET"])
def widget_detail(request, pk: int):
    return Response({"id": pk})


@api_view(["GET"])
def broken_api_view(request):
    raise RuntimeError("secret internals: password=hunter2")


@api_view(["GET"])
def scarce_widget(request):
    raise OutOfWidgets("Only 3 left of Widget.", available=3)


def broken_plain_view(request):
    raise RuntimeError("secret internals of a plain view")


def broken_page(request):
    raise RuntimeError("secret internals of a page")


test_api_patterns = [
    path("widgets", create_widget),
    path("widgets/<int:pk>", widget_detail),
    path("broken", broken_api_view),
    path("broken-plain", broken_plain_view),
    path("scarce", scarce_widget),
]

urlpatterns = [
    path("api/test/", include(test_api_patterns)),
    path("broken-page", broken_page),
    path("", include("config.urls")),
]
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

"""The user's mail choices: GET, PUT (or PATCH) /api/users/notifications."""

from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.web import validated
from mail import services
from mail.serializers import PreferencesSerializer


class PreferencesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(PreferencesSerializer(services.preferences_of(request.user.pk)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        # Fields left out keep their value: a client may send only the one it changes.
        choices = validated(PreferencesSerializer, request)
        preferences = services.set_preferences(user=request.user, **choices)
        return Response(PreferencesSerializer(preferences).data)

    patch = put


urlpatterns = [
    re_path(r"^users/notifications/?$", PreferencesView.as_view(), name="user-notifications"),
]

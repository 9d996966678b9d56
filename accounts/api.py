"""Auth and users API: thin views over accounts.services and accounts.tokens."""

from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services, tokens
from accounts.models import Address, PaymentMethod
from accounts.serializers import (
    AddressSerializer,
    DetailSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetRequestSerializer,
    PaymentMethodCreateSerializer,
    PaymentMethodSerializer,
    ProfileSerializer,
    RefreshSerializer,
    SigninResponseSerializer,
    SigninSerializer,
    SignupResponseSerializer,
    SignupSerializer,
    TokenPairSerializer,
    UserSerializer,
)
from core.ratelimit import client_ip
from core.web import validated


class PublicAuthView(APIView):
    """No session authentication here: these take credentials in the body, not cookies."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class SignupView(PublicAuthView):
    @extend_schema(request=SignupSerializer, responses={201: SignupResponseSerializer})
    def post(self, request):
        user = services.register_user(**validated(SignupSerializer, request))
        body = {"user": UserSerializer(user).data, **tokens.issue_token_pair(user)}
        return Response(body, status=status.HTTP_201_CREATED)


# An email or a username: more than a serializer's schema can say.
SIGNIN_REQUEST = {
    "application/json": {
        "type": "object",
        "required": ["password"],
        "properties": {
            "email": {"type": "string", "maxLength": 254},
            "username": {"type": "string", "maxLength": 150},
            "password": {"type": "string", "minLength": 1, "maxLength": 128, "writeOnly": True},
        },
        "anyOf": [
            {"required": ["email"], "properties": {"email": {"minLength": 1}}},
            {"required": ["username"], "properties": {"username": {"minLength": 1}}},
        ],
    }
}


class SigninView(PublicAuthView):
    @extend_schema(request=SIGNIN_REQUEST, responses={200: SigninResponseSerializer})
    def post(self, request):
        data = validated(SigninSerializer, request)
        user = services.sign_in(
            login=data["login"],
            password=data["password"],
            client_ip=client_ip(request),
            request=request,
        )
        return Response(
            {
                **tokens.issue_token_pair(user),
                "token_type": "bearer",
                "expires_in": tokens.access_lifetime_seconds(),
                "user": UserSerializer(user).data,
            }
        )


class RefreshView(PublicAuthView):
    @extend_schema(request=RefreshSerializer, responses={200: TokenPairSerializer})
    def post(self, request):
        raw = validated(RefreshSerializer, request)["refresh"]
        return Response(tokens.rotate_refresh_token(raw_refresh=raw))


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RefreshSerializer, responses={204: None})
    def post(self, request):
        raw = validated(RefreshSerializer, request)["refresh"]
        access_payload = getattr(request.auth, "payload", None)  # None under session auth
        tokens.log_out(user=request.user, raw_refresh=raw, access_payload=access_payload)
        return Response(status=status.HTTP_204_NO_CONTENT)


RESET_REQUESTED = (
    "If an account has this address, a link to reset its password is on its way. "
    "It works once, within an hour."
)


class PasswordResetView(PublicAuthView):
    @extend_schema(request=PasswordResetRequestSerializer, responses={202: DetailSerializer})
    def post(self, request):
        email = validated(PasswordResetRequestSerializer, request)["email"]
        services.request_password_reset(email=email, client_ip=client_ip(request))
        return Response({"detail": RESET_REQUESTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAuthView):
    @extend_schema(request=PasswordResetConfirmSerializer, responses={200: DetailSerializer})
    def post(self, request):
        data = validated(PasswordResetConfirmSerializer, request)
        services.reset_password(
            uidb64=data["uid"], token=data["token"], new_password=data["new_password"]
        )
        return Response({"detail": "Your password has been reset. Sign in with it."})


class ChangePasswordView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PasswordChangeSerializer, responses={200: TokenPairSerializer})
    def post(self, request):
        data = validated(PasswordChangeSerializer, request)
        user = services.change_password(user=request.user, client_ip=client_ip(request), **data)
        # Every token this client held is refused now too: it carries on with a new pair.
        return Response(tokens.issue_token_pair(user))


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(UserSerializer(request.user).data)


class ProfileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=ProfileSerializer, responses=UserSerializer)
    def put(self, request):
        data = validated(ProfileSerializer, request)
        user = services.update_profile(user=request.user, **data)
        return Response(UserSerializer(user).data)

    @extend_schema(request=ProfileSerializer, responses=UserSerializer)
    def patch(self, request):
        serializer = ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        current = {"full_name": request.user.full_name, "phone": request.user.phone}
        user = services.update_profile(
            user=request.user, **{**current, **serializer.validated_data}
        )
        return Response(UserSerializer(user).data)


class OwnedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own rows; anyone else's id is a 404."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"
    pagination_class = None

    def get_queryset(self):
        return self.queryset.owned_by(self.request.user)

    def destroy(self, request, pk):
        services.delete_saved(user=request.user, model=self.queryset.model, pk=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="default")
    def make_default(self, request, pk):
        item = services.make_default(user=request.user, model=self.queryset.model, pk=pk)
        return Response(self.get_serializer(item).data)


class AddressViewSet(OwnedViewSet):
    queryset = Address.objects.all()
    serializer_class = AddressSerializer

    def create(self, request):
        address = services.add_address(user=request.user, **validated(AddressSerializer, request))
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)


class PaymentMethodViewSet(OwnedViewSet):
    queryset = PaymentMethod.objects.all()
    serializer_class = PaymentMethodSerializer

    @extend_schema(request=PaymentMethodCreateSerializer, responses={201: PaymentMethodSerializer})
    def create(self, request):
        data = validated(PaymentMethodCreateSerializer, request)
        method = services.add_payment_method(user=request.user, **data)
        return Response(PaymentMethodSerializer(method).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("users/addresses", AddressViewSet, basename="address")
    router.register("users/payment-methods", PaymentMethodViewSet, basename="payment-method")


urlpatterns = [
    re_path(r"^auth/signup/?$", SignupView.as_view(), name="auth-signup"),
    re_path(r"^auth/signin/?$", SigninView.as_view(), name="auth-signin"),
    re_path(r"^auth/refresh/?$", RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", LogoutView.as_view(), name="auth-logout"),
    re_path(r"^auth/me/?$", MeView.as_view(), name="auth-me"),
    re_path(r"^auth/password-reset/?$", PasswordResetView.as_view(), name="auth-password-reset"),
    re_path(
        r"^auth/password-reset/confirm/?$",
        PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    re_path(r"^auth/change-password/?$", ChangePasswordView.as_view(), name="auth-change-password"),
    re_path(r"^users/profile/?$", ProfileView.as_view(), name="user-profile"),
]

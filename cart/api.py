"""Cart API, with the coupon and points put on a cart: thin views over cart.services."""

from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cart import services
from cart.models import MAX_QUANTITY, Cart
from cart.serializers import (
    AddItemSerializer,
    CartSerializer,
    CheckoutSerializer,
    QuantitySerializer,
    TotalsSerializer,
)
from core.throttling import ScopedWindowThrottle
from core.web import validated
from loyalty.serializers import CodeSerializer, PointsSerializer


def current_cart(request, *, create: bool = True) -> Cart:
    """The caller's cart; reads don't make one (an empty, unsaved cart stands in)."""
    cart = services.cart_for(user=request.user, session=request.session, create=create)
    return cart if cart is not None else Cart()


def cart_response(request, *, cart: Cart | None = None, status_code: int = 200) -> Response:
    """The priced cart; ``cart``: the one the request has just changed (saves looking it up again)."""
    priced = services.priced_cart(cart or current_cart(request, create=False), user=request.user)
    return Response(CartSerializer(priced).data, status=status_code)


class CartAPIView(APIView):
    """Signed in (JWT or session) or not: a visitor's cart lives in their session."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedWindowThrottle]
    throttle_scope = "cart"


class CartView(CartAPIView):
    @extend_schema(responses=CartSerializer)
    def get(self, request):
        return cart_response(request)


class CartItemsView(CartAPIView):
    @extend_schema(request=AddItemSerializer, responses={201: CartSerializer})
    def post(self, request):
        cart = current_cart(request)
        services.add_item(cart=cart, **validated(AddItemSerializer, request))
        return cart_response(request, cart=cart, status_code=status.HTTP_201_CREATED)


class CartItemView(CartAPIView):
    @extend_schema(request=QuantitySerializer, responses=CartSerializer)
    def put(self, request, item_id: int):
        quantity = validated(QuantitySerializer, request)["quantity"]
        cart = current_cart(request)
        services.set_quantity(cart=cart, item_id=int(item_id), quantity=quantity)
        return cart_response(request, cart=cart)

    # PATCH takes the same whole body as PUT: not a partial update, whatever the generator assumes.
    @extend_schema(
        request={
            "application/json": {
                "type": "object",
                "required": ["quantity"],
                "properties": {
                    "quantity": {"type": "integer", "minimum": 0, "maximum": MAX_QUANTITY}
                },
            }
        },
        responses=CartSerializer,
    )
    def patch(self, request, item_id: int):
        return self.put(request, item_id)

    @extend_schema(responses={200: CartSerializer})
    def delete(self, request, item_id: int):
        cart = current_cart(request)
        services.remove_item(cart=cart, item_id=int(item_id))
        return cart_response(request, cart=cart)


class CartTotalView(CartAPIView):
    @extend_schema(responses=TotalsSerializer)
    def get(self, request):
        priced = services.priced_cart(
            current_cart(request, create=False), user=request.user, with_images=False
        )
        return Response(priced.totals.as_dict())


class CheckoutView(CartAPIView):
    @extend_schema(request=None, responses={201: CheckoutSerializer})
    def post(self, request):
        checkout = services.start_checkout(cart=current_cart(request), user=request.user)
        return Response(CheckoutSerializer(checkout).data, status=status.HTTP_201_CREATED)


def totals_response(request) -> Response:
    priced = services.priced_cart(current_cart(request), user=request.user, with_images=False)
    return Response(priced.totals.as_dict())


class ApplyCouponView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedWindowThrottle]
    throttle_scope = "cart"

    @extend_schema(request=CodeSerializer, responses=TotalsSerializer)
    def post(self, request):
        code = validated(CodeSerializer, request)["code"]
        services.apply_coupon(cart=current_cart(request), user=request.user, code=code)
        return totals_response(request)

    @extend_schema(request=None, responses={200: TotalsSerializer})
    def delete(self, request):
        services.remove_coupon(cart=current_cart(request))
        return totals_response(request)


class RedeemPointsView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedWindowThrottle]
    throttle_scope = "cart"

    @extend_schema(request=PointsSerializer, responses=TotalsSerializer)
    def post(self, request):
        points = validated(PointsSerializer, request)["points"]
        services.redeem_points(cart=current_cart(request), user=request.user, points=points)
        return totals_response(request)

    @extend_schema(request=None, responses={200: TotalsSerializer})
    def delete(self, request):
        services.redeem_points(cart=current_cart(request), user=request.user, points=0)
        return totals_response(request)


urlpatterns = [
    re_path(r"^cart/?$", CartView.as_view(), name="cart"),
    re_path(r"^cart/items/?$", CartItemsView.as_view(), name="cart-items"),
    re_path(r"^cart/items/(?P<item_id>\d+)/?$", CartItemView.as_view(), name="cart-item"),
    re_path(r"^cart/total/?$", CartTotalView.as_view(), name="cart-total"),
    re_path(r"^cart/checkout/?$", CheckoutView.as_view(), name="cart-checkout"),
    re_path(r"^loyalty/apply-coupon/?$", ApplyCouponView.as_view(), name="loyalty-apply-coupon"),
    re_path(r"^loyalty/redeem-points/?$", RedeemPointsView.as_view(), name="loyalty-redeem-points"),
]

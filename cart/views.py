"""The cart page and its forms. Thin: cart.services does the work and the pricing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from cart import services
from cart.models import Cart
from core.web import attempt
from loyalty.services import usable_coupons


def _cart(request, *, create: bool = True) -> Cart:
    cart = services.cart_for(user=request.user, session=request.session, create=create)
    return cart if cart is not None else Cart()


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _back(request, default: str = "/cart/"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


@require_safe
def cart_page(request):
    priced = services.priced_cart(_cart(request, create=False), user=request.user)
    coupons = usable_coupons(request.user) if request.user.is_authenticated else []
    return render(request, "cart/cart.html", {"priced": priced, "coupons": coupons})


@require_POST
def add(request):
    added = attempt(
        request,
        lambda: services.add_item(
            cart=_cart(request),
            product_id=_int(request.POST.get("product_id")),
            quantity=_int(request.POST.get("quantity"), 1),
            color=request.POST.get("color", ""),
            size=request.POST.get("size", ""),
        ),
        "Added to your cart.",
    )
    return redirect("cart:cart") if added else _back(request)


@require_POST
def update(request, item_id: int):
    quantity = _int(request.POST.get("quantity"), -1)
    attempt(
        request,
        lambda: services.set_quantity(cart=_cart(request), item_id=item_id, quantity=quantity),
        "Cart updated." if quantity else "Removed from your cart.",
    )
    return redirect("cart:cart")


@require_POST
def remove(request, item_id: int):
    attempt(
        request,
        lambda: services.remove_item(cart=_cart(request), item_id=item_id),
        "Removed from your cart.",
    )
    return redirect("cart:cart")


@require_POST
def coupon(request):
    if request.POST.get("remove"):
        attempt(request, lambda: services.remove_coupon(cart=_cart(request)), "Coupon removed.")
    else:
        code = request.POST.get("code", "")
        attempt(
            request,
            lambda: services.apply_coupon(cart=_cart(request), user=request.user, code=code),
            f"Coupon {code.strip().upper()} applied.",
        )
    return redirect("cart:cart")


@require_POST
def points(request):
    chosen = _int(request.POST.get("points"), -1)
    if chosen < 0:
        messages.error(request, "Enter a number of points, in hundreds.")
    else:
        attempt(
            request,
            lambda: services.redeem_points(cart=_cart(request), user=request.user, points=chosen),
            "Points updated.",
        )
    return redirect("cart:cart")

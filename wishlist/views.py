"""The Saved page, and the forms behind the heart and "Notify me" buttons for browsers without
scripts (wishlist.js uses the API instead). Thin: wishlist.services does the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.web import attempt
from wishlist import queries, services


def _back(request, default: str = "wishlist:saved"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def _id(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None


@login_required
def saved(request):
    return render(request, "wishlist/saved.html", {"saved": queries.saved_products(request.user)})


@login_required
@require_POST
def add(request):
    product_id = _id(request.POST.get("product_id"))
    if product_id is None:
        messages.error(request, "Choose a product to save.")
    else:
        attempt(
            request,
            lambda: services.save_product(
                user=request.user,
                product_id=product_id,
                variant_id=_id(request.POST.get("variant_id")),
            ),
            "Saved. Find it under Saved in your account.",
        )
    return _back(request)


@login_required
@require_POST
def remove(request, item_id: int):
    attempt(
        request,
        lambda: services.remove_item(user=request.user, item_id=item_id),
        "Removed from your saved products.",
    )
    return _back(request)


@login_required
@require_POST
def notify_me(request):
    product_id = _id(request.POST.get("product_id"))
    if product_id is None:
        messages.error(request, "Choose a product.")
    else:
        attempt(
            request,
            lambda: services.request_notification(
                user=request.user,
                product_id=product_id,
                variant_id=_id(request.POST.get("variant_id")),
            ),
            "We'll e-mail you once when it's back in stock.",
        )
    return _back(request, "/")

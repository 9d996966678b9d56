"""Storefront checkout and order pages. Thin: orders.placing places, orders.fulfilment cancels
and orders.returns takes returns."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.forms import CheckoutAddressForm, CheckoutCardForm
from accounts.models import Address, PaymentMethod
from cart import services as cart_services
from core.errors import APIError
from core.web import attempt, submit_form
from orders import fulfilment, placing, queries, returns
from orders.errors import OrderNotFound
from orders.models import Order


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


NEW = "new"  # the choice that goes with the new address / new card fields


def _saved_choice(request, *, field: str, form, save) -> int:
    """The id the shopper picked for ``field``; for "new", the id of what the form saved
    (0 when it has errors, which stay on the form)."""
    if request.POST.get(field) != NEW:
        return _int(request.POST.get(field))
    saved = submit_form(form, lambda **data: save(user=request.user, **data))
    return saved.pk if saved else 0


@login_required
def checkout(request):
    cart = cart_services.cart_for(user=request.user)
    posted = request.POST if request.method == "POST" else {}
    # Only the "new" forms the shopper chose are bound, and so validated.
    address_form = CheckoutAddressForm(
        posted.get("address_id") == NEW and posted or None, prefix="address"
    )
    card_form = CheckoutCardForm(
        posted.get("payment_method_id") == NEW and posted or None, prefix="card"
    )
    address_id = payment_method_id = 0
    error, status = None, 200
    if request.method == "POST":
        address_id = _saved_choice(
            request, field="address_id", form=address_form, save=account_services.add_address
        )
        payment_method_id = _saved_choice(
            request,
            field="payment_method_id",
            form=card_form,
            save=lambda **card: account_services.add_payment_method(
                type=PaymentMethod.Type.CARD, **card
            ),
        )
        if address_form.errors or card_form.errors:
            error, status = "Please check the details below.", 400
        else:
            try:
                placed = placing.place_order(
                    user=request.user,
                    address_id=address_id,
                    payment_method_id=payment_method_id,
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except APIError as exc:
                error, status = str(exc.detail), exc.status_code
            else:
                messages.success(request, f"Thank you! Order {placed.order.number} is confirmed.")
                return redirect("orders:detail", order_id=placed.order.pk)
    priced = cart_services.priced_cart(cart, user=request.user)
    if not priced.lines:
        return redirect("cart:cart")
    return render(
        request,
        "orders/checkout.html",
        {
            "priced": priced,
            "addresses": Address.objects.owned_by(request.user),
            "payment_methods": PaymentMethod.objects.owned_by(request.user),
            # What was saved stays saved and chosen; a form with errors keeps "new" chosen.
            "chosen_address": address_id or (NEW if address_form.errors else 0),
            "chosen_method": payment_method_id or (NEW if card_form.errors else 0),
            "address_form": address_form
            if address_form.errors
            else CheckoutAddressForm(prefix="address"),
            "card_form": card_form if card_form.errors else CheckoutCardForm(prefix="card"),
            # A fresh key per attempt: a double click can't order twice, a retry after a decline can.
            "idempotency_key": uuid.uuid4().hex,
            "error": error,
        },
        status=status,
    )


@login_required
def history(request):
    orders = Order.objects.filter(user=request.user).prefetch_related("items")[:50]
    return render(request, "orders/history.html", {"orders": orders})


@login_required
def detail(request, order_id: int):
    try:
        order = queries.order_of(request.user, order_id)
    except OrderNotFound:
        return render(request, "404.html", status=404)
    returnable = returns.why_not_returnable(order) is None
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "cancellable": order.status in fulfilment.CANCELLABLE,
            "returnable": returnable,
        },
    )


@login_required
@require_POST
def cancel(request, order_id: int):
    attempt(
        request,
        lambda: fulfilment.cancel(user=request.user, order_id=order_id),
        "Your order is cancelled and refunded.",
    )
    return redirect("orders:detail", order_id=order_id)


@login_required
@require_POST
def request_return(request, order_id: int):
    items = [
        {"order_item_id": _int(key.removeprefix("qty-")), "quantity": _int(value)}
        for key, value in request.POST.items()
        if key.startswith("qty-") and _int(value) > 0
    ]
    reason = request.POST.get("reason", "").strip()
    if not items or not reason:
        messages.error(request, "Choose what to return and tell us why.")
    else:
        attempt(
            request,
            lambda: returns.request_return(
                user=request.user, order_id=order_id, reason=reason, items=items
            ),
            "Return requested. We'll email you a label.",
        )
    return redirect("orders:detail", order_id=order_id)

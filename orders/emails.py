"""The orders' mail: confirmation (always sent), then shipped, delivered, cancelled and the
steps of a return (sent unless the user turned order updates off). Each is about its order,
so staff see them on its admin page, and names the order's number in its subject."""

from django.urls import reverse

from accounts.emails import site_link
from mail import services as mail
from mail.events import mail_event
from orders.models import Order, Return

ORDER_UPDATES = "order_updates"


def queue(event: str, order: Order, *, once=None, **data) -> None:
    """Queue ``event``'s mail about ``order`` in the caller's transaction."""
    mail.queue(event=event, user=order.user_id, about=order, once=once, data=data)


def _order_context(email) -> dict:
    order = Order.objects.prefetch_related("items").get(pk=email.object_id)
    return {
        "order": order,
        "items": list(order.items.all()),
        "order_url": site_link(reverse("orders:detail", args=[order.pk])),
        "preferences_url": site_link(reverse("accounts:account") + "#mail"),
        "number": order.number or f"#{order.pk}",
        **email.data,
    }


def _return_context(email) -> dict:
    context = _order_context(email)
    context["return_request"] = (
        Return.objects.prefetch_related("items__order_item")
        .filter(pk=email.data["return_id"])
        .first()
    )
    return context


@mail_event(
    "order_confirmation",
    template="orders/mail/confirmation",
    subject="Order {number} confirmed",
)
def confirmation(email) -> dict:
    return _order_context(email)


@mail_event(
    "order_shipped",
    template="orders/mail/shipped",
    subject="Order {number} has shipped",
    category=ORDER_UPDATES,
)
def shipped(email) -> dict:
    return _order_context(email)


@mail_event(
    "order_delivered",
    template="orders/mail/delivered",
    subject="Order {number} was delivered",
    category=ORDER_UPDATES,
)
def delivered(email) -> dict:
    return _order_context(email)


@mail_event(
    "order_cancelled",
    template="orders/mail/cancelled",
    subject="Order {number} is cancelled and refunded",
    category=ORDER_UPDATES,
)
def cancelled(email) -> dict:
    return _order_context(email)


@mail_event(
    "return_approved",
    template="orders/mail/return_approved",
    subject="Your return for order {number} is approved",
    category=ORDER_UPDATES,
)
def return_approved(email) -> dict:
    return _return_context(email)


@mail_event(
    "return_rejected",
    template="orders/mail/return_rejected",
    subject="Your return for order {number} was not accepted",
    category=ORDER_UPDATES,
)
def return_rejected(email) -> dict:
    return _return_context(email)


@mail_event(
    "return_refunded",
    template="orders/mail/return_refunded",
    subject="Your refund for order {number}",
    category=ORDER_UPDATES,
)
def return_refunded(email) -> dict:
    return _return_context(email)

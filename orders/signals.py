"""What an order's life tells the apps above orders (webhooks), sent inside the transaction of
the change: a receiver's own rows (an outbox) commit with the change or roll back with it, so
a failed change tells nobody. Orders tell from the moment they are paid; an order that never
was (declined, abandoned) sends nothing."""

from django.dispatch import Signal

# sender=Order; order (as saved), previous (its status before).
order_status_changed = Signal()

# sender=Return; return_request (refunded), order (with refunded_total as saved).
return_refunded = Signal()

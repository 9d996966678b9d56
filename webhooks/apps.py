from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from catalog.models import Product
        from catalog.stock import stock_changed
        from orders.signals import order_status_changed, return_refunded
        from webhooks import emails, sources  # noqa: F401 - emails registers the staff's mail
        from webhooks.models import Endpoint
        from webhooks.services import forget_subscriptions

        order_status_changed.connect(sources.on_order_status_changed, dispatch_uid="webhooks-order")
        return_refunded.connect(sources.on_return_refunded, dispatch_uid="webhooks-return")
        stock_changed.connect(sources.on_stock_changed, dispatch_uid="webhooks-stock")
        post_save.connect(sources.on_product_saved, sender=Product, dispatch_uid="webhooks-product")
        post_save.connect(forget_subscriptions, sender=Endpoint, dispatch_uid="webhooks-saved")
        post_delete.connect(forget_subscriptions, sender=Endpoint, dispatch_uid="webhooks-deleted")

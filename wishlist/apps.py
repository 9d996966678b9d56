from django.apps import AppConfig


class WishlistConfig(AppConfig):
    name = "wishlist"
    verbose_name = "Wishlist"

    def ready(self):
        from catalog.stock import stock_changed
        from wishlist import emails  # noqa: F401 - registers the back-in-stock mail event
        from wishlist.services import on_stock_changed

        stock_changed.connect(on_stock_changed, dispatch_uid="wishlist-back-in-stock")

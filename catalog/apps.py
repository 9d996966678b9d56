from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from catalog.broadcast import broadcast_stock_change
        from catalog.search import prepare_connection
        from catalog.stock import stock_changed

        connection_created.connect(prepare_connection, dispatch_uid="catalog-sqlite-functions")
        stock_changed.connect(broadcast_stock_change, dispatch_uid="catalog-broadcast-stock")

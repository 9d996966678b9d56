from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from catalog import photos, response_cache
        from catalog.broadcast import broadcast_stock_change
        from catalog.models import (
            Brand,
            Category,
            Product,
            ProductImage,
            ProductVariant,
            StockLocation,
        )
        from catalog.queries import forget_categories_and_brands
        from catalog.search import prepare_connection
        from catalog.stock import stock_changed

        response_cache.declare_cached_api()
        connection_created.connect(prepare_connection, dispatch_uid="catalog-sqlite-functions")
        stock_changed.connect(broadcast_stock_change, dispatch_uid="catalog-broadcast-stock")
        stock_changed.connect(
            response_cache.forget_on_stock_change, dispatch_uid="catalog-cache-stock"
        )
        for model in (Product, ProductVariant, ProductImage, Category, Brand, StockLocation):
            for signal in (post_save, post_delete):
                signal.connect(
                    response_cache.forget_on_edit,
                    sender=model,
                    dispatch_uid=f"catalog-cache-{model.__name__}",
                )
        post_delete.connect(
            photos.forget_files, sender=ProductImage, dispatch_uid="catalog-photo-files"
        )
        for model in (Category, Brand):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_categories_and_brands,
                    sender=model,
                    dispatch_uid=f"catalog-facets-{model.__name__}",
                )

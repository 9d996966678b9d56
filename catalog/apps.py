from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from catalog.search import prepare_connection

        connection_created.connect(prepare_connection, dispatch_uid="catalog-sqlite-functions")

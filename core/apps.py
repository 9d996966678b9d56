from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shop core"

    def ready(self):
        # Each app's periodic jobs register themselves when its tasks module is imported.
        autodiscover_modules("tasks")
        from celery.signals import task_postrun

        from core import metrics

        task_postrun.connect(metrics.count_task, weak=False, dispatch_uid="core.metrics.count_task")


class ShopAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the shop's site (its jobs page)."""

    default = False
    default_site = "core.admin.ShopAdminSite"

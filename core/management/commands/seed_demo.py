from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Load the demo data and print the demo logins. Deterministic. Each app with a "
        "demo.load_demo loads its own part, in INSTALLED_APPS order."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=500, help="How many products (default 500)."
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load into a database with no products yet.",
        )

    def handle(self, *args, products: int, seed: int, if_empty: bool, **options):
        for load_demo in demo_loaders():
            for line in load_demo(products=products, seed=seed, if_empty=if_empty):
                self.stdout.write(line)


def demo_loaders() -> list:
    """Each installed app's ``demo.load_demo``, in INSTALLED_APPS order."""
    loaders = []
    for config in apps.get_app_configs():
        try:
            loaders.append(import_string(f"{config.name}.demo.load_demo"))
        except ImportError:
            continue
    return loaders

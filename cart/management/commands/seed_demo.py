import time

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_LOGINS, create_demo_users
from catalog.demo import seed_catalog
from catalog.models import Product
from loyalty.demo import seed_loyalty


class Command(BaseCommand):
    help = "Load the demo data (users and catalog) and print the demo logins. Deterministic."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=500, help="How many products (default 500).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Only load into a database with no products yet."
        )

    def handle(self, *args, products: int, seed: int, if_empty: bool, **options):
        create_demo_users()
        seed_loyalty()
        existing = Product.objects.count()
        if existing and if_empty:
            self.stdout.write(f"The catalog already has {existing} products; none added.")
        elif existing:
            self.stderr.write(
                f"The catalog already has {existing} products. Use a fresh database to reseed."
            )
        else:
            started = time.perf_counter()
            made = seed_catalog(products=products, seed=seed)
            self.stdout.write(
                self.style.SUCCESS(f"Demo catalog: {made} products in {time.perf_counter() - started:.1f} s.")
            )
        self.stdout.write("\nDemo logins (email / password):")
        for login in DEMO_LOGINS:
            role = "staff, /admin/" if login.is_staff else "shopper"
            self.stdout.write(f"  {login.email:<20} {login.password:<18} ({role})")

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_LOGINS, create_demo_users
from accounts.models import User


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load when the database has no users yet.",
        )

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("Database already has data; demo data not loaded.")
        else:
            create_demo_users()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("\nDemo logins (email / password):")
        for login in DEMO_LOGINS:
            role = "staff, /admin/" if login.is_staff else "shopper"
            self.stdout.write(f"  {login.email:<20} {login.password:<18} ({role})")

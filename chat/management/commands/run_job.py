import json

from django.core.management.base import BaseCommand

from config.jobs import JOBS, run_now


class Command(BaseCommand):
    help = "Run one of the periodic jobs now, without a worker."

    def add_arguments(self, parser):
        parser.add_argument("job", choices=sorted(JOBS))

    def handle(self, *args, job: str, **options):
        result = run_now(job)
        self.stdout.write(self.style.SUCCESS(f"{job}: {json.dumps(result, default=str)}"))

import json

from django.core.management.base import BaseCommand

from core import jobs


class Command(BaseCommand):
    help = "Run one of the periodic jobs now, without a worker."

    def add_arguments(self, parser):
        parser.add_argument("job", choices=[job.name for job in jobs.all_jobs()])

    def handle(self, *args, job: str, **options):
        result = jobs.run_now(job)
        self.stdout.write(self.style.SUCCESS(f"{job}: {json.dumps(result, default=str)}"))

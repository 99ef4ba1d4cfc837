from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sillage.accounts.ticking import registered_jobs


class Command(BaseCommand):
    help = (
        "Run every periodic job once (reminders, SLA checks, rollups, purges). Idempotent: "
        "run it every minute from cron or systemd, from one or several machines."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", help="Run only the jobs whose name contains this text.")
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")

    def handle(self, *args, **options):
        jobs = registered_jobs()
        if options["only"]:
            jobs = {name: job for name, job in jobs.items() if options["only"] in name}
            if not jobs:
                raise CommandError(f"No job matches {options['only']!r}.")
        if options["list"]:
            for name in jobs:
                self.stdout.write(name)
            return
        now = timezone.now()
        for name, job in jobs.items():
            done = job(now)
            if options["verbosity"] >= 2 or (done and options["verbosity"] >= 1):
                self.stdout.write(f"{name}: {done}")

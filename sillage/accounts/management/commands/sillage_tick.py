import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from sillage.accounts.ticking import registered_jobs


class Command(BaseCommand):
    help = (
        "Run every periodic job once (reminders, SLA checks, rollups, text analysis backlog, "
        "purges). Idempotent: run it every minute from cron or systemd, from one or several "
        "machines; or keep it running with --every (what `make run` does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", help="Run only the jobs whose name contains this text.")
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")
        parser.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="Keep running: start a new round this many seconds after the previous one "
            "began (Ctrl-C stops). A failing job is reported and the next round goes on.",
        )

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
        every = options["every"]
        if every is None:
            self._round(jobs, options["verbosity"])
            return
        if every <= 0:
            raise CommandError("--every must be a positive number of seconds.")
        try:
            while True:
                started = time.monotonic()
                try:
                    self._round(jobs, options["verbosity"])
                except Exception as error:  # noqa: BLE001 - a loop must outlive one bad round
                    self.stderr.write(f"tick failed: {error!r}")
                finally:
                    close_old_connections()
                time.sleep(max(0.0, every - (time.monotonic() - started)))
        except KeyboardInterrupt:
            return

    def _round(self, jobs, verbosity: int) -> None:
        now = timezone.now()
        for name, job in jobs.items():
            done = job(now)
            if verbosity >= 2 or (done and verbosity >= 1):
                self.stdout.write(f"{name}: {done}")

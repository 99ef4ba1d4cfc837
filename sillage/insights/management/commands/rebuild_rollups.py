"""`python manage.py rebuild_rollups [--org SLUG] [--since YYYY-MM-DD]`"""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max

from sillage.accounts.models import Organization
from sillage.feedback.models import Response
from sillage.insights.models import RollupCursor
from sillage.insights.rollups import CURSOR_NAME
from sillage.insights.services import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the insights rollups and the verbatim search index from the responses: "
        "exact and idempotent, one local day at a time (dashboards keep working meanwhile)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="Only this organisation (its short name).")
        parser.add_argument(
            "--since", help="Only from this local day onwards (YYYY-MM-DD); earlier days stay."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be rebuilt, change nothing."
        )

    def handle(self, *args: object, **options: object) -> None:
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(str(options["since"]))
            except ValueError:
                raise CommandError("--since must be a date such as 2025-01-31.") from None
        organizations = Organization.objects.order_by("slug")
        if options["org"]:
            organizations = organizations.filter(slug=options["org"])
            if not organizations.exists():
                raise CommandError(f"No organisation named {options['org']!r}.")
        verbosity = int(options["verbosity"])  # type: ignore[call-overload]
        if options["dry_run"]:
            for organization in organizations:
                count = Response.objects.filter(organization=organization).count()
                self.stdout.write(f"{organization.slug}: {count} responses would be summed")
            return
        # Everything up to here is rebuilt below; the periodic job takes over from there.
        last_id = Response.objects.aggregate(last=Max("pk"))["last"] or 0
        log = self.stdout.write if verbosity >= 2 else None
        for organization in organizations:
            started = time.perf_counter()
            result = rollups_rebuild(organization=organization, since=since, log=log)
            if verbosity >= 1:
                self.stdout.write(
                    f"{organization.slug}: {result.days} days, {result.verbatims} comments "
                    f"indexed in {time.perf_counter() - started:.1f} s"
                )
        if not options["org"] and since is None:
            cursor, _created = RollupCursor.objects.get_or_create(name=CURSOR_NAME)
            RollupCursor.objects.filter(pk=cursor.pk, position__lt=last_id).update(position=last_id)

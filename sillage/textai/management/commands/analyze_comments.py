"""Backfill or re-run text analytics: `python manage.py analyze_comments [--org SLUG]
[--since DATE] [--engine NAME] [--all] [--dry-run]`."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date

from sillage.accounts.models import Organization


class Command(BaseCommand):
    help = (
        "Analyse the comments never analysed, or analysed by another engine or engine "
        "version than the organisation's (or --engine), newest first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="slug of one organisation (default: all)")
        parser.add_argument("--since", help="only responses submitted on or after YYYY-MM-DD")
        parser.add_argument("--engine", help="engine name (default: the organisation's)")
        parser.add_argument(
            "--all", action="store_true", help="re-analyse every comment, even up to date ones"
        )
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: object, **options: object) -> None:
        from sillage.textai import processing

        organizations = Organization.objects.order_by("slug")
        if options["org"]:
            organizations = organizations.filter(slug=options["org"])
            if not organizations.exists():
                raise CommandError(f"No organisation with the slug {options['org']!r}.")
        since = None
        if options["since"]:
            day = parse_date(str(options["since"]))
            if day is None:
                raise CommandError("--since must be a date such as 2025-01-31.")
            since = datetime.combine(day, time.min, tzinfo=UTC)
        name = options["engine"] or None
        if name and not processing.engine_usable(str(name)):
            raise CommandError(
                f"Unknown or unavailable engine {name!r}; known: "
                + ", ".join(processing.engine_names())
            )
        total = 0
        for organization in organizations:
            engine = processing.engine_for(organization, str(name) if name else None)
            qs = (
                processing.with_comment(organization)
                if options["all"]
                else processing.stale(organization, engine)
            )
            if since is not None:
                qs = qs.filter(submitted_at__gte=since)
            ids = list(qs.order_by("-submitted_at", "-id").values_list("pk", flat=True))
            if options["dry_run"]:
                done = len(ids)
            else:
                done = processing.analyse_responses(
                    organization=organization, response_ids=ids, engine=engine
                )
            total += done
            if int(options["verbosity"]) >= 1:
                verb = "would analyse" if options["dry_run"] else "analysed"
                self.stdout.write(
                    f"{organization.slug}: {verb} {done} comments with {engine.name} "
                    f"{engine.version}"
                )
        if int(options["verbosity"]) >= 1:
            self.stdout.write(self.style.SUCCESS(f"total: {total}"))

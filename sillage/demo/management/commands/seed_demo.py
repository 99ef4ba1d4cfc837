from django.core.management.base import BaseCommand, CommandError

from sillage.demo.generator import DemoError, DemoResult, generate_demo
from sillage.demo.names import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo organisations (Caisse Horizon, a Quebec credit union of about 600 "
        "people, and the small Assurances Boréale) and print the demo logins. Does nothing if "
        "they are already loaded; --reset deletes and rebuilds them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo organisations and their people, then build them again.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Build everything, report, then roll back: the database is left unchanged.",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def log(message: str) -> None:
            if verbosity >= 2:
                self.stdout.write("  " + message)

        try:
            result = generate_demo(reset=options["reset"], dry_run=options["dry_run"], log=log)
        except DemoError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            self._report(result)

    def _report(self, result: DemoResult) -> None:
        prefix = "[dry run, rolled back] " if result.dry_run else ""
        if result.deleted:
            self.stdout.write(f"{prefix}Deleted the previous demo ({result.deleted} rows).")
        if result.already_loaded:
            self.stdout.write(
                "Demo organisations already loaded: nothing to do (--reset rebuilds)."
            )
        else:
            summary = ", ".join(
                f"{slug}: {result.units[slug]} units, {result.memberships[slug]} memberships"
                for slug in result.created
            )
            self.stdout.write(
                self.style.SUCCESS(f"{prefix}Demo loaded in {result.seconds:.1f} s ({summary}).")
            )
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo logins (password: {DEMO_PASSWORD})"))
        header = ("Role", "Email", "Where")
        rows = [(row.label, row.email, row.where) for row in result.logins]
        widths = [max(len(cells[i]) for cells in [header, *rows]) for i in range(len(header))]
        rule = tuple("-" * width for width in widths)
        for cells in [header, rule, *rows]:
            self.stdout.write(
                "  "
                + "  ".join(
                    cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
                ).rstrip()
            )

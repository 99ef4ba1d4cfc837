from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogue_paths() -> list[Path]:
    """The project's catalogues, then each app's own (apps that keep a `locale/` folder)."""
    paths: list[Path] = []
    for locale_dir in settings.LOCALE_PATHS:
        paths += sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po"))
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("sillage."):
            paths += sorted(Path(app_config.path, "locale").glob("*/LC_MESSAGES/*.po"))
    return paths


class Command(BaseCommand):
    help = (
        "Compile the project's .po catalogues to .mo with pure Python, so that a fresh machine "
        "needs no GNU gettext."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail on untranslated entries.")

    def handle(self, *args, **options):
        count = 0
        for po_path in catalogue_paths():
            catalogue = polib.pofile(str(po_path))
            missing = [e.msgid for e in catalogue.untranslated_entries()]
            fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
            if options["check"] and (missing or fuzzy) and "/en/" not in str(po_path):
                raise CommandError(
                    f"{po_path}: {len(missing)} untranslated, {len(fuzzy)} fuzzy: "
                    + "; ".join((missing + fuzzy)[:5])
                )
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
            if options["verbosity"] >= 2:
                self.stdout.write(f"compiled {po_path}")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"{count} catalogue(s) compiled."))

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from sillage.accounts.models import Organization, Role, Unit
from sillage.accounts.services import api_token_create


class Command(BaseCommand):
    help = (
        "Manage API tokens. `api_token create --org SLUG --name NAME [--role ROLE] "
        "[--unit CODE]` prints a new token once; only its hash is stored."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it.")
        create.add_argument("--org", required=True, help="Organisation slug.")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument(
            "--role", default=Role.CX_LEAD, choices=Role.values, help="Default: cx_lead."
        )
        create.add_argument("--unit", help="Unit code (required for manager and employee).")
        create.add_argument("--dry-run", action="store_true", help="Validate, create nothing.")

    def handle(self, *args, **options):
        with translation.override("en"):  # an operator's command: messages in English
            self._handle(**options)

    def _handle(self, **options):
        try:
            organization = Organization.objects.get(slug=options["org"])
        except Organization.DoesNotExist as error:
            raise CommandError(f"No organisation with slug {options['org']!r}.") from error
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(organization=organization, code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"No unit with code {options['unit']!r} in {organization}.")
        if options["dry_run"]:
            self.stdout.write("Dry run: the token would be created.")
            return
        try:
            token, raw = api_token_create(
                organization=organization, name=options["name"], role=options["role"], unit=unit
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["verbosity"] >= 1:
            self.stderr.write(
                f"Token {token.name!r} for {organization.slug} ({token.role}); "
                "it is shown once, store it now:"
            )
        self.stdout.write(raw)

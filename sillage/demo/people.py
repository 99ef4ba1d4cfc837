"""The demo's people: plausible names, unique addresses, and their memberships in bulk."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sillage.accounts.models import Membership, Organization, Role, Unit, User
from sillage.demo import names
from sillage.demo.context import DemoContext
from sillage.demo.names import DEMO_LOGINS


@dataclass
class Person:
    """A membership to create, with the person behind it."""

    first_name: str
    last_name: str
    email: str
    language: str
    unit: Unit
    role: str
    job_title: str
    is_facilitator: bool = False
    is_ambassador: bool = False
    has_employee_code: bool = True
    employee_code: str = ""


def email_local_part(first_name: str, last_name: str) -> str:
    """prenom.nom in ASCII: "Marie-Ève St-Pierre" -> "marie-eve.st-pierre"."""

    def ascii_part(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "".join(c for c in plain.lower() if c.isalnum() or c == "-")

    return f"{ascii_part(first_name)}.{ascii_part(last_name)}"


class PeopleMaker:
    """Draws plausible people for one organisation, never twice the same address.

    A name already given is drawn again (a few times) before falling back to "marie.roy2":
    homonyms exist, but a demo where three Émilie Gosselin work at the same credit union
    looks generated.
    """

    NAME_DRAWS = 10

    def __init__(self, *, rng: random.Random, domain: str, reserved: Iterable[Person] = ()) -> None:
        self.rng = rng
        self.domain = domain
        self.taken: set[str] = set()
        self.names: set[tuple[str, str]] = set()
        for person in reserved:
            self.taken.add(person.email)
            self.names.add((person.first_name, person.last_name))

    def email(self, first_name: str, last_name: str) -> str:
        self.names.add((first_name, last_name))
        local = email_local_part(first_name, last_name)
        candidate, number = local, 1
        while f"{candidate}@{self.domain}" in self.taken:
            number += 1
            candidate = f"{local}{number}"
        address = f"{candidate}@{self.domain}"
        self.taken.add(address)
        return address

    def person(self, *, unit: Unit, role: str, title: names.Title, **flags: bool) -> Person:
        feminine = self.rng.random() < 0.5
        language = "en" if self.rng.random() < names.ENGLISH_SHARE else "fr"
        for _draw in range(self.NAME_DRAWS):
            first, last = self._name(feminine=feminine, language=language)
            if (first, last) not in self.names:
                break
        return Person(
            first_name=first,
            last_name=last,
            email=self.email(first, last),
            language=language,
            unit=unit,
            role=role,
            job_title=title[0] if feminine else title[1],
            **flags,
        )

    def _name(self, *, feminine: bool, language: str) -> tuple[str, str]:
        rng = self.rng
        if language == "en":
            first = rng.choice(
                names.ENGLISH_FIRST_NAMES_F if feminine else names.ENGLISH_FIRST_NAMES_M
            )
            french_surname = rng.random() < names.ENGLISH_SPEAKER_FRENCH_SURNAME_SHARE
            last = rng.choice(
                names.FRENCH_LAST_NAMES if french_surname else names.ENGLISH_LAST_NAMES
            )
        else:
            first = rng.choice(
                names.FRENCH_FIRST_NAMES_F if feminine else names.FRENCH_FIRST_NAMES_M
            )
            newer = rng.random() < names.NEWER_SHARE
            last = rng.choice(names.NEWER_LAST_NAMES if newer else names.FRENCH_LAST_NAMES)
        return first, last

    def front_line(self, *, unit: Unit, team_code: str) -> Person:
        titles, weights = zip(*names.TITLES_BY_TEAM[team_code], strict=True)
        title = self.rng.choices(titles, weights=weights)[0]
        return self.person(unit=unit, role=Role.EMPLOYEE, title=title)


def login_people(*, context: DemoContext, org_slug: str) -> list[Person]:
    """The demo logins' memberships in one organisation."""
    people = []
    for login in DEMO_LOGINS:
        for place in login.places:
            if place.org_slug != org_slug:
                continue
            people.append(
                Person(
                    first_name=login.first_name,
                    last_name=login.last_name,
                    email=login.email,
                    language=login.language,
                    unit=context.unit(org_slug, place.unit_code),
                    role=place.role,
                    job_title=place.job_title,
                    is_facilitator=place.is_facilitator,
                    has_employee_code=place.has_employee_code,
                )
            )
    return people


def save_people(*, organization: Organization, people: list[Person], password_hash: str) -> None:
    """Create the users that do not exist yet, then every membership, in two bulk inserts."""
    emails = [p.email for p in people]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    # No last_organization: a person in one organisation lands in it anyway, and the
    # consultant, in two, lands on the organisation switcher, which is what the demo shows.
    User.objects.bulk_create(
        User(
            email=p.email,
            first_name=p.first_name,
            last_name=p.last_name,
            language=p.language,
            password=password_hash,
        )
        for p in people
        if p.email not in existing
    )
    # Re-read rather than trust bulk_create to have set the ids: not every backend returns them.
    users = User.objects.in_bulk(emails, field_name="email")
    Membership.objects.bulk_create(
        Membership(
            user=users[p.email],
            organization=organization,
            unit=p.unit,
            role=p.role,
            job_title=p.job_title,
            is_facilitator=p.is_facilitator,
            is_ambassador=p.is_ambassador,
            employee_code=p.employee_code,
        )
        for p in people
    )

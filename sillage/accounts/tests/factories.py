"""Small factories and the named people used across the test suite.

Caisse Test (slug "caisse"):              Autre organisation (slug "autre"):
  HQ (admin Alice, CX lead Chloé,          OHQ (admin Oscar, the outsider)
      executive Édouard)                     OB1
    R1 Montréal (regional manager Rémi)
      B1 Plateau (branch manager Béatrice, employee Émile)
        T1 Conseil
      B2 Verdun (employee Victor)
    R2 Québec
      B3 Limoilou
"""

from __future__ import annotations

from dataclasses import dataclass

from sillage.accounts.models import ApiToken, Membership, Organization, Role, Unit, User

PASSWORD = "correct-horse-battery-9"  # noqa: S105


def make_user(email: str, first: str, last: str, **extra: object) -> User:
    return User.objects.create_user(
        email=email, password=PASSWORD, first_name=first, last_name=last, **extra
    )


def make_member(
    organization: Organization, unit: Unit, role: str, email: str, first: str, last: str
) -> Membership:
    user = make_user(email, first, last)
    return Membership.objects.create(user=user, organization=organization, unit=unit, role=role)


@dataclass
class World:
    org: Organization
    hq: Unit
    r1: Unit
    r2: Unit
    b1: Unit
    b2: Unit
    b3: Unit
    t1: Unit
    admin: User
    cx_lead: User
    executive: User
    regional_manager: User
    branch_manager: User
    employee: User
    sibling_employee: User
    other_org: Organization
    other_hq: Unit
    other_unit: Unit
    outsider: User
    other_membership: Membership
    other_token: ApiToken
    other_raw_token: str
    admin_token: ApiToken
    admin_raw_token: str

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(user=user, organization=self.org)


def build_world() -> World:
    org = Organization.objects.create(name="Caisse Test", slug="caisse")
    hq = Unit.add(organization=org, parent=None, code="HQ", name_fr="Siège", name_en="Head office")
    r1 = Unit.add(
        organization=org, parent=hq, code="R1", name_fr="Région de Montréal", name_en="Montreal"
    )
    r2 = Unit.add(organization=org, parent=hq, code="R2", name_fr="Région de Québec", name_en="")
    b1 = Unit.add(organization=org, parent=r1, code="B1", name_fr="Succursale Plateau")
    b2 = Unit.add(organization=org, parent=r1, code="B2", name_fr="Succursale Verdun")
    b3 = Unit.add(organization=org, parent=r2, code="B3", name_fr="Succursale Limoilou")
    t1 = Unit.add(organization=org, parent=b1, code="T1", name_fr="Équipe conseil")
    admin = make_member(org, hq, Role.ADMIN, "alice@caisse.test", "Alice", "Tremblay").user
    cx_lead = make_member(org, hq, Role.CX_LEAD, "chloe@caisse.test", "Chloé", "Gagnon").user
    executive = make_member(org, hq, Role.EXECUTIVE, "edouard@caisse.test", "Édouard", "Roy").user
    regional = make_member(org, r1, Role.MANAGER, "remi@caisse.test", "Rémi", "Côté").user
    branch = make_member(org, b1, Role.MANAGER, "beatrice@caisse.test", "Béatrice", "Bouchard")
    employee = make_member(org, b1, Role.EMPLOYEE, "emile@caisse.test", "Émile", "Gauthier")
    sibling = make_member(org, b2, Role.EMPLOYEE, "victor@caisse.test", "Victor", "Morin")

    other_org = Organization.objects.create(name="Autre organisation", slug="autre")
    other_hq = Unit.add(organization=other_org, parent=None, code="OHQ", name_fr="Autre siège")
    other_unit = Unit.add(organization=other_org, parent=other_hq, code="OB1", name_fr="Autre B1")
    outsider_membership = make_member(
        other_org, other_hq, Role.ADMIN, "oscar@autre.test", "Oscar", "Lavoie"
    )
    other_token, other_raw = ApiToken.issue(organization=other_org, name="autre", role=Role.ADMIN)
    admin_token, admin_raw = ApiToken.issue(organization=org, name="caisse", role=Role.ADMIN)
    return World(
        org=org,
        hq=hq,
        r1=r1,
        r2=r2,
        b1=b1,
        b2=b2,
        b3=b3,
        t1=t1,
        admin=admin,
        cx_lead=cx_lead,
        executive=executive,
        regional_manager=regional,
        branch_manager=branch.user,
        employee=employee.user,
        sibling_employee=sibling.user,
        other_org=other_org,
        other_hq=other_hq,
        other_unit=other_unit,
        outsider=outsider_membership.user,
        other_membership=outsider_membership,
        other_token=other_token,
        other_raw_token=other_raw,
        admin_token=admin_token,
        admin_raw_token=admin_raw,
    )

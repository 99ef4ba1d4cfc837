"""Contact data: only the owner, watchers, managers of the unit or above, CX leads, admins;
never in the verbatim explorer for an employee."""

import pytest

from sillage.accounts.scope import scope_for_membership
from sillage.cases.selectors import contact_visibility, contact_visible
from sillage.cases.services_work import case_watch
from sillage.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("admin", True),
        ("cx_lead", True),
        ("executive", False),
        ("regional_manager", True),
        ("branch_manager", True),
        ("employee", False),
    ],
)
def test_who_sees_the_customers_contact(world, who, visible):
    case = make_case(world.org, world.b1)
    user = getattr(world, who)
    scope = scope_for_membership(world.membership(user))
    assert contact_visible(scope, case, user) is visible
    assert contact_visibility(scope, [case], user) == {case.pk: visible}


def test_a_watcher_sees_it(world):
    case = make_case(world.org, world.b1)
    scope = scope_for_membership(world.membership(world.employee))
    case_watch(case=case, user=world.employee, by=world.branch_manager)
    assert contact_visible(scope, case, world.employee) is True


def test_a_manager_of_another_branch_does_not(world):
    from sillage.accounts.models import Membership, Role

    Membership.objects.filter(user=world.sibling_employee).update(role=Role.MANAGER)
    case = make_case(world.org, world.b1)
    membership = world.membership(world.sibling_employee)
    assert contact_visible(scope_for_membership(membership), case, world.sibling_employee) is False


def test_the_verbatim_explorer_never_shows_contact_data_to_an_employee(world, client_for):
    make_case(world.org, world.b1, nps=2, comment="Le conseiller était pressé")
    html = client_for(world.employee).get("/o/caisse/insights/verbatims/").content.decode()
    assert "Le conseiller était pressé" in html
    assert "Marie Client" not in html
    assert "marie.client@example.com" not in html
    assert "514 555-0100" not in html


def test_the_explorer_offers_a_case_only_to_those_who_work_cases(world, client_for):
    from sillage.cases.tests.factories import make_response

    agreed = make_response(world.org, world.b1, nps=2, comment="Personne ne m'a rappelé")
    make_response(world.org, world.b1, nps=1, comment="Sans consentement", consent=False)
    url = "/o/caisse/insights/verbatims/"
    open_url = f"/o/caisse/cases/open/{agreed.pk}/"
    manager = client_for(world.branch_manager).get(url).content.decode()
    assert manager.count("/o/caisse/cases/open/") == 1
    assert open_url in manager
    employee = client_for(world.employee).get(url).content.decode()
    assert "Personne ne m" in employee
    assert "/o/caisse/cases/open/" not in employee

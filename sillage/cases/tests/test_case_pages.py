"""The inbox and the case page: who sees what, working a case, bulk reassignment."""

import pytest

from sillage.cases.models import Case, CaseEvent
from sillage.cases.tests.factories import make_case, make_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return make_case(world.org, world.b1, nps=2, comment="Attente de 45 minutes au comptoir")


def url(case, action=""):
    return f"/o/caisse/cases/{case.pk}/{action + '/' if action else ''}"


def test_branch_manager_sees_the_case_in_my_cases(world, client_for, case):
    page = client_for(world.branch_manager).get("/o/caisse/cases/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"#{case.pk}" in html
    assert "Attente de 45 minutes au comptoir" in html


def test_my_cases_excludes_cases_of_others_but_my_team_shows_them(world, client_for, case):
    client = client_for(world.regional_manager)
    assert (
        f'href="/o/caisse/cases/{case.pk}/"' not in client.get("/o/caisse/cases/").content.decode()
    )
    team = client.get("/o/caisse/cases/?tab=team").content.decode()
    assert f'href="/o/caisse/cases/{case.pk}/"' in team


def test_sibling_branch_employee_gets_404(world, client_for, case):
    assert client_for(world.sibling_employee).get(url(case)).status_code == 404


def test_inbox_filters_by_priority_and_breach(world, client_for, case):
    urgent = make_case(world.org, world.b1, nps=1)
    Case.objects.filter(pk=urgent.pk).update(priority="urgent", breached_at=urgent.opened_at)
    client = client_for(world.cx_lead)
    html = client.get("/o/caisse/cases/?tab=team&breached=1").content.decode()
    assert f"/cases/{urgent.pk}/" in html and f"/cases/{case.pk}/" not in html
    html = client.get("/o/caisse/cases/?tab=team&priority=normal").content.decode()
    assert f"/cases/{case.pk}/" in html and f"/cases/{urgent.pk}/" not in html


def test_inbox_query_count_does_not_grow_with_cases(
    world, client_for, django_assert_max_num_queries
):
    for _ in range(15):
        make_case(world.org, world.b1, nps=2)
    client = client_for(world.cx_lead)
    with django_assert_max_num_queries(14):
        assert client.get("/o/caisse/cases/?tab=team").status_code == 200


def test_owner_sees_the_customer_contact_but_an_employee_sees_hidden(world, client_for, case):
    owner_page = client_for(world.branch_manager).get(url(case)).content.decode()
    assert "Marie Client" in owner_page and "514 555-0100" in owner_page
    employee_page = client_for(world.employee).get(url(case)).content.decode()
    assert "Marie Client" not in employee_page and "marie.client@example.com" not in employee_page
    assert "masqué" in employee_page


def test_executive_sees_contact_only_after_joining(world, client_for, case):
    client = client_for(world.executive)
    assert "Marie Client" not in client.get(url(case)).content.decode()
    client.post(url(case, "leader"), {"mode": "join"})
    page = client.get(url(case)).content.decode()
    assert "Marie Client" in page
    assert "Un dirigeant a participé à ce dossier" in page
    case.refresh_from_db()
    assert case.leader_involved and world.executive in case.watchers.all()
    assert case.owner == world.branch_manager


def test_executive_takes_a_case(world, client_for, case):
    client_for(world.executive).post(url(case, "leader"), {"mode": "take"})
    case.refresh_from_db()
    assert case.owner == world.executive and case.leader_involved
    assert world.branch_manager in case.watchers.all()


def test_manager_cannot_take_like_a_leader(world, client_for, case):
    assert (
        client_for(world.branch_manager).post(url(case, "leader"), {"mode": "take"}).status_code
        == 404
    )


def test_employee_cannot_work_a_case(world, client_for, case):
    client = client_for(world.employee)
    assert client.post(url(case, "note"), {"body": "Hello"}).status_code == 404
    assert not CaseEvent.objects.filter(case=case, kind="note").exists()


def test_log_a_call_then_resolve(world, client_for, case):
    client = client_for(world.branch_manager)
    client.post(url(case, "contact"), {"channel": "phone", "outcome": "reached", "body": "Excuses"})
    case.refresh_from_db()
    assert case.status == "contacted" and case.first_contacted_at is not None
    response = client.post(
        url(case, "status"),
        {"to_status": "resolved", "expected_status": "contacted", "resolution": "Frais remboursés"},
        follow=True,
    )
    assert "Statut modifié." in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.resolution) == ("resolved", "Frais remboursés")
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "contact", "status", "status"]


def test_a_stale_status_form_says_someone_else_changed_it(world, client_for, case):
    client = client_for(world.branch_manager)
    client.post(url(case, "status"), {"to_status": "acknowledged", "expected_status": "new"})
    page = client.post(
        url(case, "status"), {"to_status": "contacted", "expected_status": "new"}, follow=True
    ).content.decode()
    assert "Quelqu’un d’autre a modifié ce dossier" in page
    case.refresh_from_db()
    assert case.status == "acknowledged"


def test_resolving_requires_a_resolution(world, client_for, case):
    client_for(world.branch_manager).post(
        url(case, "status"), {"to_status": "resolved", "expected_status": "new"}
    )
    case.refresh_from_db()
    assert case.status == "new"


def test_bulk_reassign_moves_checked_cases_in_scope(world, client_for, case):
    other = make_case(world.org, world.b1, nps=3)
    response = client_for(world.regional_manager).post(
        "/o/caisse/cases/reassign/",
        {"case": [case.pk, other.pk], "owner": world.regional_manager.pk},
    )
    assert response.status_code == 302
    assert set(Case.objects.values_list("owner", flat=True)) == {world.regional_manager.pk}
    assert CaseEvent.objects.filter(kind="assigned").count() == 2


def test_open_a_case_by_hand_from_a_response(world, client_for):
    response = make_response(world.org, world.b1, nps=8, comment="Bon mais lent")
    client = client_for(world.branch_manager)
    assert client.get(f"/o/caisse/cases/open/{response.pk}/").status_code == 200
    answer = client.post(f"/o/caisse/cases/open/{response.pk}/", {"priority": "high"})
    case = Case.objects.get(response=response)
    assert answer.url == f"/o/caisse/cases/{case.pk}/"
    assert (case.origin, case.owner, case.priority) == ("manual", world.branch_manager, "high")


def test_no_case_without_consent(world, client_for):
    response = make_response(world.org, world.b1, nps=1, consent=False)
    client_for(world.branch_manager).post(
        f"/o/caisse/cases/open/{response.pk}/", {"priority": "high"}
    )
    assert not Case.objects.exists()


def test_owner_adds_the_employee_as_a_watcher_who_then_sees_the_contact(world, client_for, case):
    client_for(world.branch_manager).post(url(case, "watch"), {"user": world.employee.pk})
    assert world.employee in case.watchers.all()
    page = client_for(world.employee).get(url(case)).content.decode()
    assert "Marie Client" in page


def test_a_person_of_another_branch_cannot_be_added_as_watcher(world, client_for, case):
    client_for(world.branch_manager).post(url(case, "watch"), {"user": world.sibling_employee.pk})
    assert not case.watchers.exists()

"""The dashboards, the unit page and the journey page: figures, links, scope, queries."""

import re
from html import unescape

import pytest

from sillage.insights.tests.conftest import MARCH

pytestmark = pytest.mark.django_db


def kpi(html: str, metric: str) -> tuple[str, str]:
    """(the headline figure's text, its link)."""
    match = re.search(
        rf'<a class="kpi__value" href="([^"]+)"[^>]*data-metric="{metric}">([^<]+)</a>', html
    )
    assert match, f"no headline {metric}"
    return match.group(2), unescape(match.group(1))


def row_cells(html: str, label: str) -> str:
    """The HTML of the table row whose header links to `label`."""
    match = re.search(
        rf"<tr[^>]*><th scope=\"row\"><a [^>]*>{re.escape(label)}</a>.*?</tr>", html, re.S
    )
    assert match, f"no row {label}"
    return match.group(0)


def figure(row: str, metric: str) -> str:
    match = re.search(rf'data-metric="{metric}">([^<]+)</a>', row)
    return match.group(1) if match else "—"


def test_organisation_dashboard_headline_for_an_executive(world, insights, sign_in):
    html = sign_in(world.executive).get(f"/o/caisse/insights/?{MARCH}").content.decode()
    assert kpi(html, "nps") == (
        "+26",
        "/o/caisse/insights/verbatims/?from=2025-03-01&to=2025-03-31&band=nps#results",
    )
    assert "± 37 · n = 23" in html
    assert kpi(html, "responses")[0] == "23"
    assert kpi(html, "csat")[0] == "73%"  # 15 answers, 11 of them 4 or 5
    assert kpi(html, "ces")[0] == "4.3"  # 8 answers summing to 34: 4.25, rounded half up
    assert "March 1, 2025 to March 31, 2025, compared with Jan. 29, 2025 to Feb. 28, 2025." in html
    assert "small sample" in html  # 23 answers: flagged, not hidden


def test_each_role_sees_its_own_part_of_the_tree(world, insights, client, sign_in):
    expected = {
        "admin": ("+26", "23"),
        "regional_manager": ("+45", "20"),  # B1 + T1 + B2
        "branch_manager": ("+21", "14"),  # B1 + T1
        "employee": ("+20", "10"),  # B1 only
        "sibling_employee": ("+100", "6"),  # B2 only
    }
    for who, (nps, n) in expected.items():
        html = sign_in(getattr(world, who)).get(f"/o/caisse/insights/?{MARCH}").content.decode()
        assert (kpi(html, "nps")[0], kpi(html, "responses")[0]) == (nps, n), who
        client.logout()


def test_every_headline_figure_opens_the_verbatims_behind_it(world, insights, sign_in):
    client = sign_in(world.branch_manager)
    html = client.get(f"/o/caisse/insights/?{MARCH}").content.decode()
    for metric, count in (("nps", "14 responses"), ("csat", "9 responses"),
                          ("ces", "8 responses"), ("responses", "14 responses"),
                          ("comment_rate", "6 responses")):  # fmt: skip
        _text, url = kpi(html, metric)
        page = client.get(url).content.decode()
        assert f'id="results-title">{count}</h2>' in page, metric


def test_trend_table_and_chart_data_by_month(world, insights, sign_in):
    html = sign_in(world.branch_manager).get(f"/o/caisse/insights/?{MARCH}").content.decode()
    march = row_cells(html, "March 2025")
    february = row_cells(html, "February 2025")
    assert figure(march, "nps") == "+21"
    assert figure(february, "nps") == "0"
    assert figure(february, "responses") == "4"
    assert (
        "/o/caisse/insights/verbatims/?from=2025-02-01&amp;to=2025-02-28&amp;band=nps" in february
    )
    data = re.search(r'<script id="insights-charts" type="application/json">(.*?)</script>', html)
    assert '"labels": [' in data.group(1) and '"Mar 2025"' in data.group(1)
    assert "<script>" not in html  # data only, no inline script (CSP)


def test_heatmap_lists_regions_with_their_subtrees(world, insights, sign_in):
    html = sign_in(world.admin).get(f"/o/caisse/insights/?{MARCH}").content.decode()
    montreal = row_cells(html, "Montreal")
    assert figure(montreal, "nps") == "+45"
    assert figure(montreal, "responses") == "20"
    assert "heat-4" in montreal  # NPS 45: fourth band of five
    assert f"unit={world.r1.pk}" in montreal
    quebec = row_cells(html, "Région de Québec")
    assert figure(quebec, "nps") == "−100"
    assert "heat-1" in quebec and "heat-small" in quebec


def test_journeys_and_stages_are_ranked_best_first(world, insights, sign_in):
    html = sign_in(world.admin).get(f"/o/caisse/insights/?{MARCH}").content.decode()
    journeys = html[html.index('id="journeys-title"') : html.index('id="stages-title"')]
    assert journeys.index("Branch visit") < journeys.index("Online")
    stages = html[html.index('id="stages-title"') : html.index('id="movers-title"')]
    assert stages.index("Welcome") < stages.index("Advice") < stages.index("Sign-in")


def test_movers_need_enough_answers_in_both_periods(world, insights, sign_in):
    html = sign_in(world.admin).get(f"/o/caisse/insights/?{MARCH}").content.decode()
    assert "No unit went up." in html and "No unit went down." in html
    assert "4 units with fewer than 30 NPS answers" in html  # B1, T1, B2, B3


def test_unit_page_compares_with_parent_and_siblings_when_they_are_in_scope(
    world, insights, sign_in
):
    html = (
        sign_in(world.regional_manager)
        .get(f"/o/caisse/insights/units/{world.b1.pk}/?{MARCH}")
        .content.decode()
    )
    assert kpi(html, "nps")[0] == "+21"
    compare = html[html.index('id="compare-title"') :]
    assert figure(row_cells(compare, "Montreal"), "nps") == "+45"
    assert figure(row_cells(compare, "Succursale Verdun"), "nps") == "+100"
    assert "this unit" in compare
    own = row_cells(html, "Succursale Plateau (its own responses)")
    assert figure(own, "nps") == "+20"
    assert f"unit={world.b1.pk}&amp;subunits=no" in own


def test_unit_page_of_a_branch_manager_shows_no_units_outside_her_scope(world, insights, sign_in):
    client = sign_in(world.branch_manager)
    html = client.get(f"/o/caisse/insights/units/{world.b1.pk}/?{MARCH}").content.decode()
    assert "outside what you can see" in html
    assert "Verdun" not in html
    assert client.get(f"/o/caisse/insights/units/{world.b2.pk}/").status_code == 404
    assert client.get(f"/o/caisse/insights/units/{world.r1.pk}/").status_code == 404


def test_an_employee_sees_only_his_unit(world, insights, sign_in):
    client = sign_in(world.employee)
    assert client.get(f"/o/caisse/insights/units/{world.b1.pk}/").status_code == 200
    assert client.get(f"/o/caisse/insights/units/{world.t1.pk}/").status_code == 404
    html = client.get(f"/o/caisse/insights/?{MARCH}").content.decode()
    assert "Équipe conseil" not in html


def test_journey_page_lists_each_stage_and_touchpoint(world, insights, sign_in):
    visit = insights.catalogue.visit
    html = (
        sign_in(world.admin)
        .get(f"/o/caisse/insights/journeys/{visit.pk}/?{MARCH}")
        .content.decode()
    )
    assert kpi(html, "nps")[0] == "+50"  # counter 11 answers + desk 7: 12 - 3 of 18
    counter = re.search(r"<th scope=\"row\">Counter.*?</tr>", html, re.S).group(0)
    desk = re.search(r"<th scope=\"row\">Advisor&#x27;s desk.*?</tr>", html, re.S).group(0)
    assert (figure(counter, "nps"), figure(counter, "responses")) == ("+64", "11")
    assert (figure(desk, "nps"), figure(desk, "responses")) == ("+29", "7")
    assert f"touchpoint={insights.catalogue.desk.pk}" in desk
    assert f'id="stage-{insights.catalogue.advice.pk}"' in html


def test_journey_page_narrowed_to_a_unit(world, insights, sign_in):
    visit = insights.catalogue.visit
    client = sign_in(world.branch_manager)
    html = client.get(
        f"/o/caisse/insights/journeys/{visit.pk}/?unit={world.t1.pk}&{MARCH}"
    ).content.decode()
    assert kpi(html, "nps")[0] == "+25"  # T1: 10 9 8 2
    assert (
        client.get(f"/o/caisse/insights/journeys/{visit.pk}/?unit={world.b2.pk}").status_code == 404
    )
    assert client.get(f"/o/caisse/insights/journeys/{visit.pk}/?unit=x").status_code == 404


def test_pages_answer_get_only_after_checking_the_ids(world, insights, sign_in):
    client = sign_in(world.admin)
    assert client.post("/o/caisse/insights/").status_code == 405
    assert client.post(f"/o/caisse/insights/units/{world.b1.pk}/").status_code == 405
    assert client.post(f"/o/caisse/insights/units/{world.other_unit.pk}/").status_code == 404


def test_an_invalid_period_falls_back_to_the_last_90_days_and_says_so(world, insights, sign_in):
    html = (
        sign_in(world.admin)
        .get("/o/caisse/insights/?from=2025-03-31&to=2025-03-01")
        .content.decode()
    )
    assert "The first date must come before the second." in html
    assert "Showing the last 90 days instead." in html


def test_dashboard_query_count_does_not_grow_with_units_or_responses(
    world, insights, sign_in, django_assert_max_num_queries
):
    from sillage.accounts.models import Unit
    from sillage.insights.services import rollups_rebuild
    from sillage.insights.tests.factories import add_response, at

    client = sign_in(world.admin)
    urls = [
        f"/o/caisse/insights/?{MARCH}",
        f"/o/caisse/insights/units/{world.r1.pk}/?{MARCH}",
        f"/o/caisse/insights/journeys/{insights.catalogue.visit.pk}/?{MARCH}",
    ]
    for url in urls:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
    for index in range(30):
        unit = Unit.add(organization=world.org, parent=world.r1, code=f"N{index}", name_fr="N")
        add_response(world.org, unit, at(2025, 3, 1 + index % 28), nps=index % 11)
    rollups_rebuild(organization=world.org)
    for url in urls:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200

"""The verbatim explorer: filters, accent-blind search with highlights, keyset pages, scope."""

import re
from datetime import timedelta

import pytest

from sillage.feedback.models import Response
from sillage.insights.services import rollups_rebuild
from sillage.insights.tests.conftest import MARCH
from sillage.insights.tests.factories import add_response, at
from sillage.insights.verbatims import highlight, search_terms

pytestmark = pytest.mark.django_db
URL = "/o/caisse/insights/verbatims/"


def listed(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-response="(\d+)"', html)]


def title(html: str) -> str:
    return re.search(r'id="results-title">([^<]+)</h2>', html).group(1)


def test_search_ignores_accents_and_capitals_and_marks_the_words(world, insights, sign_in):
    client = sign_in(world.admin)
    html = client.get(f"{URL}?{MARCH}&q=PRET").content.decode()
    assert title(html) == "More than 1,000 responses" or title(html) == "2 responses"
    assert "<mark>Prêt</mark> hypothécaire" in html
    assert "les <mark>prêts</mark> sont introuvables" in html
    assert len(listed(html)) == 2
    html = client.get(f"{URL}?{MARCH}&q=hypothecaire+BRAVO").content.decode()
    assert len(listed(html)) == 1
    assert "<mark>hypothécaire</mark>" in html and "<mark>bravo</mark>" in html
    html = client.get(f"{URL}?{MARCH}&q=helpful").content.decode()
    assert "very <mark>helpful</mark>" in html
    assert len(listed(html)) == 1


def test_search_matches_words_from_their_start_and_quoted_phrases(world, insights, sign_in):
    client = sign_in(world.admin)
    assert len(listed(client.get(f"{URL}?{MARCH}&q=ypoth").content.decode())) == 0
    html = client.get(f'{URL}?{MARCH}&q="service+rapide"').content.decode()
    assert len(listed(html)) == 1
    assert "<mark>Service rapide</mark> et courtois" in html
    assert len(listed(client.get(f'{URL}?{MARCH}&q="rapide+service"').content.decode())) == 0


def test_the_count_comes_from_the_rollups_and_matches_the_list(world, insights, sign_in):
    client = sign_in(world.admin)
    html = client.get(f"{URL}?{MARCH}&band=detractor").content.decode()
    assert title(html) == "7 responses"
    assert len(listed(html)) == 7
    html = client.get(f"{URL}?{MARCH}&band=detractor&comment=yes").content.decode()
    assert title(html) == "3 responses"  # counted, not from rollups: still exact
    html = client.get(
        f"{URL}?{MARCH}&unit={world.b1.pk}&subunits=no&band=promoter"
    ).content.decode()
    assert title(html) == "5 responses"
    assert "Succursale Plateau only, without its sub-units" in html


def test_filters_by_journey_touchpoint_language_and_employee(world, insights, sign_in):
    client = sign_in(world.admin)
    cat = insights.catalogue
    assert title(client.get(f"{URL}?{MARCH}&journey={cat.web.pk}").content.decode()) == (
        "5 responses"  # the app: 2 in B1, 3 in B3
    )
    assert title(client.get(f"{URL}?{MARCH}&touchpoint={cat.desk.pk}").content.decode()) == (
        "7 responses"
    )
    assert title(client.get(f"{URL}?{MARCH}&language=en").content.decode()) == "1 response"
    assert title(client.get(f"{URL}?{MARCH}&employee=E1").content.decode()) == "5 responses"


def test_pages_follow_a_keyset_without_gaps_or_repeats(world, sign_in):
    """60 responses over ten months, two at each moment: pages are looked up in growing
    windows of time, and the keyset (moment, id) still gives each response exactly once."""
    start = at(2024, 5, 1, 8)
    for index in range(60):
        add_response(world.org, world.b1, start + timedelta(days=5 * (index // 2)), nps=index % 11)
    rollups_rebuild(organization=world.org)
    client = sign_in(world.admin)
    expected = list(Response.objects.order_by("-submitted_at", "-id").values_list("pk", flat=True))
    seen, url = [], f"{URL}?from=2024-01-01&to=2025-12-31"
    while url:
        html = client.get(url).content.decode()
        seen += listed(html)
        match = re.search(r'href="([^"]+)#results" rel="next"', html)
        url = match.group(1).replace("&amp;", "&") if match else ""
    assert seen == expected
    assert title(client.get(f"{URL}?from=2024-01-01&to=2025-12-31").content.decode()) == (
        "60 responses"
    )
    html = client.get(f"{URL}?from=2024-01-01&to=2025-12-31&band=passive&comment=no")
    assert title(html.content.decode()) == "10 responses"  # counted window by window


def test_a_filter_outside_the_viewers_scope_is_refused(world, insights, sign_in):
    client = sign_in(world.branch_manager)
    html = client.get(f"{URL}?{MARCH}&unit={world.b2.pk}").content.decode()
    assert "Some filters are not valid" in html
    assert listed(html) == []
    html = client.get(f"{URL}?{MARCH}").content.decode()
    assert title(html) == "14 responses"
    assert "Verdun" not in html and "Limoilou" not in html


def test_an_employee_reads_only_his_units_verbatims(world, insights, sign_in):
    html = sign_in(world.employee).get(f"{URL}?{MARCH}").content.decode()
    assert title(html) == "10 responses"
    assert "Équipe conseil" not in html


def test_comments_are_escaped_and_contact_details_are_not_shown(world, insights, sign_in):
    add_response(
        world.org, world.b1, at(2025, 3, 30), nps=2, comment="<script>alert(1)</script>",
        contact_consent=True, contact_email="client@example.com",
    )  # fmt: skip
    rollups_rebuild(organization=world.org)
    html = sign_in(world.admin).get(f"{URL}?{MARCH}").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "client@example.com" not in html


def test_explorer_query_count_is_fixed(world, insights, sign_in, django_assert_max_num_queries):
    client = sign_in(world.admin)
    for query in (MARCH, f"{MARCH}&q=pret", f"{MARCH}&band=detractor&comment=yes"):
        # 16, plus 5 for text analytics: theme choices (filter and display forms), and the
        # page's analyses, their themes and the themes one may add.
        with django_assert_max_num_queries(21):
            assert client.get(f"{URL}?{query}").status_code == 200


def test_highlight_maps_folded_matches_back_to_the_original_text():
    assert highlight("Œuvre ÉLÉGANTE", ["oeuvre", "elegante"]) == (
        "<mark>Œuvre</mark> <mark>ÉLÉGANTE</mark>"
    )
    assert highlight("a <b> prêt", ["pret"]) == "a &lt;b&gt; <mark>prêt</mark>"
    assert highlight("interprête", ["pret"]) == "interprête"  # not at a word's start
    assert search_terms('Prêt "Service  Rapide" a') == ["service rapide", "pret"]

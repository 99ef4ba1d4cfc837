"""The insights pages in French leave no English behind."""

import pytest

from sillage.insights.tests.conftest import MARCH
from tests.test_i18n import english_left_behind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("admin", "/o/caisse/insights/?{march}"),
        ("admin", "/o/caisse/insights/?from=2025-03-31&to=2025-03-01"),
        ("regional_manager", "/o/caisse/insights/units/{b1}/?{march}"),
        ("branch_manager", "/o/caisse/insights/units/{b1}/?{march}"),
        ("employee", "/o/caisse/insights/?{march}"),
        ("admin", "/o/caisse/insights/journeys/{visit}/?{march}"),
        ("admin", "/o/caisse/insights/verbatims/?{march}&q=pret&band=detractor"),
        ("admin", "/o/caisse/insights/verbatims/?{march}&unit={b1}&subunits=no&comment=yes"),
        ("branch_manager", "/o/caisse/insights/verbatims/?unit={b2}"),
    ],
)
def test_insights_pages_in_french(world, insights, sign_in, who, path):
    url = path.format(
        march=MARCH, b1=world.b1.pk, b2=world.b2.pk, visit=insights.catalogue.visit.pk
    )
    response = sign_in(getattr(world, who), language="fr").get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    html = response.content.decode()
    assert english_left_behind(html) == set(), url


def test_french_figures_use_french_number_formats(world, insights, sign_in):
    html = sign_in(world.admin, language="fr").get(f"/o/caisse/insights/?{MARCH}").content.decode()
    assert ">73\u00a0%</a>" in html  # CSAT: a non-breaking space before the sign
    assert ">4,3</a>" in html  # CES mean: a decimal comma
    assert "Période du 1 mars 2025 au 31 mars 2025, comparée à la période" in html
    assert "Ce que disent les clients" in html
    assert "petit échantillon" in html

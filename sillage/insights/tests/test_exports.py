"""Exports: the responses behind a figure and the tables of a page, as CSV and XLSX.

The headline figures are recomputed here from the exported CSV with plain Python, as an
independent check of the metrics engine and of the rollups."""

import csv
import io

import pytest
from openpyxl import load_workbook

from sillage.insights.exports import neutralise
from sillage.insights.tests.conftest import MARCH
from sillage.insights.tests.factories import add_response, at

pytestmark = pytest.mark.django_db
EXPORT = "/o/caisse/insights/verbatims/export/"


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_sheet(response):
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def plain_metrics(rows: list[dict]) -> dict[str, float]:
    """NPS, CSAT and CES as a spreadsheet user would compute them from the export."""
    nps = [int(r["nps"]) for r in rows if r["nps"]]
    csat = [int(r["csat"]) for r in rows if r["csat"]]
    ces = [int(r["ces"]) for r in rows if r["ces"]]
    return {
        "nps": 100 * (sum(s >= 9 for s in nps) - sum(s <= 6 for s in nps)) / len(nps),
        "nps_n": len(nps),
        "csat": 100 * sum(s >= 4 for s in csat) / len(csat),
        "ces": sum(ces) / len(ces),
        "comments": sum(1 for r in rows if r["comment"]),
        "responses": len(rows),
    }


@pytest.mark.parametrize("who", ["admin", "regional_manager", "branch_manager", "employee"])
def test_metrics_equal_an_independent_computation_from_the_csv_export(
    world, insights, sign_in, who
):
    client = sign_in(getattr(world, who))
    rows = csv_rows(client.get(f"{EXPORT}?format=csv&{MARCH}"))
    expected = plain_metrics(rows)
    token = {"HTTP_AUTHORIZATION": f"Bearer {world.admin_raw_token}"}
    unit = world.membership(getattr(world, who)).unit
    subunits = "false" if who == "employee" else "true"
    api = client.get(
        f"/api/v1/metrics?metric=nps,csat,ces,responses,comment_rate&{MARCH}"
        + (f"&unit={unit.pk}&subunits={subunits}" if who != "admin" else ""),
        **token,
    ).json()["rows"][0]["metrics"]
    assert api["nps"]["value"] == pytest.approx(expected["nps"], abs=0.01)
    assert api["nps"]["n"] == expected["nps_n"]
    assert api["csat"]["value"] == pytest.approx(expected["csat"], abs=0.01)
    assert api["ces"]["value"] == pytest.approx(expected["ces"], abs=0.01)
    assert api["responses"]["n"] == expected["responses"]
    assert api["comment_rate"]["value"] == pytest.approx(
        100 * expected["comments"] / expected["responses"], abs=0.01
    )


def test_export_holds_only_the_viewers_scope_and_filters(world, insights, sign_in):
    rows = csv_rows(sign_in(world.branch_manager).get(f"{EXPORT}?format=csv&{MARCH}"))
    assert len(rows) == 14
    assert {r["unit_code"] for r in rows} == {"B1", "T1"}
    rows = csv_rows(sign_in(world.admin).get(f"{EXPORT}?format=csv&{MARCH}&band=detractor&q=app"))
    assert [r["comment"] for r in rows] == ["L'APPLICATION PLANTE, les prêts sont introuvables"]
    assert rows[0]["submitted_at"] == "2025-03-20T10:00:00-04:00"  # local time, with offset
    assert rows[0]["journey"] == "Online" and rows[0]["touchpoint_code"] == "appli"


def test_formula_injection_is_neutralised_in_csv(world, insights, sign_in):
    for text in ("+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"):
        add_response(world.org, world.b2, at(2025, 3, 30), nps=5, comment=text)
    rows = csv_rows(sign_in(world.admin).get(f"{EXPORT}?format=csv&{MARCH}&unit={world.b2.pk}"))
    comments = {r["comment"] for r in rows}
    assert {"'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\rcmd"} <= comments
    rows = csv_rows(sign_in(world.admin).get(f"{EXPORT}?format=csv&{MARCH}&band=detractor"))
    assert '\'=HYPERLINK("http://evil.example","clic")' in {r["comment"] for r in rows}
    assert neutralise(-12.5) == -12.5  # numbers the export computes stay numbers


def test_formula_injection_is_neutralised_in_xlsx(world, insights, sign_in):
    response = sign_in(world.admin).get(f"{EXPORT}?format=xlsx&{MARCH}&band=detractor")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = xlsx_sheet(response)
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["response_id", "submitted_at", "local_date"]
    comment_column = header.index("comment")
    cells = [row[comment_column] for row in sheet.iter_rows(min_row=2)]
    evil = [c for c in cells if c.value and c.value.startswith("=")]
    assert len(evil) == 1
    assert evil[0].data_type == "s"  # text, never a formula
    assert len(cells) == 7


def test_tables_of_a_page_export_as_csv_and_xlsx(world, insights, sign_in):
    client = sign_in(world.admin)
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(
                        f"/o/caisse/insights/export/?table=units&format=csv&{MARCH}"
                    ).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert rows[0][:3] == ["Unit", "Responses", "NPS"]
    assert rows[1][:3] == ["Montreal", "20", "45.0"]
    assert rows[2][:3] == ["Région de Québec", "3", "-100.0"]
    sheet = xlsx_sheet(
        client.get(
            f"/o/caisse/insights/export/?table=touchpoints&format=xlsx&{MARCH}"
            f"&journey={insights.catalogue.visit.pk}"
        )
    )
    labels = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert labels == ["Welcome", "Welcome › Counter", "Advice", "Advice › Advisor's desk"]
    assert sheet.cell(row=3, column=3).value == pytest.approx(63.6)


def test_table_exports_stay_in_scope(world, insights, sign_in):
    client = sign_in(world.branch_manager)
    base = "/o/caisse/insights/export/?format=csv"
    assert client.get(f"{base}&table=units&unit={world.b2.pk}").status_code == 404
    assert client.get(f"{base}&table=nope").status_code == 400
    assert client.get(f"{EXPORT}?format=pdf").status_code == 400
    text = b"".join(client.get(f"{base}&table=units&{MARCH}").streaming_content).decode()
    assert "Verdun" not in text and "Équipe conseil" in text

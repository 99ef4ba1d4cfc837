"""Exports of other survey tools are recognised and their columns pre-mapped; each sample in
samples/ follows the tool's real layout (header rows, column names, date formats)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sillage.feedback.importing.mapping import TARGETS
from sillage.feedback.models import ImportStatus, Response
from sillage.feedback.tests import test_import_services as base
from sillage.feedback.tests.test_import_services import check, upload

# The fixtures of the service tests: the world with a touchpoint, media in a temporary folder.
org_world = base.org_world
media = base.media

SAMPLES = Path(__file__).parent / "samples"


def mapped(job) -> dict[str, str]:
    """target → the column's header text, for the targets that found a column."""
    return {t: job.header[i] for t, i in job.mapping.items() if i is not None}


def sample(world, name: str):
    return upload(world, (SAMPLES / name).read_bytes(), name=name)


@pytest.mark.django_db
def test_qualtrics_export_three_header_rows(org_world, django_capture_on_commit_callbacks):
    org_world.org.time_zone = "Europe/Paris"  # the file's own time zone must win
    org_world.org.save()
    job = sample(org_world, "qualtrics.csv")
    assert (job.detected_format, job.options["header_rows"]) == ("qualtrics", 3)
    assert job.options["time_zone"] == "America/Toronto"  # from the ImportId JSON row
    assert mapped(job) == {
        "unit": "unit_code",
        "submitted_at": "RecordedDate — Recorded Date",
        "nps": "Q1 — Sur une échelle de 0 à 10, recommanderiez-vous la Caisse à un proche? / "
        "How likely are you to recommend the Caisse to a friend?",
        "csat": "Q2 — Dans l'ensemble, êtes-vous satisfait de votre visite? / Overall, how "
        "satisfied are you with your visit?",
        "comment": "Q3 — Qu'est-ce qui pourrait être amélioré? / What could we improve?",
        "external_id": "ResponseId — Response ID",
        "language": "UserLanguage — User Language",
    }
    job = check(job, django_capture_on_commit_callbacks, then_commit=True)
    assert job.status == ImportStatus.DONE, job.errors
    rows = list(Response.objects.filter(import_job=job).order_by("submitted_at"))
    assert [(r.external_id, r.nps, r.csat, r.language, r.unit.code) for r in rows] == [
        ("R_1Fq9xXb2kLm3NoP", 9, 5, "fr", "B1"),
        ("R_2gHr0YcK4aBd5QsT", 6, 3, "en", "B2"),
        ("R_3hJs1ZdL5bCe6RuV", 10, 5, "fr", "B3"),
    ]
    assert rows[0].submitted_at == datetime(2024, 3, 5, 19, 30, 12, tzinfo=UTC)
    assert rows[1].comment == "Long wait at the counter;\nthe advisor was great though."


@pytest.mark.django_db
def test_surveymonkey_export_two_header_rows_month_first(
    org_world, django_capture_on_commit_callbacks
):
    job = sample(org_world, "surveymonkey.csv")
    assert (job.detected_format, job.options["header_rows"]) == ("surveymonkey", 2)
    assert job.options["day_first"] is False
    assert job.header[11] == (
        "What was the reason for your visit? / Quel était le motif de votre visite? — Transaction"
    )
    assert mapped(job) == {
        "unit": "Branch — Response",
        "submitted_at": "End Date",
        "nps": "How likely is it that you would recommend Caisse Test to a friend or colleague? "
        "/ Quelle est la probabilité que vous recommandiez la Caisse? — Response",
        "comment": "Is there anything else you would like to tell us? / Avez-vous autre chose "
        "à nous dire? — Open-Ended Response",
        "external_id": "Respondent ID",
    }
    job = check(job, django_capture_on_commit_callbacks, then_commit=True)
    assert job.status == ImportStatus.DONE, job.errors
    first, second = Response.objects.filter(import_job=job).order_by("submitted_at")
    assert first.submitted_at == datetime(2024, 3, 5, 19, 34, 40, tzinfo=UTC)  # 5 March
    assert (first.external_id, first.nps, first.comment) == (
        "114352987654",
        9,
        "Très bon service, merci Julie!",
    )
    assert second.submitted_at == datetime(2024, 3, 12, 14, 3, 59, tzinfo=UTC)  # EDT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "expected", "dates"),
    [
        (
            "google_forms_en.csv",
            {
                "unit": "Which branch did you visit? (code)",
                "submitted_at": "Timestamp",
                "nps": "How likely are you to recommend us to a friend?",
                "csat": "Overall, how satisfied are you with your visit?",
                "comment": "Why? Tell us more",
            },
            [
                datetime(2024, 3, 5, 19, 30, tzinfo=UTC),
                datetime(2024, 7, 15, 13, 5, 12, tzinfo=UTC),
            ],
        ),
        (
            "google_forms_fr.csv",
            {
                "unit": "Quelle succursale avez-vous visitée? (code)",
                "submitted_at": "Horodateur",
                "nps": "Recommanderiez-vous notre caisse à un proche?",
                "csat": "Dans l'ensemble, êtes-vous satisfait de votre visite?",
                "comment": "Pourquoi? Dites-nous en plus",
            },
            [
                datetime(2024, 3, 5, 19, 30, tzinfo=UTC),
                datetime(2024, 7, 15, 13, 5, 12, tzinfo=UTC),
            ],
        ),
    ],
)
def test_google_forms_export_with_offsets_in_the_dates(
    org_world, django_capture_on_commit_callbacks, name, expected, dates
):
    job = sample(org_world, name)
    assert (job.detected_format, job.options["header_rows"]) == ("google_forms", 1)
    assert mapped(job) == expected
    job = check(job, django_capture_on_commit_callbacks, then_commit=True)
    assert job.status == ImportStatus.DONE, job.errors
    rows = Response.objects.filter(import_job=job).order_by("submitted_at")
    assert [r.submitted_at for r in rows] == dates
    assert all(r.external_id is None for r in rows)


@pytest.mark.django_db
def test_formbricks_export_in_utc(org_world, django_capture_on_commit_callbacks):
    job = sample(org_world, "formbricks.csv")
    assert (job.detected_format, job.options["time_zone"]) == ("formbricks", "UTC")
    assert mapped(job) == {
        "unit": "branch",
        "submitted_at": "Timestamp",
        "nps": "1. How likely are you to recommend us to a friend or colleague?",
        "ces": "3. How easy was it to get what you needed?",
        "comment": "2. Quel est le principal motif de votre note? / What is the main reason for "
        "your score?",
        "external_id": "Response ID",
    }
    job = check(job, django_capture_on_commit_callbacks, then_commit=True)
    assert job.status == ImportStatus.DONE, job.errors
    first, second = Response.objects.filter(import_job=job).order_by("submitted_at")
    assert first.submitted_at == datetime(2024, 3, 5, 19, 30, 12, tzinfo=UTC)
    assert (first.external_id, first.nps, first.ces) == ("clt8a2b3c0001abcd1234efgh", 9, 6)
    assert (second.unit.code, second.comment) == ("B2", "Too many steps in the app")


@pytest.mark.django_db
def test_sillage_template_maps_every_column(org_world):
    header = ",".join(
        [
            "unit_code",
            "touchpoint_code",
            "submitted_at",
            "nps",
            "csat",
            "ces",
            "comment",
            "external_id",
            "language",
            "employee_code",
            "survey",
        ]
    )
    job = upload(org_world, header + "\nB1,,2024-03-05,9,,,,,,,\n")
    assert job.detected_format == "sillage"
    assert job.mapping == {t: i for i, t in enumerate(TARGETS)}


@pytest.mark.django_db
def test_a_spreadsheet_of_unknown_origin_is_generic_and_matched_by_name(org_world):
    job = upload(
        org_world, "Succursale;Date de la réponse;Satisfaction;Langue\nB1;2024-03-05;4;fr\n"
    )
    assert job.detected_format == "generic"
    assert mapped(job) == {
        "unit": "Succursale",
        "submitted_at": "Date de la réponse",
        "csat": "Satisfaction",
        "language": "Langue",
    }

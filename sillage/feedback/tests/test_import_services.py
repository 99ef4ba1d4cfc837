"""Imports of past responses, service level: every bad row reported with its line, column and
reason; nothing written on any problem; exactly N rows written otherwise, never twice."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from sillage.accounts.models import Membership, Unit
from sillage.feedback.definition import validate_answers
from sillage.feedback.importing import services, validate
from sillage.feedback.importing.errors import Problem
from sillage.feedback.importing.services import (
    import_check,
    import_commit,
    import_resume_stale,
    import_set_mapping,
    import_upload,
)
from sillage.feedback.models import ImportJob, ImportMapping, ImportStatus, Response
from sillage.feedback.services import response_create
from sillage.feedback.tests.factories import build_feedback

HEADER = (
    "unit_code,touchpoint_code,submitted_at,nps,csat,ces,comment,external_id,language,"
    "employee_code\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def org_world(world):
    """The shared world, a touchpoint "comptoir", a survey, and Émile's employee code E100."""
    world.feedback = build_feedback(world.org, world.b1)
    Membership.objects.filter(user=world.employee).update(employee_code="E100")
    return world


def upload(world, content: bytes | str, name: str = "past.csv", user=None) -> ImportJob:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return import_upload(
        organization=world.org, user=user, upload=ContentFile(raw, name=name), name=name
    )


def check(job: ImportJob, capture, then_commit: bool = False) -> ImportJob:
    with capture(execute=True):
        import_check(job=job, then_commit=then_commit)
    job.refresh_from_db()
    return job


def commit(job: ImportJob, capture) -> ImportJob:
    with capture(execute=True):
        import_commit(job=job)
    job.refresh_from_db()
    return job


def french(job: ImportJob) -> list[str]:
    with translation.override("fr"):
        return [str(Problem.from_json(p)) for p in job.errors]


def imported(job: ImportJob):
    return Response.objects.filter(import_job=job).order_by("submitted_at", "id")


# --------------------------------------------------------------------------------------------
# Every malformed case, exactly where a person would look.


@pytest.mark.django_db
def test_each_bad_row_is_reported_by_line_column_and_reason_and_nothing_is_written(
    org_world, django_capture_on_commit_callbacks
):
    before = Response.objects.count()
    job = upload(
        org_world,
        HEADER + "B1,comptoir,2024-03-05 14:30,9,5,,Très bien,R-1,fr,\n"
        "B9,comptoir,2024-03-05 14:30,8,,,,R-2,fr,\n"
        "B1,guichet,2024-03-05 14:30,8,,,,R-3,fr,\n"
        "B1,,2024-13-45,8,,,,R-4,fr,\n"
        "B1,,2024-03-05,11,,,,R-5,fr,\n"
        "B1,,2024-03-05,8,6,,,R-6,en,\n"
        "B1,,2024-03-05,8,,9,,R-7,,\n"
        "B1,,2024-03-05,8,,,,R-1,fr,\n"
        "B1,,2024-03-05,abc,,,,R-9,fr,\n"
        "B1,,2024-03-05,7,,,,R-10,klingon,\n"
        "B1,,2024-03-05,7,,,,R-11,fr,E999\n"
        "B1,,2099-01-01,7,,,,R-12,fr,\n"
        ",,2024-03-05,7,,,,R-13,fr,\n",
    )
    job = check(job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.INVALID
    assert french(job) == [
        "ligne 3, colonne unit_code : Code d’unité inconnu « B9 ».",
        "ligne 4, colonne touchpoint_code : Code de point de contact inconnu « guichet ».",
        "ligne 5, colonne submitted_at : « 2024-13-45 » n’est pas une date reconnue "
        "(par exemple 2024-03-05 14:30 ou 05/03/2024).",
        "ligne 6, colonne nps : 11 est hors de l’échelle 0–10.",
        "ligne 7, colonne csat : 6 est hors de l’échelle 1–5.",
        "ligne 8, colonne ces : 9 est hors de l’échelle 1–7.",
        "ligne 9, colonne external_id : L’identifiant externe « R-1 » figure déjà à la ligne 2.",
        "ligne 10, colonne nps : « abc » n’est pas un nombre entier.",
        "ligne 11, colonne language : Langue inconnue « klingon » (fr ou en attendu).",
        "ligne 12, colonne employee_code : Personne dans l’organisation n’a le code "
        "d’employé « E999 ».",
        "ligne 13, colonne submitted_at : 2099-01-01 est dans le futur.",
        "ligne 14, colonne unit_code : Cette cellule est vide, et la colonne est obligatoire.",
    ]
    assert job.error_count == 12
    assert (job.total_rows, job.options["stats"]["valid"]) == (13, 1)
    assert Response.objects.count() == before
    with pytest.raises(ValidationError):
        import_commit(job=job)


@pytest.mark.django_db
def test_the_example_of_the_brief_reads_as_a_french_user_expects(
    org_world, django_capture_on_commit_callbacks
):
    rows = "".join(f"B1,,2024-03-05,{n % 11},,,,,fr,\n" for n in range(810))
    job = check(
        upload(org_world, HEADER.replace("nps", "NPS") + rows + "B1,,2024-03-05,11,,,,,,\n"),
        django_capture_on_commit_callbacks,
    )
    assert french(job) == ["ligne 812, colonne NPS : 11 est hors de l’échelle 0–10."]


@pytest.mark.django_db
@pytest.mark.parametrize("in_memory", [200_000, 0], ids=["ids-read-once", "ids-per-chunk"])
def test_duplicate_external_id_against_existing_rows_is_reported(
    org_world, django_capture_on_commit_callbacks, monkeypatch, in_memory
):
    monkeypatch.setattr(validate, "EXISTING_IN_MEMORY", in_memory)
    version = org_world.feedback.version
    response_create(
        organization=org_world.org,
        unit=org_world.b1,
        touchpoint=None,
        source="api",
        validated=validate_answers(version.definition, {"nps": "9"}),
        language="fr",
        external_id="R-7",
    )
    job = check(
        upload(org_world, HEADER + "B1,,2024-03-05,8,,,,R-6,fr,\nB2,,2024-03-05,8,,,,R-7,fr,\n"),
        django_capture_on_commit_callbacks,
    )
    assert french(job) == [
        "ligne 3, colonne external_id : L’identifiant externe « R-7 » est déjà enregistré "
        "(par une importation précédente ou l’API)."
    ]


@pytest.mark.django_db
def test_existing_external_ids_can_be_skipped_rather_than_reported(
    org_world, django_capture_on_commit_callbacks
):
    first = check(
        upload(org_world, HEADER + "B1,,2024-03-05,8,,,,R-1,fr,\n"),
        django_capture_on_commit_callbacks,
        then_commit=True,
    )
    assert first.status == ImportStatus.DONE
    job = upload(org_world, HEADER + "B1,,2024-03-05,8,,,,R-1,fr,\nB2,,2024-03-06,6,,,,R-2,fr,\n")
    import_set_mapping(job=job, mapping=job.mapping, options={"skip_existing": True})
    job = check(job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.VALID
    assert job.options["stats"] == {"valid": 1, "skipped_empty": 0, "skipped_existing": 1}
    job = commit(job, django_capture_on_commit_callbacks)
    assert job.imported_rows == 1
    assert list(imported(job).values_list("external_id", flat=True)) == ["R-2"]


@pytest.mark.django_db
def test_empty_file_is_refused_at_upload(org_world):
    job = upload(org_world, b"")
    assert job.status == ImportStatus.INVALID
    assert french(job) == ["Le fichier est vide."]


@pytest.mark.django_db
def test_header_without_data_line_is_refused(org_world, django_capture_on_commit_callbacks):
    job = check(upload(org_world, HEADER + "\n\n"), django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.INVALID
    assert french(job) == ["Le fichier a un en-tête mais aucune ligne de données."]


@pytest.mark.django_db
def test_wrong_encoding_names_the_line(org_world):
    raw = HEADER.encode() + b"B1,,2024-03-05,9,,,ok,,fr,\nB1,,2024-03-05,9,,,\x81\x8d,,fr,\n"
    job = upload(org_world, raw)
    assert job.status == ImportStatus.INVALID
    assert french(job) == [
        "ligne 3, colonne — : Cette ligne n’est ni du texte UTF-8 ni du Windows-1252. "
        "Enregistrez le fichier en « CSV UTF-8 » depuis votre tableur."
    ]


@pytest.mark.django_db
def test_binary_and_old_excel_files_are_refused(org_world):
    assert french(upload(org_world, b"\x89PNG\r\n\x1a\n\x00\x00")) == [
        "Ce n’est pas un fichier CSV ni Excel (.xlsx) : il contient des données binaires."
    ]
    assert french(upload(org_world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50)) == [
        "Ancien format Excel (.xls) : enregistrez d’abord le fichier en .xlsx ou en CSV."
    ]


@pytest.mark.django_db
def test_missing_required_mapping_is_reported_before_any_row(
    org_world, django_capture_on_commit_callbacks
):
    job = check(
        upload(org_world, "succursale,quand,remarque\nB1,hier,Bien\n"),
        django_capture_on_commit_callbacks,
    )
    assert job.mapping["unit"] == 0 and job.mapping["comment"] == 2
    assert french(job) == ["Choisissez la colonne du fichier pour « Date de la réponse »."]
    job = upload(org_world, "quand\n2024-03-05\n")
    job = check(job, django_capture_on_commit_callbacks)
    assert french(job) == [
        "Choisissez la colonne du fichier pour « Code d’unité ».",
        "Choisissez la colonne du fichier pour « Date de la réponse ».",
        "Choisissez au moins une colonne parmi NPS, CSAT, CES et commentaire.",
    ]


@pytest.mark.django_db
def test_rows_without_any_answer_are_skipped_and_counted(
    org_world, django_capture_on_commit_callbacks
):
    job = check(
        upload(org_world, HEADER + "B1,,2024-03-05,9,,,,,fr,\nB1,,2024-03-05,,,,,,fr,\n"),
        django_capture_on_commit_callbacks,
        then_commit=True,
    )
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.imported_rows) == (2, 1)
    assert job.options["stats"]["skipped_empty"] == 1


# --------------------------------------------------------------------------------------------
# What spreadsheets really write


@pytest.mark.django_db
def test_french_excel_csv_cp1252_semicolons_and_decimal_commas(
    org_world, django_capture_on_commit_callbacks
):
    raw = (
        "Code unité;Date;NPS;CSAT;Commentaire\r\n"
        "B1;05/03/2024 14:30;8,0;4;Très appréciée, l’équipe\r\n"
        "B2;06/03/2024;10;5,0;\r\n"
    ).encode("cp1252")
    job = upload(org_world, raw)
    assert (job.options["encoding"], job.options["delimiter"]) == ("cp1252", ";")
    assert job.mapping["unit"] == 0 and job.mapping["nps"] == 2 and job.mapping["csat"] == 3
    job = check(job, django_capture_on_commit_callbacks, then_commit=True)
    assert job.status == ImportStatus.DONE, french(job)
    first, second = imported(job)
    assert (first.nps, first.csat, first.comment) == (8, 4, "Très appréciée, l’équipe")
    # Day first, in the organisation's time zone (Toronto, UTC-5 in March), stored aware.
    assert first.submitted_at == datetime(2024, 3, 5, 19, 30, tzinfo=UTC)
    assert second.submitted_at == datetime(2024, 3, 6, 5, 0, tzinfo=UTC)
    assert (second.nps, second.csat) == (10, 5)


@pytest.mark.django_db
def test_utf8_with_bom_and_tabs(org_world, django_capture_on_commit_callbacks):
    raw = "\ufeffunit_code\tsubmitted_at\tnps\tcomment\nB1\t2024-07-15 09:00\t9\tÉté\n"
    job = upload(org_world, raw.encode("utf-8"))
    assert (job.options["encoding"], job.options["delimiter"]) == ("utf-8-sig", "\t")
    assert job.header == ["unit_code", "submitted_at", "nps", "comment"]
    job = check(job, django_capture_on_commit_callbacks, then_commit=True)
    (response,) = imported(job)
    assert response.comment == "Été"
    assert response.submitted_at == datetime(2024, 7, 15, 13, 0, tzinfo=UTC)  # EDT, UTC-4


@pytest.mark.django_db
def test_utf16_unicode_text_from_excel(org_world, django_capture_on_commit_callbacks):
    raw = "unit_code\tsubmitted_at\tnps\nB1\t2024-03-05\t7\n".encode("utf-16")
    job = check(upload(org_world, raw), django_capture_on_commit_callbacks, then_commit=True)
    assert job.status == ImportStatus.DONE
    assert imported(job).get().nps == 7


@pytest.mark.django_db
def test_multi_line_quoted_comments_report_the_physical_line(
    org_world, django_capture_on_commit_callbacks
):
    raw = (
        HEADER + 'B1,,2024-03-05,9,,,"Première ligne\nDeuxième ligne\r\nTroisième",R-1,fr,\n'
        '"B9",,2024-03-05,9,,,"Un, deux",R-2,fr,\n'
        'B1,,2024-03-05,9,,,"Encore\n\nune",R-3,fr,\n'
        "B1,,2024-03-05,12,,,,R-4,fr,\n"
    )
    job = check(upload(org_world, raw), django_capture_on_commit_callbacks)
    assert [(p["line"], p["column"]) for p in job.errors] == [(5, "unit_code"), (9, "nps")]


@pytest.mark.django_db
def test_multi_line_comment_is_kept_whole(org_world, django_capture_on_commit_callbacks):
    raw = HEADER + 'B1,,2024-03-05,9,,,"Première ligne\r\nDeuxième ligne",R-1,fr,\n'
    job = check(upload(org_world, raw), django_capture_on_commit_callbacks, then_commit=True)
    assert imported(job).get().comment == "Première ligne\nDeuxième ligne"


@pytest.mark.django_db
def test_xlsx_with_excel_dates_and_sheet_row_numbers(
    org_world, django_capture_on_commit_callbacks, tmp_path
):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Unité", "Date", "NPS", "Commentaire", "ID"])
    sheet.append(["B1", datetime(2024, 3, 5, 14, 30), 9, "Parfait", 1001])  # noqa: DTZ001 - Excel cells are naive
    sheet.append(["B2", 45356.75, 7.0, None, 1002])  # a serial date: 2024-03-05 18:00
    sheet.append([None, None, None, None, None])
    sheet.append(["B9", datetime(2024, 3, 6), 8, "Bien", 1003])  # noqa: DTZ001
    path = tmp_path / "export.xlsx"
    book.save(path)
    job = upload(org_world, path.read_bytes(), name="export.xlsx")
    assert job.options["kind"] == "xlsx"
    assert job.mapping["unit"] == 0 and job.mapping["submitted_at"] == 1
    assert job.mapping["external_id"] is None  # "ID" alone is too vague to guess
    job = check(job, django_capture_on_commit_callbacks)
    assert french(job) == ["ligne 5, colonne Unité : Code d’unité inconnu « B9 »."]
    sheet["A5"] = "B3"
    book.save(path)
    job = upload(org_world, path.read_bytes(), name="export.xlsx")
    import_set_mapping(job=job, mapping={**job.mapping, "external_id": 4})
    job = check(job, django_capture_on_commit_callbacks, then_commit=True)
    assert job.status == ImportStatus.DONE
    rows = list(imported(job))
    assert [r.submitted_at for r in rows] == [
        datetime(2024, 3, 5, 19, 30, tzinfo=UTC),
        datetime(2024, 3, 5, 23, 0, tzinfo=UTC),
        datetime(2024, 3, 6, 5, 0, tzinfo=UTC),
    ]
    assert [r.external_id for r in rows] == ["1001", "1002", "1003"]
    assert [r.nps for r in rows] == [9, 7, 8]


# --------------------------------------------------------------------------------------------
# Dry run, commit, retries


@pytest.mark.django_db
def test_dry_run_writes_nothing(org_world, django_capture_on_commit_callbacks):
    before = Response.objects.count()
    job = check(
        upload(org_world, HEADER + "B1,,2024-03-05,9,,,,R-1,fr,\n"),
        django_capture_on_commit_callbacks,
    )
    assert job.status == ImportStatus.VALID
    assert (job.total_rows, job.imported_rows, job.error_count) == (1, 0, 0)
    assert Response.objects.count() == before


@pytest.mark.django_db
def test_commit_writes_exactly_the_rows_with_source_import_and_the_job(
    org_world, django_capture_on_commit_callbacks
):
    survey = org_world.feedback.survey
    job = upload(
        org_world,
        HEADER + "B1,comptoir,2024-03-05 14:30,9,5,,Accueil chaleureux,R-1,fr,E100\n"
        'b2,COMPTOIR,2024-03-06 10:00:05,3,,2,"Trop d\'attente, vraiment",R-2,EN,\n'
        "T1,,2024-03-07,,4,,,,,\n",
    )
    import_set_mapping(job=job, mapping=job.mapping, options={"survey": survey.pk})
    job = check(job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.VALID
    job = commit(job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE
    assert job.imported_rows == 3 and job.finished_at is not None
    rows = list(imported(job))
    assert len(rows) == 3 == Response.objects.filter(source="import").count()
    first, second, third = rows
    touchpoint = org_world.feedback.touchpoint
    assert (first.organization, first.unit, first.touchpoint, first.survey) == (
        org_world.org,
        org_world.b1,
        touchpoint,
        survey,
    )
    assert (first.source, first.external_id, first.language, first.employee_code) == (
        "import",
        "R-1",
        "fr",
        "E100",
    )
    assert (first.nps, first.csat, first.ces, first.answers) == (9, 5, None, {"nps": 9, "csat": 5})
    assert first.comment == "Accueil chaleureux"
    assert first.received_at is not None and first.contact_consent is False
    assert (second.unit, second.touchpoint, second.language) == (org_world.b2, touchpoint, "en")
    assert second.answers == {"nps": 3, "ces": 2}
    assert second.comment == "Trop d'attente, vraiment"
    assert (third.unit, third.external_id, third.answers) == (org_world.t1, None, {"csat": 4})
    assert third.submitted_at == datetime(2024, 3, 7, 5, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_committing_twice_writes_nothing_more(org_world, django_capture_on_commit_callbacks):
    job = check(
        upload(org_world, HEADER + "B1,,2024-03-05,9,,,,,fr,\nB1,,2024-03-05,9,,,,,fr,\n"),
        django_capture_on_commit_callbacks,
        then_commit=True,
    )
    assert job.imported_rows == 2
    with pytest.raises(ValidationError):
        import_commit(job=job)
    # The task run again (a worker retrying it) finds the job done.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    services.import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert imported(job).count() == 2


@pytest.mark.django_db
def test_the_same_file_cannot_be_imported_twice_even_without_external_ids(
    org_world, django_capture_on_commit_callbacks
):
    content = HEADER + "B1,,2024-03-05,9,,,,,fr,\n"
    first = check(upload(org_world, content), django_capture_on_commit_callbacks, then_commit=True)
    again = check(upload(org_world, content, name="copie.csv"), django_capture_on_commit_callbacks)
    assert again.status == ImportStatus.INVALID
    day = timezone.localtime(first.finished_at).date().isoformat()
    assert french(again) == [
        f"Ce même fichier a déjà été importé le {day} (voir l’importation {first.pk})."
    ]
    assert Response.objects.filter(source="import").count() == 1


@pytest.mark.django_db
def test_a_unit_deleted_between_the_check_and_the_commit_rolls_it_back(
    org_world, django_capture_on_commit_callbacks
):
    extra = Unit.add(organization=org_world.org, parent=org_world.r1, code="B7", name_fr="Sept")
    job = check(
        upload(
            org_world,
            HEADER + "B1,,2024-03-05,9,,,,R-1,fr,\nB7,,2024-03-05,7,,,,R-3,fr,\n",
        ),
        django_capture_on_commit_callbacks,
    )
    assert job.status == ImportStatus.VALID
    extra.delete()
    job = commit(job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.INVALID
    assert french(job) == [
        "Des lignes sont devenues invalides depuis la vérification (une unité, un code ou un "
        "identifiant externe a changé) : rien n’a été enregistré."
    ]
    assert Response.objects.filter(source="import").count() == 0
    job = check(job, django_capture_on_commit_callbacks)  # checking again names the line
    assert french(job) == ["ligne 3, colonne unit_code : Code d’unité inconnu « B7 »."]


@pytest.mark.django_db
def test_rows_written_by_earlier_chunks_are_rolled_back_by_a_late_failure(
    org_world, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "scan", functools.partial(validate.scan, chunk_rows=1))
    job = check(
        upload(
            org_world,
            HEADER + "B1,,2024-03-05,9,,,,R-1,fr,\nB2,,2024-03-05,8,,,,R-2,fr,\n"
            "B3,,2024-03-05,7,,,,R-3,fr,\n",
        ),
        django_capture_on_commit_callbacks,
    )
    response_create(  # the last row's id arrives through the API before the commit
        organization=org_world.org,
        unit=org_world.b1,
        touchpoint=None,
        source="api",
        validated=validate_answers(org_world.feedback.version.definition, {"nps": "9"}),
        language="fr",
        external_id="R-3",
    )
    written: list[int] = []
    writer_class = type(services.writer_for(organization_id=0, import_job_id=0))
    original = writer_class.write_prepared

    def spy(self, rows):
        written.append(len(rows))
        return original(self, rows)

    monkeypatch.setattr(writer_class, "write_prepared", spy)
    job = commit(job, django_capture_on_commit_callbacks)
    assert written == [1, 1, 1]  # one chunk at a time: two were written before the third failed
    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["code"] == "changed"
    assert Response.objects.filter(source="import").count() == 0


@pytest.mark.django_db
def test_without_its_staged_rows_the_commit_reads_the_file_again(
    org_world, django_capture_on_commit_callbacks
):
    job = check(
        upload(org_world, HEADER + "B1,,2024-03-05,9,,,,R-1,fr,\n"),
        django_capture_on_commit_callbacks,
    )
    staged = job.options["staged"]
    assert job.file.storage.exists(staged)
    job.file.storage.delete(staged)
    job = commit(job, django_capture_on_commit_callbacks)
    assert (job.status, job.imported_rows) == (ImportStatus.DONE, 1)
    assert job.options["staged"] is None


@pytest.mark.django_db
def test_an_external_id_recorded_after_the_check_rolls_the_commit_back(
    org_world, django_capture_on_commit_callbacks
):
    job = check(
        upload(org_world, HEADER + "B1,,2024-03-05,9,,,,R-1,fr,\nB1,,2024-03-05,9,,,,R-2,fr,\n"),
        django_capture_on_commit_callbacks,
    )
    response_create(
        organization=org_world.org,
        unit=org_world.b1,
        touchpoint=None,
        source="api",
        validated=validate_answers(org_world.feedback.version.definition, {"nps": "9"}),
        language="fr",
        external_id="R-2",
    )
    job = commit(job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["code"] == "changed"
    assert Response.objects.filter(source="import").count() == 0


@pytest.mark.django_db
def test_a_fixed_unit_serves_files_without_a_unit_column(
    org_world, django_capture_on_commit_callbacks
):
    job = upload(org_world, "Date,Note\n2024-03-05,9\n")
    job = check(job, django_capture_on_commit_callbacks)
    assert [p["code"] for p in job.errors] == ["missing_mapping", "missing_answer_mapping"]
    import_set_mapping(
        job=job, mapping={"submitted_at": 0, "nps": 1}, options={"unit": org_world.b3.pk}
    )
    job = check(job, django_capture_on_commit_callbacks, then_commit=True)
    assert imported(job).get().unit == org_world.b3


@pytest.mark.django_db
def test_another_organisations_unit_is_never_used_as_the_fixed_unit(
    org_world, django_capture_on_commit_callbacks
):
    job = upload(org_world, "Date,Note\n2024-03-05,9\n")
    import_set_mapping(
        job=job, mapping={"submitted_at": 0, "nps": 1}, options={"unit": org_world.other_unit.pk}
    )
    assert job.options["unit"] is None
    job = check(job, django_capture_on_commit_callbacks)
    assert [p["params"].get("field") for p in job.errors] == ["unit"]


@pytest.mark.django_db
def test_month_first_dates_when_chosen(org_world, django_capture_on_commit_callbacks):
    job = upload(org_world, "unit_code,date,nps\nB1,03/25/2024 2:30 PM,9\n")
    job = check(job, django_capture_on_commit_callbacks)
    assert french(job) == [
        "ligne 2, colonne date : « 03/25/2024 2:30 PM » n’est pas une date valide avec le jour "
        "en premier (05/03/2024 = 5 mars) ; vérifiez l’ordre de la date."
    ]
    import_set_mapping(job=job, mapping=job.mapping, options={"day_first": False})
    job = check(job, django_capture_on_commit_callbacks, then_commit=True)
    assert imported(job).get().submitted_at == datetime(2024, 3, 25, 18, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_remembered_mapping_is_offered_again_for_the_same_layout(org_world):
    job = upload(org_world, "Succ.;Quand;Score;Verbatim client\nB1;2024-03-05;9;Bien\n")
    assert job.mapping["submitted_at"] is None  # "Quand" is not a name Sillage knows
    mapping = {"unit": 0, "submitted_at": 1, "nps": 2, "comment": 3}
    import_set_mapping(
        job=job, mapping=mapping, options={"unit": org_world.b2.pk, "day_first": False}
    )
    remembered = ImportMapping.objects.get(organization=org_world.org)
    assert remembered.signature == job.options["signature"]
    # Same layout, different case and spacing: the same signature.
    again = upload(org_world, "succ. ; QUAND;score;Verbatim  client\nB2;2024-03-06;7;Bof\n")
    assert again.mapping == {**dict.fromkeys(again.mapping), **mapping}
    assert again.options["remembered"] is True
    assert (again.options["unit"], again.options["day_first"]) == (org_world.b2.pk, False)
    other_org_job = import_upload(
        organization=org_world.other_org,
        user=None,
        upload=ContentFile(b"Succ.;Quand;Score;Verbatim client\nX;2024-03-05;9;Bien\n", "a.csv"),
    )
    assert other_org_job.mapping["submitted_at"] is None
    assert "remembered" not in other_org_job.options


@pytest.mark.django_db
def test_a_job_left_busy_by_a_stopped_worker_is_resumed(
    org_world, django_capture_on_commit_callbacks
):
    job = upload(org_world, HEADER + "B1,,2024-03-05,9,,,,,fr,\n")
    assert job.total_rows == 1  # the estimate before the check: lines minus the header
    with django_capture_on_commit_callbacks(execute=False):
        import_check(job=job)  # enqueued, but the worker died before running it
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATING
    now = timezone.now()
    assert import_resume_stale(now=now) == 0  # started just now: still running, surely
    with django_capture_on_commit_callbacks(execute=True):
        assert import_resume_stale(now=now + timedelta(hours=1)) == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.VALID


@pytest.mark.django_db
def test_a_failed_second_run_does_not_undo_a_finished_import(
    org_world, django_capture_on_commit_callbacks, monkeypatch
):
    job = check(
        upload(org_world, HEADER + "B1,,2024-03-05,9,,,,,fr,\n"),
        django_capture_on_commit_callbacks,
        then_commit=True,
    )
    assert job.status == ImportStatus.DONE

    def broken(*args, **kwargs):
        raise RuntimeError("database is locked")

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    monkeypatch.setattr(services, "_lock", broken)
    with pytest.raises(RuntimeError):
        services.import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED  # it was RUNNING, so it is marked…
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    with pytest.raises(RuntimeError):
        services._write(job)  # …but a DONE job is never turned into FAILED
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert imported(job).count() == 1

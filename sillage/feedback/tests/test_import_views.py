"""The import pages: list and upload, mapping, preview, check, report, commit, progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sillage.accounts.tests.factories import make_member
from sillage.feedback.models import ImportJob, ImportMapping, ImportStatus, Response
from sillage.feedback.tests import test_import_services as base
from sillage.feedback.tests.test_import_services import HEADER, check, upload
from tests.test_i18n import english_left_behind

org_world = base.org_world
media = base.media

FRENCH_FILE = "Code unité;Date;NPS;Commentaire;Langue\nB1;05/03/2024 14:30;9;Très bien;fr\n"


def list_url(slug: str = "caisse") -> str:
    return reverse("response_import_list", kwargs={"org_slug": slug})


def detail_url(job: ImportJob) -> str:
    return reverse(
        "response_import_detail",
        kwargs={"org_slug": job.organization.slug, "import_id": job.pk},
    )


def as_user(client, user, language: str = "fr"):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


# --------------------------------------------------------------------------------------------
# Who may import


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("cx_lead", 200),
        ("executive", 404),
        ("regional_manager", 404),
        ("branch_manager", 404),
        ("employee", 404),
    ],
)
def test_only_roles_that_import_responses_see_the_pages(org_world, client, who, status):
    job = upload(org_world, FRENCH_FILE)
    as_user(client, getattr(org_world, who))
    assert client.get(list_url()).status_code == status
    assert client.get(detail_url(job)).status_code == status
    response = client.post(detail_url(job), {"action": "check"})
    assert response.status_code == (302 if status == 200 else 404)


@pytest.mark.django_db
def test_an_executive_cannot_upload(org_world, client):
    before = ImportJob.objects.count()
    as_user(client, org_world.executive)
    upload_file = SimpleUploadedFile("x.csv", FRENCH_FILE.encode())
    assert client.post(list_url(), {"file": upload_file}).status_code == 404
    assert ImportJob.objects.count() == before


@pytest.mark.django_db
def test_another_organisations_import_is_a_404(org_world, client):
    theirs = base.import_upload(
        organization=org_world.other_org,
        user=None,
        upload=SimpleUploadedFile("autre.csv", FRENCH_FILE.encode()),
    )
    as_user(client, org_world.admin)
    url = reverse("response_import_detail", kwargs={"org_slug": "caisse", "import_id": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "check"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ImportStatus.UPLOADED


# --------------------------------------------------------------------------------------------
# List and upload


@pytest.mark.django_db
def test_list_shows_past_imports_with_status_counts_who_and_when(
    org_world, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    done = check(
        upload(
            org_world,
            HEADER + "B1,,2024-03-05,9,,,,,fr,\n",
            name="mars.csv",
            user=org_world.cx_lead,
        ),
        django_capture_on_commit_callbacks,
        then_commit=True,
    )
    for n in range(4):
        people = make_member(
            org_world.org, org_world.hq, "cx_lead", f"p{n}@caisse.test", "P", f"{n}"
        )
        upload(org_world, HEADER + "B9,,2024-03-05,9,,,,,fr,\n", name=f"f{n}.csv", user=people.user)
    as_user(client, org_world.admin)
    with django_assert_max_num_queries(9):
        response = client.get(list_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Importer des réponses passées" in content
    assert (
        f'href="{detail_url(done)}">mars.csv</a><br><small class="muted">Modèle Sillage</small>'
        in content
    )
    assert '<span class="badge badge--accent">Importé</span>' in content
    assert "Chloé Gagnon" in content
    # Four new uploads, and the factories' own job (build_feedback).
    assert content.count('<span class="badge">Téléversé</span>') == 5


@pytest.mark.django_db
def test_upload_goes_to_the_mapping_step_with_columns_prefilled(org_world, client):
    as_user(client, org_world.cx_lead)
    response = client.post(
        list_url(), {"file": SimpleUploadedFile("mars.csv", FRENCH_FILE.encode("cp1252"))}
    )
    job = ImportJob.objects.filter(organization=org_world.org).latest("pk")
    assert response.status_code == 302 and response.url == detail_url(job)
    assert (job.created_by, job.original_name, job.status) == (
        org_world.cx_lead,
        "mars.csv",
        ImportStatus.UPLOADED,
    )
    content = client.get(detail_url(job)).content.decode()
    assert '<option value="0" selected>Code unité</option>' in content  # the unit select
    assert '<option value="2" selected>NPS</option>' in content
    assert "2. Aperçu des premières lignes" in content
    assert "Très bien" in content


@pytest.mark.django_db
def test_an_upload_without_a_file_is_refused(org_world, client):
    before = ImportJob.objects.count()
    as_user(client, org_world.admin)
    response = client.post(list_url(), {})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert ImportJob.objects.count() == before


@pytest.mark.django_db
def test_the_template_download(org_world, client):
    as_user(client, org_world.admin)
    response = client.get(reverse("response_import_template", kwargs={"org_slug": "caisse"}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "unit_code,touchpoint_code,submitted_at,nps,csat,ces,comment,external_id,language,"
        "employee_code,survey"
    )
    assert lines[1] == 'HQ,,2024-03-05 14:30,9,5,,"Accueil chaleureux, merci!",R-0001,fr,,'


# --------------------------------------------------------------------------------------------
# Mapping and preview


def mapping_post(job, **columns):
    data = {"action": "map", "day_first": "1", "time_zone": "America/Toronto"}
    for target in (
        "unit",
        "touchpoint",
        "submitted_at",
        "nps",
        "csat",
        "ces",
        "comment",
        "external_id",
        "language",
        "employee_code",
        "survey",
    ):
        data[f"col_{target}"] = ""
    data.update({f"col_{k}": str(v) for k, v in columns.items()})
    return data


@pytest.mark.django_db
def test_saving_the_mapping_stores_and_remembers_it(org_world, client):
    job = upload(org_world, "Succ.;Quand;Score\nB1;2024-03-05;9\n")
    as_user(client, org_world.admin)
    response = client.post(detail_url(job), mapping_post(job, unit=0, submitted_at=1, nps=2))
    assert response.status_code == 302 and response.url == detail_url(job) + "#preview"
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPED
    assert (job.mapping["unit"], job.mapping["submitted_at"], job.mapping["nps"]) == (0, 1, 2)
    remembered = ImportMapping.objects.get(organization=org_world.org)
    assert remembered.mapping["columns"] == job.mapping
    content = client.get(detail_url(job)).content.decode()
    assert "Colonnes enregistrées. Vérifiez l’aperçu ci-dessous." in content
    again = upload(org_world, "Succ.;Quand;Score\nB2;2024-03-06;7\n")
    content = client.get(detail_url(again)).content.decode()
    assert "Ces colonnes sont celles de votre dernière importation de même disposition." in content
    assert '<option value="1" selected>Quand</option>' in content


@pytest.mark.django_db
def test_a_column_cannot_feed_two_fields(org_world, client):
    job = upload(org_world, "Succ.;Quand;Score\nB1;2024-03-05;9\n")
    as_user(client, org_world.admin)
    response = client.post(
        detail_url(job), mapping_post(job, unit=0, submitted_at=1, nps=2, csat=2)
    )
    assert response.status_code == 400
    assert "Cette colonne alimente déjà « NPS (0–10) »." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


@pytest.mark.django_db
def test_the_preview_shows_the_first_20_rows_with_their_problems(org_world, client):
    rows = "".join(f"B1,,2024-03-{1 + n:02d},{n % 11},,,,,fr,\n" for n in range(24))
    job = upload(org_world, HEADER + "B9,,2024-03-05,9,,,,,fr,\n" + rows)
    as_user(client, org_world.admin)
    content = client.get(detail_url(job)).content.decode()
    preview = content.split('id="preview"')[1].split("</section>")[0]
    assert preview.count("<tr") == 21  # the header row and 20 rows
    assert '<td data-label="Ligne" class="num">2</td>' in preview
    assert '<td data-label="Ligne" class="num">21</td>' in preview
    assert '<td data-label="Ligne" class="num">22</td>' not in preview
    assert '<p class="field__error">Code d’unité inconnu « B9 ».</p>' in preview


# --------------------------------------------------------------------------------------------
# Check, report, commit


@pytest.mark.django_db
def test_check_then_commit_through_the_pages(org_world, client, django_capture_on_commit_callbacks):
    job = upload(
        org_world,
        HEADER + "B1,,2024-03-05,9,,,,R-1,fr,\nB2,,2024-03-06,,,,,R-2,fr,\n"
        "B3,,2024-03-07,7,,,Bien,R-3,en,\n",
    )
    as_user(client, org_world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail_url(job), {"action": "check"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.VALID
    assert Response.objects.filter(source="import").count() == 0
    content = client.get(detail_url(job)).content.decode()
    assert "Les 2 lignes sont valides et prêtes à importer. 1 ligne sera ignorée." in content
    assert "Importer 2 réponses" in content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail_url(job), {"action": "commit"})
    job.refresh_from_db()
    assert (job.status, job.imported_rows) == (ImportStatus.DONE, 2)
    assert Response.objects.filter(import_job=job, source="import").count() == 2
    content = client.get(detail_url(job)).content.decode()
    assert "2 réponses importées le " in content
    assert 'name="action" value="map"' not in content  # a finished import is read-only
    response = client.post(detail_url(job), {"action": "commit"}, follow=True)
    assert "Seule une importation vérifiée et sans erreur peut être importée." in (
        response.content.decode()
    )
    assert Response.objects.filter(import_job=job).count() == 2


@pytest.mark.django_db
def test_the_report_lists_every_problem_in_french_page_by_page(
    org_world, client, django_capture_on_commit_callbacks
):
    bad = "".join(f"B1,,2024-03-05,{11 + n},,,,,fr,\n" for n in range(150))
    job = check(upload(org_world, HEADER + bad), django_capture_on_commit_callbacks)
    assert job.error_count == 150
    as_user(client, org_world.admin)
    first = client.get(detail_url(job)).content.decode()
    assert "150 problèmes — rien n’a été enregistré" in first
    assert (
        '<td data-label="Ligne" class="num">2</td><td data-label="Colonne">nps</td>'
        '<td data-label="Problème">11 est hors de l’échelle 0–10.</td>'
    ) in first
    assert first.count('data-label="Problème"') == 100
    assert "Page 1 sur 2" in first
    second = client.get(detail_url(job) + "?page=2").content.decode()
    assert second.count('data-label="Problème"') == 50
    assert "160 est hors de l’échelle 0–10." in second


@pytest.mark.django_db
def test_a_huge_report_keeps_the_first_thousand_problems_and_the_count(
    org_world, django_capture_on_commit_callbacks
):
    bad = "".join(f"B9,,2024-03-05,9,,,,,fr,\n" for _ in range(1200))  # noqa: F541
    job = check(upload(org_world, HEADER + bad), django_capture_on_commit_callbacks)
    assert (job.error_count, len(job.errors)) == (1200, 1000)
    assert job.errors[-1]["line"] == 1001


@pytest.mark.django_db
def test_an_unreadable_file_shows_its_report_and_no_mapping(org_world, client):
    job = upload(org_world, b"")
    as_user(client, org_world.admin)
    content = client.get(detail_url(job)).content.decode()
    assert "1 problème — rien n’a été enregistré" in content
    assert "Le fichier est vide." in content
    assert 'value="map"' not in content


# --------------------------------------------------------------------------------------------
# Progress


@pytest.mark.django_db
def test_progress_partial_polls_while_busy_then_asks_for_a_refresh(org_world, client):
    job = upload(org_world, FRENCH_FILE)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.VALIDATING, total_rows=200000, processed_rows=50000
    )
    as_user(client, org_world.admin)
    page = client.get(detail_url(job)).content.decode()
    assert f'hx-get="/o/caisse/imports/{job.pk}/?part=progress"' in page
    assert '<meta http-equiv="refresh" content="3">' in page  # without JavaScript
    partial = client.get(detail_url(job) + "?part=progress", headers={"HX-Request": "true"})
    content = partial.content.decode()
    assert content.startswith('\n<section id="import-progress"') or content.lstrip().startswith(
        '<section id="import-progress"'
    )
    assert 'hx-trigger="every 1s"' in content
    assert 'max="200000" value="50000"' in content
    assert "50\xa0000 lignes sur environ 200\xa0000" in content
    assert "HX-Refresh" not in partial
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, processed_rows=0)
    running = client.get(detail_url(job) + "?part=progress", headers={"HX-Request": "true"})
    assert "Écriture de 200000 lignes en une seule transaction…" in running.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    done = client.get(detail_url(job) + "?part=progress", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in done.content.decode()


@pytest.mark.django_db
def test_a_busy_import_cannot_be_changed(org_world, client):
    job = upload(org_world, FRENCH_FILE)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    as_user(client, org_world.admin)
    response = client.post(detail_url(job), {"action": "check"}, follow=True)
    assert "Cette importation est déjà en cours de traitement." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING


# --------------------------------------------------------------------------------------------
# French first


@pytest.mark.django_db
def test_import_pages_in_french_leave_no_english_behind(
    org_world, client, django_capture_on_commit_callbacks
):
    as_user(client, org_world.admin)
    fresh = upload(org_world, FRENCH_FILE)
    invalid = check(
        upload(org_world, "Code unité;Date;NPS;Commentaire\nB9;05/03/2024;11;\n"),
        django_capture_on_commit_callbacks,
    )
    valid = check(
        upload(org_world, FRENCH_FILE.replace("9;", "8;")), django_capture_on_commit_callbacks
    )
    done = check(
        upload(org_world, FRENCH_FILE.replace("9;", "7;")),
        django_capture_on_commit_callbacks,
        then_commit=True,
    )
    assert (invalid.status, valid.status, done.status) == ("invalid", "valid", "done")
    busy = upload(org_world, FRENCH_FILE.replace("9;", "6;"))
    ImportJob.objects.filter(pk=busy.pk).update(status=ImportStatus.RUNNING, total_rows=10)
    for url in [list_url()] + [detail_url(j) for j in (fresh, invalid, valid, done, busy)]:
        response = client.get(url, headers={"Accept-Language": "fr-CA"})
        assert response.status_code == 200
        assert english_left_behind(response.content.decode()) == set(), url

"""CSV import of units and staff: every bad line reported, nothing half-written."""

import pytest
from django.urls import reverse

from sillage.accounts.imports import import_csv
from sillage.accounts.models import Membership, Unit, UnitType


def run(world, text, encoding="utf-8", **options):
    return import_csv(organization=world.org, raw=text.encode(encoding), **options)


@pytest.mark.django_db
def test_units_import_builds_the_tree_even_when_children_come_first(world):
    UnitType.objects.create(organization=world.org, code="team", name_fr="Équipe", name_en="Team")
    report = run(
        world,
        "unit_code,parent_code,name_fr,name_en,type\n"
        "T9,B9,Équipe caisse,Teller team,team\n"
        "B9,R1,Succursale Hochelaga,Hochelaga Branch,\n",
    )
    assert report.ok, report.errors
    assert (report.created, report.updated) == (2, 0)
    b9 = Unit.objects.get(organization=world.org, code="B9")
    t9 = Unit.objects.get(organization=world.org, code="T9")
    assert b9.parent == world.r1
    assert t9.parent == b9 and t9.unit_type.code == "team"
    assert t9.path == f"{b9.path}{t9.pk:010d}/"


@pytest.mark.django_db
def test_units_import_reports_every_bad_line_and_writes_nothing(world):
    before = Unit.objects.count()
    report = run(
        world,
        "unit_code,parent_code,name_fr,name_en,type\n"
        "B10,R1,Succursale A,,\n"
        ",R1,Sans code,,\n"
        "B11,NOPE,Succursale B,,\n"
        "B10,R1,Doublon,,\n"
        "B12,R1,,,\n"
        "B13,R1,Succursale C,,kiosk\n",
    )
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "unit_code"),
        (4, "parent_code"),
        (5, "unit_code"),
        (6, "name_fr"),
        (7, "type"),
    ]
    assert (
        str(report.errors[1]) == "ligne 4, colonne parent_code : Unité parente inconnue « NOPE »."
    )
    assert Unit.objects.count() == before
    assert report.created == 0


@pytest.mark.django_db
def test_units_import_detects_a_parent_cycle(world):
    report = run(world, "unit_code,parent_code,name_fr\nX1,X2,Un\nX2,X1,Deux\n")
    assert {e.line for e in report.errors} == {2, 3}
    assert not Unit.objects.filter(code__in=["X1", "X2"]).exists()


@pytest.mark.django_db
def test_reimport_updates_names_and_moves_a_unit(world):
    report = run(world, "unit_code,parent_code,name_fr,name_en\nB2,R2,Succursale Verdun-Sud,\n")
    assert report.ok and report.updated == 1
    world.b2.refresh_from_db()
    assert (world.b2.name_fr, world.b2.parent) == ("Succursale Verdun-Sud", world.r2)


STAFF_HEADER = (
    "email;first_name;last_name;unit_code;role;employee_code;job_title;language;"
    "facilitator;ambassador\n"
)


@pytest.mark.django_db
def test_staff_import_from_french_excel_semicolons_and_windows_1252(world):
    text = (
        STAFF_HEADER
        + "zoe.lefebvre@caisse.test;Zoé;Lefebvre;B1;employee;E100;Conseillère;fr;oui;non\n"
        + "marc.pelletier@caisse.test;Marc;Pelletier;B2;manager;;Directeur;en;;x\n"
    )
    report = run(world, text, encoding="cp1252")
    assert report.ok, report.errors
    zoe = Membership.objects.get(user__email="zoe.lefebvre@caisse.test")
    assert (zoe.user.first_name, zoe.unit, zoe.is_facilitator, zoe.employee_code) == (
        "Zoé",
        world.b1,
        True,
        "E100",
    )
    marc = Membership.objects.get(user__email="marc.pelletier@caisse.test")
    assert (marc.role, marc.is_ambassador, marc.user.language) == ("manager", True, "en")


@pytest.mark.django_db
def test_staff_import_with_bom_and_a_quoted_multiline_title_counts_lines(world):
    text = (
        "\ufeffemail,first_name,last_name,unit_code,role,job_title\n"
        'a@caisse.test,Ana,B,B1,employee,"Conseillère\nprincipale"\n'
        "not-an-email,Bob,C,B1,employee,\n"
    )
    report = run(world, text)
    assert [(e.line, e.column) for e in report.errors] == [(4, "email")]
    assert not Membership.objects.filter(user__email="a@caisse.test").exists()


@pytest.mark.django_db
def test_staff_import_reports_each_reason(world):
    text = (
        "email,first_name,last_name,unit_code,role,employee_code,language,facilitator\n"
        "dup@caisse.test,A,B,B1,employee,,,\n"
        "dup@caisse.test,A,B,B1,employee,,,\n"
        "c@caisse.test,,B,B1,employee,,,\n"
        "d@caisse.test,A,B,ZZZ,employee,,,\n"
        "e@caisse.test,A,B,B1,boss,,,\n"
        "f@caisse.test,A,B,B1,employee,,de,\n"
        "g@caisse.test,A,B,B1,employee,,,peut-être\n"
    )
    report = run(world, text)
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "email"),
        (4, "first_name"),
        (5, "unit_code"),
        (6, "role"),
        (7, "language"),
        (8, "facilitator"),
    ]
    assert Membership.objects.filter(organization=world.org).count() == 7


@pytest.mark.django_db
def test_dry_run_validates_and_writes_nothing(world):
    report = run(
        world,
        "email,first_name,last_name,unit_code,role\nnew@caisse.test,N,E,B1,employee\n",
        dry_run=True,
    )
    assert report.ok and report.created == 1 and report.dry_run
    assert not Membership.objects.filter(user__email="new@caisse.test").exists()


@pytest.mark.django_db
def test_unknown_header_is_explained(world):
    report = run(world, "nom,courriel\nA,b@c.d\n")
    assert report.errors[0].line == 1
    assert report.errors[0].message.startswith(
        "En-tête non reconnu. Colonnes attendues : unit_code,"
    )


@pytest.mark.django_db
def test_import_page_shows_the_report_with_line_numbers(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.admin)
    upload = SimpleUploadedFile(
        "staff.csv", b"email,first_name,last_name,unit_code,role\nbad,A,B,B1,employee\n"
    )
    response = client.post(reverse("staff_import", args=[world.org.slug]), {"file": upload})
    content = response.content.decode()
    assert response.status_code == 422
    assert '<td class="num">2</td><td><code>email</code></td>' in content


@pytest.mark.django_db
def test_import_page_imports_for_real_when_not_a_dry_run(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.admin)
    upload = SimpleUploadedFile(
        "staff.csv", b"email,first_name,last_name,unit_code,role\nok@caisse.test,O,K,B3,employee\n"
    )
    response = client.post(
        reverse("staff_import", args=[world.org.slug]), {"file": upload, "dry_run": ""}
    )
    assert response.status_code == 200
    assert Membership.objects.get(user__email="ok@caisse.test").unit == world.b3

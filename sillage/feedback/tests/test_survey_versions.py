"""Publishing freezes a survey into numbered versions; answers keep the version they answered.
Duplicating a survey starts a new draft.

People: Chloé (CX lead) publishes; Édouard (executive) may not; Oscar's organisation has its
own survey.
"""

from __future__ import annotations

import copy
import re

import pytest
from django.urls import reverse

from sillage.feedback.definition import validate_answers
from sillage.feedback.models import Question, Survey, SurveyVersion
from sillage.feedback.services import response_create, survey_publish
from sillage.feedback.services_builder import survey_create
from sillage.feedback.tests.factories import build_feedback, make_survey


@pytest.fixture
def survey(world):
    return make_survey(world.org)


def url(name, world, *args):
    return reverse(name, args=[world.org.slug, *args])


def french(user):
    user.language = "fr"
    user.save()
    return user


def edit_nps_text(client, world, survey, text_fr):
    nps = survey.questions.get(key="nps")
    return client.post(
        url("question_edit", world, survey.pk, nps.pk),
        {"text_fr": text_fr, "text_en": nps.text_en, "required": "on"},
    )


@pytest.mark.django_db
def test_publishing_creates_version_1_and_shows_it(world, client, survey):
    client.force_login(french(world.cx_lead))
    response = client.post(url("survey_publish", world, survey.pk), follow=True)
    content = response.content.decode()
    version = SurveyVersion.objects.get(survey=survey)
    survey.refresh_from_db()
    assert (version.number, version.published_by) == (1, world.cx_lead)
    assert (survey.status, survey.has_unpublished_changes) == ("published", False)
    assert [q["key"] for q in version.definition["questions"]] == [
        "nps",
        "improve",
        "liked",
        "csat",
        "reason",
        "contact",
    ]
    assert "La version 1 est publiée" in content
    assert "Publié · version 1" in content
    assert "La version publiée correspond à ces questions." in content


@pytest.mark.django_db
def test_version_1_stays_frozen_when_the_draft_changes_then_version_2_has_the_change(
    world, client, survey
):
    client.force_login(french(world.cx_lead))
    client.post(url("survey_publish", world, survey.pk))
    v1 = SurveyVersion.objects.get(survey=survey, number=1)
    frozen = copy.deepcopy(v1.definition)

    edit_nps_text(client, world, survey, "Nous recommanderiez-vous à un proche?")
    survey.refresh_from_db()
    v1.refresh_from_db()
    assert survey.has_unpublished_changes
    assert v1.definition == frozen
    page = client.get(url("survey_edit", world, survey.pk)).content.decode()
    assert "Modifications non publiées" in page
    assert "Publier la version 2" in page

    response = client.post(url("survey_publish", world, survey.pk), follow=True)
    v2 = SurveyVersion.objects.get(survey=survey, number=2)
    v1.refresh_from_db()
    assert "La version 2 est publiée" in response.content.decode()
    assert v1.definition == frozen
    assert v2.definition["questions"][0]["text"]["fr"] == "Nous recommanderiez-vous à un proche?"
    assert frozen["questions"][0]["text"]["fr"] == "Recommanderiez-vous notre caisse à un proche?"


@pytest.mark.django_db
def test_a_response_recorded_against_version_1_keeps_version_1(world, client, survey):
    v1 = survey_publish(survey=survey, user=None)
    response, created = response_create(
        organization=world.org,
        unit=world.b1,
        touchpoint=None,
        source="link",
        validated=validate_answers(v1.definition, {"nps": "3", "improve": "L’attente"}),
        language="fr",
        survey_version=v1,
    )
    client.force_login(world.cx_lead)
    edit_nps_text(client, world, survey, "Sur 10, nous recommanderiez-vous?")
    client.post(url("survey_publish", world, survey.pk))
    response.refresh_from_db()
    assert created
    assert response.survey_version == v1
    assert response.survey_version.number == 1
    assert response.answers == {"nps": 3, "improve": "L’attente"}
    assert (
        response.survey_version.definition["questions"][0]["text"]["fr"]
        == "Recommanderiez-vous notre caisse à un proche?"
    )
    assert survey.versions.count() == 2


@pytest.mark.django_db
def test_versions_are_listed_with_their_dates_and_response_counts(world, client, survey):
    v1 = survey_publish(survey=survey, user=world.cx_lead)
    for score in ("9", "10"):
        response_create(
            organization=world.org,
            unit=world.b1,
            touchpoint=None,
            source="link",
            validated=validate_answers(v1.definition, {"nps": score}),
            language="fr",
            survey_version=v1,
        )
    Question.objects.filter(survey=survey, key="csat").update(text_fr="Satisfait?")
    survey_publish(survey=survey, user=world.admin)
    client.force_login(french(world.cx_lead))
    content = client.get(url("survey_edit", world, survey.pk)).content.decode()
    table = content[content.index('id="versions-title"') :]
    rows = re.findall(r"<tr>\s*<td.*?</tr>", table, flags=re.S)
    assert len(rows) == 2
    assert 'data-label="Version">2<' in rows[0] and "Alice Tremblay" in rows[0]
    assert re.search(r'data-label="Réponses" class="num">0<', rows[0])
    assert 'data-label="Version">1<' in rows[1] and "Chloé Gagnon" in rows[1]
    assert re.search(r'data-label="Réponses" class="num">2<', rows[1])
    assert v1.published_at.strftime("%Y") in rows[1]


@pytest.mark.django_db
def test_an_empty_survey_cannot_be_published(world, client):
    empty = survey_create(organization=world.org, created_by=None, name_fr="Vide")
    client.force_login(french(world.cx_lead))
    response = client.post(url("survey_publish", world, empty.pk), follow=True)
    assert "Ajoutez au moins une question avant de publier." in response.content.decode()
    assert not empty.versions.exists()


@pytest.mark.django_db
def test_publishing_needs_a_post_and_the_manage_permission(world, client, survey):
    client.force_login(world.cx_lead)
    assert client.get(url("survey_publish", world, survey.pk)).status_code == 405
    client.force_login(world.executive)
    assert client.post(url("survey_publish", world, survey.pk)).status_code == 404
    assert not survey.versions.exists()


@pytest.mark.django_db
def test_duplicate_copies_texts_and_questions_as_a_new_draft(world, client, survey):
    survey_publish(survey=survey, user=None)
    client.force_login(french(world.cx_lead))
    response = client.post(url("survey_duplicate", world, survey.pk))
    duplicate = Survey.objects.exclude(pk=survey.pk).get()
    assert response.status_code == 302
    assert response["Location"] == url("survey_edit", world, duplicate.pk)
    assert (duplicate.name_fr, duplicate.name_en) == (
        "Visite en succursale (copie)",
        "Branch visit (copy)",
    )
    assert (duplicate.status, duplicate.has_unpublished_changes) == ("draft", True)
    assert (duplicate.intro_fr, duplicate.created_by) == (survey.intro_fr, world.cx_lead)
    assert not duplicate.versions.exists()
    fields = (
        "key",
        "rank",
        "type",
        "text_fr",
        "text_en",
        "required",
        "options",
        "show_if_key",
        "show_if_min",
        "show_if_max",
    )
    assert list(duplicate.questions.values_list(*fields)) == list(
        survey.questions.values_list(*fields)
    )
    page = client.get(response["Location"]).content.decode()
    assert "« Visite en succursale (copie) » est un nouveau brouillon, prêt à modifier." in page
    assert "Brouillon, jamais publié" in page


@pytest.mark.django_db
def test_duplicating_another_organisations_survey_is_404(world, client, survey):
    other = build_feedback(world.other_org, world.other_unit)
    client.force_login(world.admin)
    assert client.post(url("survey_duplicate", world, other.survey.pk)).status_code == 404
    assert client.post(url("survey_publish", world, other.survey.pk)).status_code == 404
    assert Survey.objects.filter(organization=world.org).count() == 1
    assert other.survey.versions.count() == 1

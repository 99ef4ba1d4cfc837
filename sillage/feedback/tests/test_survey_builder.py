"""The survey builder: creating a survey, adding, editing, deleting and reordering questions of
every type, follow-up conditions, missing-language warnings, and who may do it.

People: Chloé (CX lead) builds; Édouard (executive) and Béatrice (branch manager) only read the
survey list; Émile (employee) sees nothing; Oscar's organisation has its own survey.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sillage.feedback.models import Channel, Question, QuestionType, Survey
from sillage.feedback.services import survey_publish
from sillage.feedback.services_builder import (
    journey_create,
    question_create,
    stage_create,
    survey_create,
    touchpoint_create,
)
from sillage.feedback.tests.factories import build_feedback, make_survey
from tests.test_i18n import english_left_behind

HTMX = {"HX-Request": "true"}


@pytest.fixture
def survey(world):
    """An empty draft survey of Caisse Test, tied to a touchpoint."""
    journey = journey_create(organization=world.org, code="pret", name_fr="Prêt", name_en="Loan")
    stage = stage_create(journey=journey, name_fr="Signature", name_en="Signing")
    touchpoint = touchpoint_create(
        stage=stage, code="signature", channel=Channel.BRANCH, name_fr="Bureau", name_en="Office"
    )
    return survey_create(
        organization=world.org,
        created_by=world.cx_lead,
        name_fr="Après le prêt",
        name_en="After the loan",
        intro_fr="Une minute?",
        intro_en="One minute?",
        touchpoint=touchpoint,
    )


@pytest.fixture
def full(world):
    """The factories' branch-visit survey (nps, improve 0–6, liked 9–10, csat, reason, consent)."""
    return make_survey(world.org)


def url(name, world, *args):
    return reverse(name, args=[world.org.slug, *args])


def french(user):
    user.language = "fr"
    user.save()
    return user


def keys(survey):
    return list(Question.objects.filter(survey=survey).values_list("key", flat=True))


def add(client, world, survey, question_type, data, **headers):
    return client.post(
        url("question_create", world, survey.pk), {"type": question_type, **data}, headers=headers
    )


def choice_rows(*rows, total=None):
    data = {"choices-TOTAL_FORMS": str(total or len(rows)), "choices-INITIAL_FORMS": "0"}
    for index, (fr, en) in enumerate(rows):
        data[f"choices-{index}-fr"], data[f"choices-{index}-en"] = fr, en
    return data


# Survey list and creation -----------------------------------------------------------------------


@pytest.mark.django_db
def test_cx_lead_creates_a_survey_as_a_draft(world, client, survey):
    client.force_login(french(world.cx_lead))
    response = client.post(
        url("survey_create", world),
        {
            "name_fr": "Appel au centre de contact",
            "name_en": "Contact centre call",
            "thanks_fr": "Merci!",
            "thanks_en": "Thank you!",
            "touchpoint": survey.touchpoint.pk,
            "reminder_after_days": "5",
        },
    )
    created = Survey.objects.get(name_fr="Appel au centre de contact")
    assert response.status_code == 302
    assert response["Location"] == url("survey_edit", world, created.pk)
    assert (created.status, created.reminder_after_days, created.created_by) == (
        "draft",
        5,
        world.cx_lead,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Sondage « Appel au centre de contact » créé. Ajoutez ses questions." in page
    assert "Brouillon, jamais publié" in page


@pytest.mark.django_db
def test_survey_form_refuses_another_organisations_touchpoint_and_bad_reminders(
    world, client, survey
):
    other = build_feedback(world.other_org, world.other_unit)
    client.force_login(french(world.cx_lead))
    response = client.post(
        url("survey_create", world),
        {"name_fr": "X", "touchpoint": other.touchpoint.pk, "reminder_after_days": "-1"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Sélectionnez un choix valide." in content
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0." in content
    assert not Survey.objects.filter(name_fr="X").exists()


@pytest.mark.django_db
def test_survey_list_shows_status_version_changes_responses_and_touchpoint(world, client, survey):
    feedback = build_feedback(world.org, world.b1)  # published v1 with one response
    question_create(
        survey=feedback.survey, question_type=QuestionType.SHORT_TEXT, text_fr="Autre chose?"
    )
    client.force_login(french(world.cx_lead))
    response = client.get(url("survey_list", world))
    content = response.content.decode()
    rows = re.findall(r"<tr>.*?</tr>", content, flags=re.S)[1:]
    assert response.status_code == 200
    published = next(r for r in rows if "Visite en succursale" in r)
    draft = next(r for r in rows if "Après le prêt" in r)
    assert "Publié · version 1" in published
    assert "Modifications non publiées" in published
    assert re.search(r'data-label="Réponses" class="num">1</td>', published)
    assert re.search(r'data-label="Questions" class="num">7</td>', published)
    assert "Comptoir" in published
    assert "Brouillon" in draft and "Publié" not in draft
    assert re.search(r'data-label="Réponses" class="num">0</td>', draft)
    assert "Bureau" in draft


@pytest.mark.django_db
def test_survey_list_query_count_does_not_grow_with_surveys(
    world, client, django_assert_max_num_queries
):
    for _ in range(8):
        survey = make_survey(world.org)
        survey_publish(survey=survey, user=None)
    client.force_login(world.cx_lead)
    with django_assert_max_num_queries(6):
        response = client.get(url("survey_list", world))
    assert response.content.decode().count("Publié · version 1") == 8


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["executive", "branch_manager"])
def test_executives_and_managers_read_the_survey_list_but_cannot_build(world, client, full, who):
    client.force_login(getattr(world, who))
    response = client.get(url("survey_list", world))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Visite en succursale" in content
    assert f'href="{url("survey_edit", world, full.pk)}"' not in content
    assert f'href="{url("survey_create", world)}"' not in content
    # they reach the survey's links and QR codes instead
    assert f'href="{url("survey_edit", world, full.pk)}links/"' in content
    question = full.questions.first()
    for name, args in [
        ("survey_create", []),
        ("survey_edit", [full.pk]),
        ("survey_publish", [full.pk]),
        ("survey_duplicate", [full.pk]),
        ("question_create", [full.pk]),
        ("question_reorder", [full.pk]),
        ("question_edit", [full.pk, question.pk]),
        ("question_delete", [full.pk, question.pk]),
        ("question_move", [full.pk, question.pk]),
        ("question_required", [full.pk, question.pk]),
    ]:
        assert client.get(url(name, world, *args)).status_code == 404, name
        assert client.post(url(name, world, *args), {"type": "nps"}).status_code == 404, name
    assert full.questions.count() == 6
    assert Survey.objects.count() == 1


@pytest.mark.django_db
def test_touchpoints_of_inactive_journeys_are_not_offered_except_the_current_one(
    world, client, survey
):
    journey = survey.touchpoint.stage.journey
    other_stage = stage_create(journey=journey, name_fr="Suivi")
    touchpoint_create(
        stage=other_stage, code="appel", channel=Channel.CONTACT_CENTRE, name_fr="Appel"
    )
    journey.is_active = False
    journey.save()
    client.force_login(world.cx_lead)
    create_form = client.get(url("survey_create", world)).content.decode()
    assert "Bureau" not in create_form and "Appel" not in create_form
    builder = client.get(url("survey_edit", world, survey.pk)).content.decode()
    assert f'<option value="{survey.touchpoint.pk}" selected>' in builder
    assert "Appel" not in builder


@pytest.mark.django_db
def test_employees_do_not_see_surveys(world, client, full):
    client.force_login(world.employee)
    assert client.get(url("survey_list", world)).status_code == 404


@pytest.mark.django_db
def test_another_organisations_survey_and_questions_are_404(world, client, full):
    other = build_feedback(world.other_org, world.other_unit)
    client.force_login(world.admin)
    own_question = full.questions.first()
    for name, args in [
        ("survey_edit", [other.survey.pk]),
        ("question_create", [other.survey.pk]),
        ("question_edit", [other.survey.pk, other.question.pk]),
        # a question of the other organisation under our own survey's id
        ("question_edit", [full.pk, other.question.pk]),
        ("question_delete", [full.pk, other.question.pk]),
        # our own question under the other organisation's survey id
        ("question_move", [other.survey.pk, own_question.pk]),
    ]:
        assert client.get(url(name, world, *args)).status_code == 404, (name, args)
        assert client.post(url(name, world, *args), {"type": "nps"}).status_code == 404, name
    assert other.survey.questions.count() == 6


# Adding questions of each type ------------------------------------------------------------------

VALID = {
    QuestionType.NPS: ({"text_fr": "Recommanderiez-vous?", "text_en": "Recommend us?"}, {}),
    QuestionType.CSAT: ({"text_fr": "Satisfait?", "text_en": "Satisfied?", "required": "on"}, {}),
    QuestionType.CES: (
        {
            "text_fr": "Facile?",
            "text_en": "Easy?",
            "min_label_fr": "Très difficile",
            "max_label_en": "Very easy",
        },
        {"min_label_fr": "Très difficile", "max_label_en": "Very easy"},
    ),
    QuestionType.RATING: (
        {"text_fr": "Note?", "text_en": "Rating?", "min_value": "0", "max_value": "4"},
        {"min": 0, "max": 4},
    ),
    QuestionType.SINGLE: (
        {"text_fr": "Motif?", "text_en": "Reason?", **choice_rows(("Prêt", "Loan"), ("", ""))},
        {"choices": [{"value": "pret", "fr": "Prêt", "en": "Loan"}]},
    ),
    QuestionType.MULTIPLE: (
        {
            "text_fr": "Services?",
            "text_en": "Services?",
            **choice_rows(("Épargne", "Savings"), ("Crédit", "Credit"), ("Épargne bis", "")),
        },
        {
            "choices": [
                {"value": "epargne", "fr": "Épargne", "en": "Savings"},
                {"value": "credit", "fr": "Crédit", "en": "Credit"},
                {"value": "epargne-bis", "fr": "Épargne bis", "en": ""},
            ]
        },
    ),
    QuestionType.SHORT_TEXT: ({"text_fr": "Votre conseiller?", "text_en": "Your advisor?"}, {}),
    QuestionType.LONG_TEXT: ({"text_fr": "Commentaire?", "text_en": "Comment?"}, {}),
    QuestionType.CONSENT: ({}, {}),
}
EXPECTED_KEY = {
    QuestionType.NPS: "nps",
    QuestionType.CSAT: "csat",
    QuestionType.CES: "ces",
    QuestionType.RATING: "rating",
    QuestionType.SINGLE: "choice",
    QuestionType.MULTIPLE: "choices",
    QuestionType.SHORT_TEXT: "text",
    QuestionType.LONG_TEXT: "comment",
    QuestionType.CONSENT: "contact",
}


@pytest.mark.django_db
@pytest.mark.parametrize("question_type", list(QuestionType))
def test_each_question_type_is_added_with_htmx(world, client, survey, question_type):
    data, options = VALID[question_type]
    client.force_login(french(world.cx_lead))
    form = client.get(
        url("question_create", world, survey.pk), {"type": question_type}, headers=HTMX
    )
    assert form.status_code == 200
    assert form.content.decode().lstrip().startswith('<form id="question-form-new"')
    response = add(client, world, survey, question_type, data, **HTMX)
    question = Question.objects.get(survey=survey)
    survey.refresh_from_db()
    assert response.status_code == 200, response.content.decode()
    assert response["HX-Retarget"] == "#question-list"
    assert (question.type, question.key, question.rank) == (
        question_type,
        EXPECTED_KEY[question_type],
        0,
    )
    assert question.options == options
    assert question.required == (question_type == QuestionType.CSAT)
    assert survey.has_unpublished_changes
    content = response.content.decode()
    assert f'id="question-{question.pk}"' in content
    assert "Question 1 ajoutée" in content
    assert '<div id="question-editor" hx-swap-oob="innerHTML"></div>' in content


@pytest.mark.django_db
def test_keys_are_generated_from_the_type_and_never_reused(world, client, survey):
    client.force_login(world.cx_lead)
    for _ in range(3):
        add(client, world, survey, "nps", {"text_fr": "Score?"})
    add(client, world, survey, "long_text", {"text_fr": "Pourquoi?"})
    assert keys(survey) == ["nps", "nps_2", "nps_3", "comment"]
    survey_publish(survey=survey, user=None)
    nps_2 = survey.questions.get(key="nps_2")
    client.post(url("question_delete", world, survey.pk, nps_2.pk))
    add(client, world, survey, "nps", {"text_fr": "Encore?"})
    # nps_2 was published: its answers keep that key, a new question gets another one
    assert keys(survey) == ["nps", "nps_3", "comment", "nps_4"]


@pytest.mark.django_db
def test_editing_keeps_the_key_and_type_and_marks_unpublished_changes(world, client, full):
    survey_publish(survey=full, user=None)
    question = full.questions.get(key="nps")
    client.force_login(world.cx_lead)
    response = client.post(
        url("question_edit", world, full.pk, question.pk),
        {
            "type": "csat",
            "key": "hacked",
            "text_fr": "Nous recommanderiez-vous?",
            "text_en": "",
            "required": "on",
        },
    )
    question.refresh_from_db()
    full.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == (
        url("survey_edit", world, full.pk) + f"?focus=question-{question.pk}-edit"
    )
    assert (question.key, question.type, question.text_fr, question.text_en) == (
        "nps",
        "nps",
        "Nous recommanderiez-vous?",
        "",
    )
    assert full.has_unpublished_changes


@pytest.mark.django_db
def test_edit_form_opens_inline_with_the_current_values(world, client, full):
    question = full.questions.get(key="reason")
    client.force_login(french(world.cx_lead))
    response = client.get(url("question_edit", world, full.pk, question.pk), headers=HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith(f'<form id="question-form-{question.pk}"')
    assert 'value="Conseil"' in content and 'value="Advice"' in content
    assert 'name="choices-0-value" value="advice"' in content
    assert "Les réponses sont enregistrées sous la clé « reason »" in content


@pytest.mark.django_db
def test_choice_values_stay_stable_when_choices_are_edited(world, client, full):
    question = full.questions.get(key="reason")
    client.force_login(world.cx_lead)
    data = {
        "text_fr": "Motif?",
        "text_en": "Reason?",
        "choices-TOTAL_FORMS": "3",
        "choices-INITIAL_FORMS": "2",
        "choices-0-value": "advice",
        "choices-0-fr": "Conseil financier",
        "choices-0-en": "Financial advice",
        "choices-1-value": "teller",
        "choices-1-fr": "Transaction",
        "choices-1-en": "Transaction",
        "choices-1-DELETE": "on",
        "choices-2-fr": "Prêt hypothécaire",
        "choices-2-en": "Mortgage",
    }
    response = client.post(url("question_edit", world, full.pk, question.pk), data)
    question.refresh_from_db()
    assert response.status_code == 302
    assert question.options["choices"] == [
        {"value": "advice", "fr": "Conseil financier", "en": "Financial advice"},
        {"value": "pret-hypothecaire", "fr": "Prêt hypothécaire", "en": "Mortgage"},
    ]


@pytest.mark.django_db
def test_add_a_choice_button_adds_a_row_without_saving(world, client, survey):
    client.force_login(world.cx_lead)
    data = {"text_fr": "Motif?", "add_choice": "1", **choice_rows(("Prêt", "Loan"), ("", ""))}
    response = add(client, world, survey, "single", data, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="choices-TOTAL_FORMS" value="3"' in content
    assert 'value="Prêt"' in content and "Motif?</textarea>" in content
    assert "field__error" not in content
    assert not survey.questions.exists()


# Validation -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("question_type", "data", "message"),
    [
        ("nps", {"text_fr": "", "text_en": ""}, "Rédigez la question en français, en anglais"),
        (
            "rating",
            {"text_fr": "Note?", "min_value": "5", "max_value": "5"},
            "La valeur la plus haute doit être supérieure à la valeur la plus basse.",
        ),
        (
            "rating",
            {"text_fr": "Note?", "min_value": "3", "max_value": "1"},
            "La valeur la plus haute doit être supérieure à la valeur la plus basse.",
        ),
        (
            "rating",
            {"text_fr": "Note?", "min_value": "0", "max_value": "50"},
            "Choisissez une valeur de 0 à 10.",
        ),
        ("single", {"text_fr": "Motif?", **choice_rows(("", ""))}, "Ajoutez au moins un choix."),
        (
            "multiple",
            {"text_fr": "Motif?", **choice_rows(("Prêt", "Loan"), ("prêt", ""))},
            "Deux choix ont le même texte.",
        ),
    ],
)
def test_invalid_questions_are_refused_with_a_clear_message(
    world, client, survey, question_type, data, message
):
    client.force_login(french(world.cx_lead))
    response = add(client, world, survey, question_type, data, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert message in content
    assert not survey.questions.exists()


@pytest.mark.django_db
def test_only_one_consent_block_per_survey(world, client, full):
    client.force_login(french(world.cx_lead))
    page = client.get(url("survey_edit", world, full.pk)).content.decode()
    assert "?type=consent" not in page
    response = add(client, world, full, "consent", {})
    assert "Ce sondage a déjà un bloc de consentement à être contacté." in response.content.decode()
    assert full.questions.filter(type="consent").count() == 1


@pytest.mark.django_db
def test_condition_on_a_text_question_is_refused(world, client, full):
    client.force_login(french(world.cx_lead))
    response = add(
        client,
        world,
        full,
        "short_text",
        {"text_fr": "Précisez?", "show_if_key": "reason", "show_if_min": "0", "show_if_max": "1"},
    )
    assert (
        "Une question de suivi ne peut dépendre que d’une question de score (NPS, satisfaction, "
        "effort ou échelle) placée avant elle."
    ) in response.content.decode()
    assert not full.questions.filter(text_fr="Précisez?").exists()


@pytest.mark.django_db
def test_condition_on_a_question_placed_after_it_is_refused(world, client, full):
    """ "nps" (first) cannot depend on "csat" (fourth)."""
    nps = full.questions.get(key="nps")
    client.force_login(french(world.cx_lead))
    form = client.get(url("question_edit", world, full.pk, nps.pk)).content.decode()
    assert 'name="show_if_key"' not in form
    assert "Cette question s’affiche toujours" in form
    liked = full.questions.get(key="liked")
    response = client.post(
        url("question_edit", world, full.pk, liked.pk),
        {"text_fr": "Apprécié?", "show_if_key": "csat", "show_if_min": "4", "show_if_max": "5"},
    )
    assert "Une question de suivi ne peut dépendre que d’une question de score" in (
        response.content.decode()
    )
    liked.refresh_from_db()
    assert (liked.show_if_key, liked.show_if_min) == ("nps", 9)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"show_if_min": "0", "show_if_max": "11"}, "« nps » se répond de 0 à 10."),
        ({"show_if_min": "7", "show_if_max": "3"}, "La réponse la plus haute ne peut pas être"),
        ({}, "Indiquez la réponse la plus basse, la plus haute, ou les deux."),
    ],
)
def test_condition_bounds_are_checked_against_the_scale(world, client, full, condition, message):
    client.force_login(french(world.cx_lead))
    response = add(
        client,
        world,
        full,
        "long_text",
        {"text_fr": "Pourquoi?", "show_if_key": "nps", **condition},
    )
    assert message in response.content.decode()
    assert not full.questions.filter(text_fr="Pourquoi?").exists()


@pytest.mark.django_db
def test_bounds_without_a_question_are_refused(world, client, full):
    client.force_login(french(world.cx_lead))
    response = add(client, world, full, "long_text", {"text_fr": "Pourquoi?", "show_if_min": "3"})
    assert "Choisissez la question dont celle-ci dépend." in response.content.decode()


# Presets and conditions -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("preset", "text_fr", "text_en", "low", "high"),
    [
        ("detractors", "Que devrions-nous améliorer?", "What should we improve?", 0, 6),
        ("promoters", "Qu’avez-vous apprécié?", "What did you appreciate?", 9, 10),
    ],
)
def test_follow_up_presets_prefill_text_and_condition(
    world, client, survey, preset, text_fr, text_en, low, high
):
    question_create(survey=survey, question_type="nps", text_fr="Score?", text_en="Score?")
    client.force_login(french(world.cx_lead))
    page = client.get(url("survey_edit", world, survey.pk)).content.decode()
    assert f"?type=long_text&amp;preset={preset}" in page
    form = client.get(
        url("question_create", world, survey.pk), {"type": "long_text", "preset": preset}
    ).content.decode()
    assert text_fr in form and text_en in form
    assert '<option value="nps" selected>' in form
    assert f'name="show_if_min" value="{low}"' in form
    assert f'name="show_if_max" value="{high}"' in form
    add(
        client,
        world,
        survey,
        "long_text",
        {
            "text_fr": text_fr,
            "text_en": text_en,
            "show_if_key": "nps",
            "show_if_min": low,
            "show_if_max": high,
        },
    )
    follow_up = survey.questions.get(type="long_text")
    assert (follow_up.show_if_key, follow_up.show_if_min, follow_up.show_if_max) == (
        "nps",
        low,
        high,
    )
    card = client.get(url("survey_edit", world, survey.pk)).content.decode()
    assert (
        f"Affichée seulement quand la réponse à la question 1 (nps) est entre {low} et {high}."
    ) in card


@pytest.mark.django_db
def test_presets_are_offered_only_once_there_is_an_nps_question(world, client, survey):
    client.force_login(world.cx_lead)
    page = client.get(url("survey_edit", world, survey.pk)).content.decode()
    assert "preset=detractors" not in page


@pytest.mark.django_db
def test_condition_on_a_rating_question_with_one_bound(world, client, survey):
    client.force_login(world.cx_lead)
    add(client, world, survey, "rating", {"text_fr": "Note?", "min_value": "1", "max_value": "4"})
    response = add(
        client,
        world,
        survey,
        "long_text",
        {"text_fr": "Pourquoi?", "show_if_key": "rating", "show_if_max": "2"},
    )
    assert response.status_code == 302
    question = survey.questions.get(key="comment")
    assert (question.show_if_key, question.show_if_min, question.show_if_max) == ("rating", None, 2)


@pytest.mark.django_db
def test_a_rating_scale_cannot_shrink_under_a_follow_up_condition(world, client, survey):
    client.force_login(french(world.cx_lead))
    add(client, world, survey, "rating", {"text_fr": "Note?", "min_value": "1", "max_value": "5"})
    add(
        client,
        world,
        survey,
        "long_text",
        {"text_fr": "Pourquoi?", "show_if_key": "rating", "show_if_min": "1", "show_if_max": "2"},
    )
    rating = survey.questions.get(key="rating")
    response = client.post(
        url("question_edit", world, survey.pk, rating.pk),
        {"text_fr": "Note?", "min_value": "3", "max_value": "7"},
    )
    assert (
        "« Pourquoi? » s’affiche pour des réponses à « rating » hors de son échelle (3 à 7). "
        "Modifiez d’abord cette condition."
    ) in response.content.decode()
    rating.refresh_from_db()
    assert rating.options == {"min": 1, "max": 5}


# Deleting, required, reordering -----------------------------------------------------------------


@pytest.mark.django_db
def test_question_is_deleted_and_ranks_close_up(world, client, full):
    csat = full.questions.get(key="csat")
    client.force_login(french(world.cx_lead))
    response = client.post(url("question_delete", world, full.pk, csat.pk), headers=HTMX)
    assert response.status_code == 200
    assert "Question 4 supprimée. Les versions publiées la conservent." in response.content.decode()
    assert keys(full) == ["nps", "improve", "liked", "reason", "contact"]
    assert list(full.questions.values_list("rank", flat=True)) == [0, 1, 2, 3, 4]


@pytest.mark.django_db
def test_question_that_others_depend_on_is_not_deleted(world, client, full):
    nps = full.questions.get(key="nps")
    client.force_login(french(world.cx_lead))
    response = client.post(url("question_delete", world, full.pk, nps.pk), follow=True)
    assert (
        "Cette question ne peut pas être supprimée : 2 questions s’affichent selon sa réponse "
        "(improve, liked). Retirez d’abord ces conditions."
    ) in response.content.decode()
    assert full.questions.filter(pk=nps.pk).exists()


@pytest.mark.django_db
def test_required_is_toggled_from_the_question_card(world, client, full):
    csat = full.questions.get(key="csat")
    client.force_login(french(world.cx_lead))
    response = client.post(
        url("question_required", world, full.pk, csat.pk), {"required": "1"}, headers=HTMX
    )
    csat.refresh_from_db()
    assert csat.required
    assert "La question 4 demande maintenant une réponse." in response.content.decode()
    client.post(url("question_required", world, full.pk, csat.pk), {"required": "0"})
    csat.refresh_from_db()
    assert not csat.required
    consent = full.questions.get(key="contact")
    response = client.post(
        url("question_required", world, full.pk, consent.pk), {"required": "1"}, follow=True
    )
    consent.refresh_from_db()
    assert not consent.required
    assert "Accepter d’être contacté reste toujours facultatif." in response.content.decode()


@pytest.mark.django_db
def test_move_buttons_reorder_questions_and_keep_focus(world, client, full):
    csat = full.questions.get(key="csat")
    client.force_login(french(world.cx_lead))
    response = client.post(
        url("question_move", world, full.pk, csat.pk), {"direction": "up"}, headers=HTMX
    )
    content = response.content.decode()
    assert keys(full) == ["nps", "improve", "csat", "liked", "reason", "contact"]
    assert f'id="question-{csat.pk}-up" autofocus' in content
    assert "est maintenant en position 3 sur 6." in content
    assert 'id="survey-status" class="survey-status card" hx-swap-oob="true"' in content


@pytest.mark.django_db
def test_a_follow_up_cannot_be_moved_above_its_score_question(world, client, full):
    improve = full.questions.get(key="improve")
    client.force_login(french(world.cx_lead))
    response = client.post(
        url("question_move", world, full.pk, improve.pk), {"direction": "up"}, headers=HTMX
    )
    content = response.content.decode()
    assert keys(full) == ["nps", "improve", "liked", "csat", "reason", "contact"]
    assert "« Que devrions-nous améliorer? » s’affiche selon la réponse à « nps »" in content
    assert 'class="notice notice--error"' in content
    ids = dict(full.questions.values_list("key", "pk"))
    response = client.post(
        url("question_reorder", world, full.pk),
        {"order": [ids[k] for k in ("liked", "nps", "improve", "csat", "reason", "contact")]},
    )
    assert response.status_code == 400
    assert "« Qu’avez-vous apprécié? » s’affiche selon la réponse à « nps »" in (
        response.content.decode()
    )
    assert keys(full) == ["nps", "improve", "liked", "csat", "reason", "contact"]


@pytest.mark.django_db
def test_reorder_endpoint_saves_a_dragged_order(world, client, full):
    ids = dict(full.questions.values_list("key", "pk"))
    order = ["nps", "csat", "improve", "liked", "contact", "reason"]
    client.force_login(world.cx_lead)
    response = client.post(
        url("question_reorder", world, full.pk), {"order": [ids[k] for k in order]}, headers=HTMX
    )
    full.refresh_from_db()
    assert response.status_code == 200
    assert keys(full) == order
    assert full.has_unpublished_changes


@pytest.mark.django_db
def test_reorder_endpoint_refuses_questions_of_another_survey_or_organisation(world, client, full):
    other = build_feedback(world.other_org, world.other_unit)
    second = make_survey(world.org)
    ids = list(full.questions.values_list("pk", flat=True))
    client.force_login(french(world.cx_lead))
    for foreign in (other.question.pk, second.questions.first().pk):
        response = client.post(
            url("question_reorder", world, full.pk), {"order": [foreign, *ids[1:]]}
        )
        assert response.status_code == 400
        assert response.content.decode() == (
            "Le nouvel ordre doit nommer chaque élément de cette liste une seule fois. "
            "Rechargez la page."
        )
    assert keys(full) == ["nps", "improve", "liked", "csat", "reason", "contact"]


# Warnings, settings, French ---------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_languages_are_flagged_on_the_question_and_at_the_top(world, client, survey):
    question_create(survey=survey, question_type="nps", text_fr="Recommanderiez-vous?")
    question_create(
        survey=survey,
        question_type="single",
        text_fr="Motif?",
        text_en="Reason?",
        options={"choices": [{"fr": "Prêt", "en": ""}]},
    )
    question_create(survey=survey, question_type="long_text", text_fr="Bravo", text_en="Well done")
    client.force_login(french(world.cx_lead))
    content = client.get(url("survey_edit", world, survey.pk)).content.decode()
    summary = content[content.index('id="language-summary"') : content.index('id="editor-status"')]
    assert "Certains textes n’existent que dans une langue." in summary
    assert "Question 1 (nps)</a> — Texte anglais manquant" in summary
    assert "Question 2 (choice)</a> — Texte anglais manquant" in summary
    assert "Question 3" not in summary
    cards = re.findall(r'<li id="question-\d+".*?</li>\n', content, flags=re.S)
    assert ["Texte anglais manquant" in card for card in cards] == [True, True, False]
    Survey.objects.filter(pk=survey.pk).update(intro_en="")
    content = client.get(url("survey_edit", world, survey.pk)).content.decode()
    assert "Sondage : il manque l’introduction en anglais." in content


@pytest.mark.django_db
def test_survey_texts_and_settings_are_saved(world, client, full):
    survey_publish(survey=full, user=None)
    client.force_login(french(world.cx_lead))
    data = {
        "name_fr": "Visite en succursale",
        "name_en": "Branch visit",
        "intro_fr": full.intro_fr,
        "intro_en": full.intro_en,
        "thanks_fr": full.thanks_fr,
        "thanks_en": full.thanks_en,
        "reminder_after_days": "7",
    }
    response = client.post(url("survey_edit", world, full.pk), data)
    full.refresh_from_db()
    assert response.status_code == 302
    # the reminder is not part of what customers see: nothing new to publish
    assert (full.reminder_after_days, full.has_unpublished_changes) == (7, False)
    client.post(url("survey_edit", world, full.pk), {**data, "thanks_fr": "Merci beaucoup!"})
    full.refresh_from_db()
    assert full.has_unpublished_changes
    page = client.get(url("survey_edit", world, full.pk)).content.decode()
    assert "Modifications non publiées" in page
    assert "Publier la version 2" in page


def _without_english_content(html: str) -> str:
    return re.sub(r'<(\w+)[^>]*\slang="en"[^>]*>.*?</\1>', " ", html, flags=re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["survey_list", "survey_create", "survey_edit", "question"])
def test_survey_pages_in_french_leave_no_english_behind(world, client, full, page):
    survey_publish(survey=full, user=world.cx_lead)
    client.force_login(french(world.cx_lead))
    target = {
        "survey_list": url("survey_list", world),
        "survey_create": url("survey_create", world),
        "survey_edit": url("survey_edit", world, full.pk),
        "question": url("question_edit", world, full.pk, full.questions.get(key="reason").pk),
    }[page]
    response = client.get(target, headers={"Accept-Language": "fr-CA"})
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert english_left_behind(_without_english_content(response.content.decode())) == set()

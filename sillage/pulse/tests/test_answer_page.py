"""The employee answer page: a phone, two minutes, the promise stated, no sign-in needed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sillage.pulse.models import Answer, Item, ItemKind, Participation, Response, Wave
from sillage.pulse.tests.factories import invitation_for, open_wave

pytestmark = pytest.mark.django_db


def full_answers(wave, value="4", **extra) -> dict:
    data = {"tenure": "1to5", "enps": "9", "comment": "Plus de temps au comptoir."}
    for item in wave.items.filter(kind=ItemKind.AGREEMENT):
        data[f"item_{item.pk}"] = value
    data.update(extra)
    return data


@pytest.fixture
def invited(world):
    wave = open_wave(world.org, audience=world.b1)
    return wave, invitation_for(wave, world.membership(world.employee))


def test_the_page_states_the_locked_threshold_in_french(client, invited):
    wave, invitation = invited
    response = client.get(f"/p/{invitation.token}/", headers={"Accept-Language": "fr-CA"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Vos réponses sont anonymes." in content
    assert "groupes d’au moins 5 personnes" in content
    assert "Ce seuil de 5 a été verrouillé à l’ouverture du sondage" in content
    assert "Environ deux minutes." in content


def test_every_statement_is_a_fieldset_with_a_legend_and_five_labelled_radios(client, invited):
    wave, invitation = invited
    content = client.get(f"/p/{invitation.token}/").content.decode()
    agreement = wave.items.filter(kind=ItemKind.AGREEMENT).count()
    assert agreement == 24
    assert content.count("<fieldset") == agreement + 2  # + eNPS and tenure
    assert content.count("<legend>") == agreement + 2
    item = wave.items.get(series="core.know.1")
    assert f"<legend>{item.text_fr}</legend>" in content.replace("&#x27;", "'")
    assert content.count('type="radio"') == agreement * 5 + 11 + 3
    assert '<span class="visually-hidden">Tout à fait d’accord</span>' in content
    assert "<script" not in content.split("</head>")[1]  # the form needs no JavaScript


def test_answering_records_anonymous_rows_and_says_thank_you(client, invited, world):
    wave, invitation = invited
    response = client.post(f"/p/{invitation.token}/", full_answers(wave))
    assert response.status_code == 302 and response["Location"] == f"/p/{invitation.token}/"
    stored = Response.objects.get(wave=wave)
    assert (stored.unit, stored.enps, stored.tenure, stored.comment) == (
        world.b1,
        9,
        "1to5",
        "Plus de temps au comptoir.",
    )
    assert Answer.objects.filter(response=stored, value=4).count() == 24
    assert Participation.objects.filter(wave=wave, membership=invitation.membership).exists()
    thanks = client.get(f"/p/{invitation.token}/").content.decode()
    assert "Vos réponses anonymes à « Pouls d&#x27;automne » sont enregistrées." in thanks


def test_a_missing_answer_keeps_everything_and_records_nothing(client, invited):
    wave, invitation = invited
    data = full_answers(wave)
    know = Item.objects.get(organization=wave.organization, series="core.know.1")
    del data[f"item_{know.pk}"]
    response = client.post(f"/p/{invitation.token}/", data)
    content = response.content.decode()
    assert response.status_code == 422
    assert "Il manque des réponses" in content
    assert 'class="question question--invalid"' in content
    assert content.count("checked") == 23 * 1 + 1 + 1  # what was chosen stays chosen
    assert not Response.objects.exists() and not Participation.objects.exists()


def test_a_second_submission_changes_nothing(client, invited):
    wave, invitation = invited
    client.post(f"/p/{invitation.token}/", full_answers(wave, value="5"))
    response = client.post(f"/p/{invitation.token}/", full_answers(wave, value="1"))
    assert response.status_code == 200
    assert "enregistrées" in response.content.decode()
    assert Response.objects.count() == 1
    assert not Answer.objects.filter(value=1).exists()


def test_a_closed_survey_says_so_and_takes_no_answer(client, invited):
    wave, invitation = invited
    Wave.objects.filter(pk=wave.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = client.post(f"/p/{invitation.token}/", full_answers(wave))
    assert response.status_code == 410
    assert "Ce sondage est fermé." in response.content.decode()
    assert not Response.objects.exists()


def test_an_unknown_or_deactivated_token_is_a_404(client, invited, world):
    wave, invitation = invited
    assert client.get("/p/not-a-token/").status_code == 404
    invitation.membership.is_active = False
    invitation.membership.save()
    assert client.get(f"/p/{invitation.token}/").status_code == 404


def test_the_invitees_language_is_used_when_the_visitor_has_not_chosen(client, invited, world):
    wave, invitation = invited
    world.employee.language = "en"
    world.employee.save()
    content = client.get(f"/p/{invitation.token}/").content.decode()
    assert "Your answers are anonymous." in content
    item = wave.items.get(series="core.know.1")
    assert item.text_en in content.replace("&#x27;", "'")


def test_the_signed_in_home_lists_the_survey_to_answer(client, invited, world):
    wave, invitation = invited
    client.force_login(world.employee)
    content = client.get("/o/caisse/pulse/").content.decode()
    assert f'href="/p/{invitation.token}/"' in content
    assert "Répondre (2 minutes)" in content
    client.post(f"/p/{invitation.token}/", full_answers(wave))
    content = client.get("/o/caisse/pulse/").content.decode()
    assert invitation.token not in content
    assert "Aucun sondage ne vous attend." in content

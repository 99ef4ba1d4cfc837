"""The customer's answer page /s/<token>, its thank-you page, and the staff preview.

People: Alice (admin) and Chloé (CX lead) may preview; Émile (employee) and Oscar (another
organisation) may not. The customer is anonymous.
"""

from __future__ import annotations

import gzip
import re
import time
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.cache import cache

from sillage.accounts.models import Membership
from sillage.feedback.models import (
    Question,
    QuestionType,
    Response,
    Survey,
    SurveyLink,
    SurveyStatus,
)
from sillage.feedback.public import STAMP_SALT
from sillage.feedback.services import survey_publish
from sillage.feedback.tests.factories import build_feedback
from tests.test_i18n import english_left_behind

FR = {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
PAGE_BUDGET = 50 * 1024


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the rate limit counts in the cache
    yield
    cache.clear()


@pytest.fixture
def fw(world):
    return build_feedback(world.org, world.b1)


def aged_stamp(token: str, seconds: float = 10) -> str:
    """The stamp the page would have issued `seconds` ago."""
    return signing.dumps({"t": token, "at": time.time() - seconds}, salt=STAMP_SALT, compress=True)


def post(client, token: str, data: dict, *, query: str = "", headers=None, age: float = 10):
    body = {"sv.lang": "fr", "sv.stamp": aged_stamp(token, age), **data}
    return client.post(f"/s/{token}{query}", body, headers=headers or FR)


def add_question(survey: Survey, key: str, kind: str, rank: int, **fields) -> Question:
    fields.setdefault("text_fr", f"Question {key}")
    fields.setdefault("text_en", f"Question {key} (en)")
    return Question.objects.create(survey=survey, key=key, type=kind, rank=rank, **fields)


@pytest.fixture
def every_type(world, fw):
    """A published survey with one question of each type, and its link."""
    survey = Survey.objects.create(organization=world.org, name_fr="Tout", name_en="All")
    add_question(survey, "nps", QuestionType.NPS, 0, required=True)
    add_question(survey, "ces", QuestionType.CES, 1)
    add_question(
        survey,
        "rating",
        QuestionType.RATING,
        2,
        options={"min": 1, "max": 4, "min_label_fr": "Mauvais", "max_label_fr": "Excellent"},
    )
    choices = [{"value": "a", "fr": "Choix A", "en": "Choice A"}, {"value": "b", "fr": "Choix B"}]
    add_question(survey, "single", QuestionType.SINGLE, 3, options={"choices": choices})
    add_question(survey, "multiple", QuestionType.MULTIPLE, 4, options={"choices": choices})
    add_question(survey, "short", QuestionType.SHORT_TEXT, 5, required=True)
    add_question(survey, "long", QuestionType.LONG_TEXT, 6)
    add_question(survey, "contact", QuestionType.CONSENT, 7, text_fr="", text_en="")
    version = survey_publish(survey=survey, user=None)
    link = SurveyLink.objects.create(
        organization=world.org, survey=survey, unit=world.b2, touchpoint=fw.touchpoint
    )
    return link, version


class Controls(HTMLParser):
    """The form's controls as a browser would submit them: name -> values."""

    def __init__(self):
        super().__init__()
        self.checked: dict[str, list[str]] = {}
        self.values: dict[str, str] = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") in {"radio", "checkbox"} and "checked" in a:
            self.checked.setdefault(a["name"], []).append(a["value"])
        elif tag == "input" and a.get("name"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def controls(response) -> Controls:
    parser = Controls()
    parser.feed(response.content.decode())
    return parser


# --- Rendering ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_link_page_shows_the_latest_published_version_in_french_from_the_browser(client, fw):
    response = client.get(f"/s/{fw.link.token}", headers=FR)

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<title>Visite en succursale · Caisse Test</title>" in html
    assert "Recommanderiez-vous notre caisse à un proche?" in html
    # The 0-10 scale is a real radio group in a fieldset with a legend and labelled ends.
    nps = re.search(r'<fieldset class="sv-q" id="q-nps">.*?</fieldset>', html, re.S).group(0)
    assert "<legend>Recommanderiez-vous notre caisse à un proche?" in nps
    assert re.findall(r'type="radio" id="q-nps-\d+" name="nps" value="(\d+)"', nps) == [
        str(n) for n in range(11)
    ]
    assert '0<span class="visually-hidden"> (Pas du tout probable)</span>' in nps
    assert '10<span class="visually-hidden"> (Très probable)</span>' in nps
    assert "Envoyer mes réponses" in html
    assert response.cookies == {}, "the public page sets no cookie"


@pytest.mark.django_db
def test_page_keeps_the_published_text_until_the_draft_is_published_again(client, fw):
    Question.objects.filter(survey=fw.survey, key="nps").update(text_fr="Nouvelle question?")

    assert "Nouvelle question?" not in client.get(f"/s/{fw.link.token}", headers=FR).text
    version = survey_publish(survey=fw.survey, user=None)
    assert version.number == 2
    assert "Nouvelle question?" in client.get(f"/s/{fw.link.token}", headers=FR).text


@pytest.mark.django_db
def test_english_browser_gets_english_and_the_switch_overrides_it(client, fw):
    english = client.get(f"/s/{fw.link.token}", headers=EN)
    assert english["Content-Language"] == "en"
    assert "Would you recommend us to a friend or relative?" in english.text
    assert '<a href="?lang=fr" lang="fr" hreflang="fr">Français</a>' in english.text
    assert "Send my answers" in english.text

    switched = client.get(f"/s/{fw.link.token}?lang=fr", headers=EN)
    assert switched["Content-Language"] == "fr"
    assert "Recommanderiez-vous notre caisse à un proche?" in switched.text
    assert 'href="?lang=en" lang="en" hreflang="en">English</a>' in switched.text


@pytest.mark.django_db
def test_switch_links_keep_the_employee_and_embed_parameters(client, fw):
    html = client.get(f"/s/{fw.link.token}?e=E42&embed=1", headers=FR).text
    assert 'href="?e=E42&amp;embed=1&amp;lang=en"' in html


@pytest.mark.django_db
def test_a_text_missing_in_english_falls_back_to_french_visibly(client, fw):
    Question.objects.filter(survey=fw.survey, key="nps").update(text_en="")
    survey_publish(survey=fw.survey, user=None)

    html = client.get(f"/s/{fw.link.token}", headers=EN).text

    assert (
        '<legend><span lang="fr">Recommanderiez-vous notre caisse à un proche?</span> '
        '<small class="sv-fallback">(in French)</small>'
    ) in html


@pytest.mark.django_db
def test_a_choice_missing_in_english_falls_back_to_french_visibly(client, every_type):
    link, _version = every_type
    html = client.get(f"/s/{link.token}?lang=en").text
    assert '<label for="q-single-0">Choice A</label>' in html
    assert (
        '<label for="q-single-1"><span lang="fr">Choix B</span> '
        '<small class="sv-fallback">(in French)</small></label>'
    ) in html


@pytest.mark.django_db
def test_follow_up_questions_are_shown_with_their_condition_for_pages_without_script(client, fw):
    html = client.get(f"/s/{fw.link.token}", headers=FR).text

    assert 'id="q-improve-wrap" data-show-if="nps" data-min="0" data-max="6"' in html
    assert '<p class="sv-cond" id="q-improve-cond" data-cond>Si vous avez donné 6 ou moins</p>' in (
        html
    )
    assert '<p class="sv-cond" id="q-liked-cond" data-cond>Si vous avez donné 9 ou plus</p>' in html
    assert 'aria-describedby="q-improve-cond"' in html


@pytest.mark.django_db
def test_brand_colour_is_set_in_a_nonced_style_and_the_logo_shown(client, fw, world):
    world.org.brand_colour = "#F5E6A3"  # pale: text on it must be dark
    world.org.logo = "logos/caisse.png"
    world.org.save()

    response = client.get(f"/s/{fw.link.token}", headers=FR)

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">:root{{--brand:#F5E6A3;--brand-ink:#1A2420}}</style>' in (
        response.text
    )
    assert '<img class="sv-logo" src="/media/logos/caisse.png" alt="Caisse Test">' in response.text
    assert "style=" not in response.text  # no inline style attribute anywhere


@pytest.mark.django_db
def test_unknown_token_is_a_friendly_404_in_the_customers_language(client):
    french = client.get("/s/nope-nope-nope", headers=FR)
    assert french.status_code == 404
    assert "<h1>Sondage introuvable</h1>" in french.text

    english = client.get("/s/nope-nope-nope", headers=EN)
    assert english.status_code == 404
    assert "<h1>Survey not found</h1>" in english.text


@pytest.mark.django_db
def test_link_to_an_unpublished_survey_is_not_available(client, fw, world):
    draft = Survey.objects.create(organization=world.org, name_fr="Ébauche")
    add_question(draft, "nps", QuestionType.NPS, 0)
    link = SurveyLink.objects.create(
        organization=world.org, survey=draft, unit=world.b1, touchpoint=fw.touchpoint
    )

    response = client.get(f"/s/{link.token}", headers=FR)
    assert response.status_code == 404
    assert "<h1>Ce sondage n’est pas disponible</h1>" in response.text

    posted = post(client, link.token, {"nps": "5"})
    assert posted.status_code == 404
    assert not Response.objects.filter(survey=draft).exists()


@pytest.mark.django_db
def test_archived_survey_and_inactive_link_are_not_available(client, fw):
    SurveyLink.objects.filter(pk=fw.link.pk).update(is_active=False)
    assert client.get(f"/s/{fw.link.token}", headers=FR).status_code == 404
    SurveyLink.objects.filter(pk=fw.link.pk).update(is_active=True)
    Survey.objects.filter(pk=fw.survey.pk).update(status=SurveyStatus.ARCHIVED)
    assert "n’est pas disponible" in client.get(f"/s/{fw.link.token}", headers=FR).text


# --- Submitting ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_answering_records_a_response_with_the_survey_version_then_thanks(client, fw, world):
    before = Response.objects.count()
    response = post(
        client,
        fw.link.token,
        {
            "nps": "3",
            "improve": "  Plus de conseillers le samedi  ",
            "csat": "4",
            "reason": "advice",
            "contact": "yes",
            "contact_name": "Jeanne Roy",
            "contact_email": "jeanne@example.com",
            "contact_phone": "514 555-0101",
        },
    )

    assert response.status_code == 303
    assert response["Location"] == f"/s/{fw.link.token}/merci?lang=fr"
    assert Response.objects.count() == before + 1
    row = Response.objects.latest("id")
    assert row.survey_version == fw.version
    assert (row.survey, row.unit, row.touchpoint, row.link) == (
        fw.survey,
        world.b1,
        fw.touchpoint,
        fw.link,
    )
    assert (row.source, row.language, row.nps, row.csat, row.ces) == ("link", "fr", 3, 4, None)
    assert row.answers == {
        "nps": 3,
        "improve": "Plus de conseillers le samedi",
        "csat": 4,
        "reason": "advice",
        "contact": "yes",
    }
    assert row.comment == "Plus de conseillers le samedi"
    assert (row.contact_consent, row.contact_name, row.contact_email, row.contact_phone) == (
        True,
        "Jeanne Roy",
        "jeanne@example.com",
        "514 555-0101",
    )

    thanks = client.get(response["Location"], headers=EN)
    assert thanks.status_code == 200
    assert "Merci! Votre avis est transmis à l’équipe de la succursale." in thanks.text


@pytest.mark.django_db
def test_a_follow_up_is_recorded_only_when_its_condition_is_met(client, fw):
    post(client, fw.link.token, {"nps": "9", "improve": "Caché", "liked": "Le sourire"})

    row = Response.objects.latest("id")
    assert row.answers == {"nps": 9, "liked": "Le sourire"}
    assert row.comment == "Le sourire"


@pytest.mark.django_db
def test_thanks_page_in_english(client, fw):
    thanks = client.get(f"/s/{fw.link.token}/merci?lang=en")
    assert thanks["Content-Language"] == "en"
    assert "<h1>Thank you!</h1>" in thanks.text
    assert "Thank you! Your feedback goes to the branch team." in thanks.text
    assert client.get("/s/unknown-token/merci").status_code == 404


@pytest.mark.django_db
def test_employee_code_from_the_link_is_kept_when_known(client, fw, world):
    Membership.objects.filter(user=world.employee).update(employee_code="E042")
    page = client.get(f"/s/{fw.link.token}?e=E042", headers=FR)
    assert '<input type="hidden" name="sv.e" value="E042">' in page.text

    post(client, fw.link.token, {"nps": "10", "sv.e": "E042"})
    assert Response.objects.latest("id").employee_code == "E042"

    post(client, fw.link.token, {"nps": "10", "sv.e": "UNKNOWN"})
    assert Response.objects.latest("id").employee_code == ""


VALIDATION_CASES = [
    # (question, posted fields, French message next to the field)
    ("nps", {"nps": "11"}, "11 est hors de l’échelle 0–10."),
    ("nps", {"nps": ""}, "Cette question demande une réponse."),
    ("ces", {"ces": "0"}, "0 est hors de l’échelle 1–7."),
    ("rating", {"rating": "5"}, "5 est hors de l’échelle 1–4."),
    ("single", {"single": "z"}, "« z » ne fait pas partie des choix."),
    ("single", {"single": ["a", "b"]}, "Choisissez une seule réponse."),
    ("multiple", {"multiple": ["a", "zz"]}, "« zz » ne fait pas partie des choix."),
    ("short", {"short": ""}, "Cette question demande une réponse."),
    ("short", {"short": "x" * 501}, "Merci de rester sous 500 caractères."),
    ("long", {"long": "y" * 5001}, "Merci de rester sous 5000 caractères."),
    (
        "contact",
        {"contact": "yes", "contact_name": "Jo"},
        "Laissez une adresse courriel ou un numéro de téléphone pour que nous puissions vous "
        "joindre.",
    ),
    (
        "contact_email",
        {"contact": "yes", "contact_email": "pas-un-courriel"},
        "Saisissez une adresse courriel valide.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "bad", "message"), VALIDATION_CASES)
def test_bad_answer_gets_a_french_message_next_to_its_field_and_keeps_what_was_typed(
    client, every_type, key, bad, message
):
    link, _version = every_type
    typed = {
        "nps": "7",
        "ces": "6",
        "rating": "3",
        "single": "a",
        "multiple": ["a", "b"],
        "short": "Rapide et simple",
        "long": "Un commentaire\nsur deux lignes",
        "contact": "no",
    }
    data = {**typed, **bad}

    response = post(client, link.token, data)

    assert response.status_code == 422
    html = response.content.decode()
    assert response["Content-Language"] == "fr"
    assert "<title>Erreur : Tout · Caisse Test</title>" in html
    assert "Il y a 1 problème dans vos réponses" in html
    dom_id = f"q-{key.replace('_email', '')}"
    error_id = f"{dom_id}-email-error" if key == "contact_email" else None
    if key == "contact":
        error_id = f"{dom_id}-details-error"
    error_id = error_id or f"{dom_id}-error"
    assert f'<p class="sv-error" id="{error_id}">{message}</p>' in html
    assert re.search(rf'aria-describedby="[^"]*\b{error_id}\b', html)
    assert 'aria-invalid="true"' in html
    # The summary at the top links to the field.
    summary = re.search(r'<div class="sv-summary".*?</div>', html, re.S).group(0)
    assert re.search(rf'<a href="#{dom_id}-[\w-]+">{re.escape(message)}</a>', summary) or (
        f'<a href="#{dom_id}">{message}</a>' in summary
    )
    # Everything typed comes back, including the bad value where it can be shown.
    kept = controls(response)
    for name, value in data.items():
        if name == key:
            continue
        values = value if isinstance(value, list) else [value]
        if name in {"nps", "ces", "rating", "single", "multiple", "contact"}:
            assert kept.checked.get(name) == values, name
        else:
            assert kept.values.get(name) == value, name
    if key in {"short", "long"}:
        assert kept.values[key] == bad[key]
    assert not Response.objects.filter(link=link).exists()


@pytest.mark.django_db
def test_a_valid_answer_to_every_type_is_recorded(client, every_type):
    link, version = every_type
    response = post(
        client,
        link.token,
        {
            "nps": "0",
            "ces": "7",
            "rating": "4",
            "single": "b",
            "multiple": ["a", "b"],
            "short": "Court",
            "long": "Long",
            "contact": "yes",
            "contact_phone": "418 555-0199",
        },
    )
    assert response.status_code == 303
    row = Response.objects.get(link=link)
    assert row.survey_version == version
    assert row.answers == {
        "nps": 0,
        "ces": 7,
        "rating": 4,
        "single": "b",
        "multiple": ["a", "b"],
        "short": "Court",
        "long": "Long",
        "contact": "yes",
    }
    assert (row.nps, row.ces, row.contact_phone) == (0, 7, "418 555-0199")


@pytest.mark.django_db
def test_every_type_renders_as_real_controls(client, every_type):
    link, _version = every_type
    html = client.get(f"/s/{link.token}", headers=FR).text
    assert '<fieldset class="sv-q" id="q-ces">' in html
    assert '1<span class="visually-hidden"> (Très difficile)</span>' in html
    assert '4<span class="visually-hidden"> (Excellent)</span>' in html
    assert 'type="checkbox" id="q-multiple-1" name="multiple" value="b"' in html
    assert '<input type="text" id="q-short" name="short" value="" maxlength="500" required>' in (
        html
    )
    assert '<textarea id="q-long" name="long" rows="4" maxlength="5000"></textarea>' in html
    assert "<legend>Pouvons-nous vous contacter au sujet de votre réponse?" in html
    assert 'type="email" id="q-contact-email" name="contact_email"' in html
    assert 'type="tel" id="q-contact-phone" name="contact_phone"' in html


@pytest.mark.django_db
def test_several_errors_are_all_listed_at_the_top(client, every_type):
    link, _version = every_type
    response = post(client, link.token, {"nps": "12", "short": ""})
    assert response.status_code == 422
    summary = re.search(r'<div class="sv-summary".*?</div>', response.text, re.S).group(0)
    assert "Il y a 2 problèmes dans vos réponses" in summary
    assert re.findall(r'<a href="#([\w-]+)">', summary) == ["q-nps-0", "q-short"]


@pytest.mark.django_db
def test_the_page_costs_two_queries_and_an_answer_one_insert(
    client, fw, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):  # the link, the latest version
        assert client.get(f"/s/{fw.link.token}", headers=FR).status_code == 200
    with django_assert_max_num_queries(5):  # the same two, then the insert in a savepoint
        assert post(client, fw.link.token, {"nps": "5"}).status_code == 303


# --- French everywhere ----------------------------------------------------------------------


@pytest.mark.django_db
def test_public_pages_in_french_leave_no_english_behind(client, fw, every_type):
    link, _version = every_type
    pages = [
        client.get(f"/s/{fw.link.token}", headers=FR),
        client.get(f"/s/{link.token}", headers=FR),
        post(client, link.token, {"nps": "11", "contact": "yes"}),
        client.get(f"/s/{fw.link.token}/merci", headers=FR),
        client.get("/s/unknown-token", headers=FR),
    ]
    for page in pages:
        assert page["Content-Language"] == "fr"
        assert english_left_behind(page.content.decode()) == set(), page.request["PATH_INFO"]


# --- Weight -----------------------------------------------------------------------------------


def page_weight(client, url: str) -> tuple[int, int]:
    """Bytes of the page and of every stylesheet and script it loads (the logo excluded):
    (as sent uncompressed, gzip-compressed)."""
    html = client.get(url, headers=FR).content
    assets = re.findall(rb'<(?:link rel="stylesheet" href|script src)="/static/([^"]+)"', html)
    bodies = [html]
    for asset in assets:
        with open(finders.find(asset.decode()), "rb") as handle:
            bodies.append(handle.read())
    return sum(len(b) for b in bodies), sum(len(gzip.compress(b)) for b in bodies)


@pytest.mark.django_db
def test_the_answer_page_weighs_under_50_kb_with_its_css_and_script(client, fw, every_type):
    for token in (fw.link.token, every_type[0].token):
        raw, compressed = page_weight(client, f"/s/{token}")
        assert raw < PAGE_BUDGET, f"{raw} bytes"
        assert compressed < raw


# --- Staff preview ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_cx_lead_previews_the_draft_in_a_phone_frame(client_for, fw, world):
    Question.objects.filter(survey=fw.survey, key="nps").update(text_fr="Brouillon non publié?")
    Survey.objects.filter(pk=fw.survey.pk).update(has_unpublished_changes=True)
    client = client_for(world.cx_lead)
    url = f"/o/caisse/surveys/{fw.survey.pk}/preview/"

    page = client.get(url)

    assert page.status_code == 200
    frame_url = f"/o/caisse/surveys/{fw.survey.pk}/preview/frame/?lang=fr"
    assert f'<div class="phone">\n    <iframe src="{frame_url}"' in page.text
    assert "Les réponses envoyées ici sont vérifiées comme les vraies" in page.text
    assert "ils répondent à la dernière version publiée" in page.text
    frame = client.get(frame_url)
    assert frame.status_code == 200
    assert "Brouillon non publié?" in frame.text
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in frame["Content-Security-Policy"]
    assert english_left_behind(page.text) == set()
    assert english_left_behind(frame.text) == set()


@pytest.mark.django_db
def test_preview_switches_to_english(client_for, fw, world):
    client = client_for(world.admin)
    page = client.get(f"/o/caisse/surveys/{fw.survey.pk}/preview/?lang=en")
    assert f'src="/o/caisse/surveys/{fw.survey.pk}/preview/frame/?lang=en"' in page.text
    frame = client.get(f"/o/caisse/surveys/{fw.survey.pk}/preview/frame/?lang=en")
    assert "Would you recommend us to a friend or relative?" in frame.text


@pytest.mark.django_db
def test_submitting_in_the_preview_validates_and_stores_nothing(client_for, fw, world):
    client = client_for(world.cx_lead)
    url = f"/o/caisse/surveys/{fw.survey.pk}/preview/frame/?lang=fr"
    before = Response.objects.count()

    bad = client.post(url, {"nps": "42", "sv.lang": "fr"})
    assert bad.status_code == 422
    assert "42 est hors de l’échelle 0–10." in bad.text
    good = client.post(url, {"nps": "2", "improve": "Tout", "sv.lang": "fr"})
    assert good.status_code == 200
    assert "ces réponses ont été vérifiées, mais pas enregistrées" in good.text
    assert Response.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["employee", "outsider"])
def test_people_without_survey_rights_cannot_preview(client_for, fw, world, who):
    client = client_for(getattr(world, who))
    for suffix in ("", "frame/"):
        url = f"/o/caisse/surveys/{fw.survey.pk}/preview/{suffix}"
        assert client.get(url).status_code == 404
        assert client.post(url, {"nps": "3"}).status_code == 404


@pytest.mark.django_db
def test_preview_of_another_organisations_survey_is_404(client_for, world):
    other = build_feedback(world.other_org, world.other_unit)
    client = client_for(world.admin)
    assert client.get(f"/o/caisse/surveys/{other.survey.pk}/preview/").status_code == 404
    assert client.get(f"/o/caisse/surveys/{other.survey.pk}/preview/frame/").status_code == 404


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_for_the_preview(client, fw):
    response = client.get(f"/o/caisse/surveys/{fw.survey.pk}/preview/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

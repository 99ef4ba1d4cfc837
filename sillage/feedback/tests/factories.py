"""Feedback objects for tests: a journey with a touchpoint, a published survey, a link, an
email contact and invitation, a response and an import job."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile

from sillage.accounts.models import Organization, Unit
from sillage.feedback.definition import validate_answers
from sillage.feedback.models import (
    Channel,
    Contact,
    ImportJob,
    Invitation,
    Journey,
    Question,
    QuestionType,
    Response,
    Stage,
    Survey,
    SurveyLink,
    SurveyVersion,
    Touchpoint,
)
from sillage.feedback.services import response_create, survey_publish


@dataclass
class FeedbackWorld:
    journey: Journey
    stage: Stage
    touchpoint: Touchpoint
    survey: Survey
    question: Question
    version: SurveyVersion
    link: SurveyLink
    contact: Contact
    invitation: Invitation
    response: Response
    import_job: ImportJob


def make_survey(organization: Organization, touchpoint: Touchpoint | None = None) -> Survey:
    """A branch-visit survey: NPS, follow-ups by score band, CSAT, a choice, consent."""
    survey = Survey.objects.create(
        organization=organization,
        name_fr="Visite en succursale",
        name_en="Branch visit",
        intro_fr="Deux minutes pour nous dire comment s’est passée votre visite?",
        intro_en="Two minutes to tell us how your visit went?",
        thanks_fr="Merci! Votre avis est transmis à l’équipe de la succursale.",
        thanks_en="Thank you! Your feedback goes to the branch team.",
        touchpoint=touchpoint,
    )
    rows = [
        (
            "nps",
            QuestionType.NPS,
            "Recommanderiez-vous notre caisse à un proche?",
            "Would you recommend us to a friend or relative?",
            True,
            {},
            ("", None, None),
        ),
        (
            "improve",
            QuestionType.LONG_TEXT,
            "Que devrions-nous améliorer?",
            "What should we improve?",
            False,
            {},
            ("nps", 0, 6),
        ),
        (
            "liked",
            QuestionType.LONG_TEXT,
            "Qu’avez-vous apprécié?",
            "What did you appreciate?",
            False,
            {},
            ("nps", 9, 10),
        ),
        (
            "csat",
            QuestionType.CSAT,
            "Dans l’ensemble, êtes-vous satisfait de votre visite?",
            "Overall, how satisfied are you with your visit?",
            False,
            {},
            ("", None, None),
        ),
        (
            "reason",
            QuestionType.SINGLE,
            "Quel était le motif de votre visite?",
            "What was the reason for your visit?",
            False,
            {
                "choices": [
                    {"value": "advice", "fr": "Conseil", "en": "Advice"},
                    {"value": "teller", "fr": "Transaction", "en": "Transaction"},
                ]
            },
            ("", None, None),
        ),
        (
            "contact",
            QuestionType.CONSENT,
            "Pouvons-nous vous contacter au sujet de votre réponse?",
            "May we contact you about your answer?",
            False,
            {},
            ("", None, None),
        ),
    ]
    for rank, (key, kind, fr, en, required, options, (cond, low, high)) in enumerate(rows):
        Question.objects.create(
            survey=survey,
            key=key,
            rank=rank,
            type=kind,
            text_fr=fr,
            text_en=en,
            required=required,
            options=options,
            show_if_key=cond,
            show_if_min=low,
            show_if_max=high,
        )
    return survey


def build_feedback(organization: Organization, unit: Unit) -> FeedbackWorld:
    journey = Journey.objects.create(
        organization=organization,
        code="visite",
        name_fr="Visite en succursale",
        name_en="Branch visit",
    )
    stage = Stage.objects.create(
        organization=organization, journey=journey, name_fr="Accueil", name_en="Welcome"
    )
    touchpoint = Touchpoint.objects.create(
        organization=organization,
        stage=stage,
        code="comptoir",
        channel=Channel.BRANCH,
        name_fr="Comptoir",
        name_en="Counter",
    )
    survey = make_survey(organization, touchpoint)
    version = survey_publish(survey=survey, user=None)
    link = SurveyLink.objects.create(
        organization=organization, survey=survey, unit=unit, touchpoint=touchpoint
    )
    contact = Contact.objects.create(
        organization=organization, email=f"client@{organization.slug}.example", name="Client"
    )
    invitation = Invitation.objects.create(
        organization=organization,
        contact=contact,
        survey=survey,
        unit=unit,
        touchpoint=touchpoint,
    )
    response, _created = response_create(
        organization=organization,
        unit=unit,
        touchpoint=touchpoint,
        source="link",
        validated=validate_answers(version.definition, {"nps": "9", "liked": "Accueil chaleureux"}),
        language="fr",
        survey_version=version,
        link=link,
    )
    import_job = ImportJob.objects.create(
        organization=organization,
        file=ContentFile(b"nps\n9\n", name="past.csv"),
        original_name="past.csv",
    )
    return FeedbackWorld(
        journey=journey,
        stage=stage,
        touchpoint=touchpoint,
        survey=survey,
        question=survey.questions.get(key="nps"),
        version=version,
        link=link,
        contact=contact,
        invitation=invitation,
        response=response,
        import_job=import_job,
    )

"""What the demo's voice of the customer is made of: journeys, touchpoints and surveys.

Data only, so that the building code reads as a recipe: the journeys of Caisse Horizon and
Assurances Boréale, their touchpoints and surveys, and the numbers behind the story the
responses tell (branches better or worse than the rest, who answers in English).
"""

from __future__ import annotations

from typing import NamedTuple

from sillage.demo import names

HORIZON_RESPONSES = 60_000
BOREALE_RESPONSES = 1_200


# --- What the journeys are ----------------------------------------------------------------------


class TouchpointSpec(NamedTuple):
    journey: str
    stage: int  # rank of its stage in the journey
    code: str
    channel: str
    name_fr: str
    name_en: str
    served_by: str  # counter, advice or branch (in every branch), or a unit code
    weight: int  # share of the journey's responses


class SurveySpec(NamedTuple):
    name_fr: str
    name_en: str
    nps_fr: str
    nps_en: str
    csat_fr: str
    csat_en: str
    ces_fr: str = ""  # empty: no effort question
    ces_en: str = ""


class JourneySpec(NamedTuple):
    code: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    stages: tuple[tuple[str, str], ...]  # (French, English), in order
    share: float  # of the organisation's responses
    mean: float  # the journey's typical latent score, on the 0–10 scale
    volume: tuple[float, ...] = (1.0,) * 12  # by month, January first
    mood: tuple[float, ...] = (0.0,) * 12  # score shift by month


# fmt: off
HORIZON_JOURNEYS = (
    JourneySpec(
        "ouverture", "Ouverture de compte", "Account opening",
        "Du premier contact aux premières semaines d'un nouveau membre.",
        "From first contact to a new member's first weeks.",
        (("Prise de rendez-vous", "Booking"), ("Rencontre en succursale", "Branch meeting"),
         ("Premières semaines", "First weeks")),
        0.10, 8.4,
        (0.9, 0.9, 1.0, 1.0, 1.0, 1.1, 1.4, 1.5, 1.4, 1.0, 0.9, 0.7),  # July 1st, back to school
    ),
    JourneySpec(
        "hypotheque", "Prêt hypothécaire", "Mortgage",
        "De la demande de prêt au renouvellement, en passant par la signature chez le notaire.",
        "From the loan application to the renewal, through the signing at the notary's.",
        (("Demande", "Application"), ("Approbation", "Approval"), ("Renouvellement", "Renewal")),
        0.10, 8.1,
        (0.6, 0.8, 1.2, 1.7, 1.9, 1.6, 0.9, 0.8, 0.9, 0.8, 0.7, 0.5),  # spring renewals
        (0.0, 0.0, -0.2, -0.4, -0.5, -0.3, 0.0, 0.0, 0.0, 0.1, 0.1, 0.1),  # and their delays
    ),
    JourneySpec(
        "visite", "Visite en succursale", "Branch visit",
        "L'accueil, le comptoir et les rencontres avec un conseiller.",
        "The welcome, the counter and meetings with an advisor.",
        (("Accueil", "Welcome"), ("Service au comptoir", "Counter service"),
         ("Rencontre avec un conseiller", "Meeting an advisor")),
        0.40, 8.3,
        (1.0, 1.35, 1.1, 1.0, 1.0, 0.95, 0.7, 0.75, 1.0, 1.05, 1.0, 0.8),  # RRSP in February
        (0.0, -0.35, -0.1, 0.0, 0.0, 0.0, 0.15, 0.15, 0.0, 0.0, 0.0, -0.1),  # and its waits
    ),
    JourneySpec(
        "centre-contact", "Appel au centre de contact", "Contact centre call",
        "Les appels, le clavardage et les courriels au centre de contact.",
        "Calls, chats and emails to the contact centre.",
        (("Joindre la caisse", "Reaching us"), ("Conversation", "Conversation"),
         ("Suivi", "Follow-up")),
        0.20, 7.9,
        (1.0, 1.3, 1.2, 1.0, 1.0, 0.9, 0.8, 0.8, 1.0, 1.0, 1.0, 0.85),
        (0.0, -0.45, -0.25, 0.0, 0.0, 0.0, 0.1, 0.1, 0.0, 0.0, 0.0, 0.0),
    ),
    JourneySpec(
        "appli", "Application mobile", "Mobile app",
        "Se connecter, payer, virer et déposer des chèques avec l'appli.",
        "Signing in, paying, transferring and depositing cheques with the app.",
        (("Connexion", "Signing in"), ("Paiements et virements", "Payments and transfers"),
         ("Dépôt mobile", "Mobile deposit")),
        0.15, 7.9,
    ),
    JourneySpec(
        "plainte", "Plainte", "Complaint",
        "Le dépôt d'une plainte, son traitement et sa résolution.",
        "Filing a complaint, its handling and its resolution.",
        (("Dépôt de la plainte", "Filing"), ("Résolution", "Resolution")),
        0.05, 5.6,
    ),
)
T = TouchpointSpec
HORIZON_TOUCHPOINTS = (
    T("ouverture", 0, "ouverture-rdv-web", "web", "Réservation en ligne", "Online booking",
      "DIG", 2),
    T("ouverture", 1, "ouverture-rencontre", "branch", "Rencontre d'ouverture",
      "Opening meeting", "advice", 6),
    T("ouverture", 2, "ouverture-appli", "mobile_app", "Activation de l'appli", "App activation",
      "DIG", 1),
    T("ouverture", 2, "ouverture-courriel", "email", "Courriel de bienvenue", "Welcome email",
      "DIG", 1),
    T("hypotheque", 0, "hypo-demande-web", "web", "Demande en ligne", "Online application",
      "DIG", 1),
    T("hypotheque", 0, "hypo-rencontre", "branch", "Rencontre hypothécaire", "Mortgage meeting",
      "advice", 4),
    T("hypotheque", 1, "hypo-suivi", "contact_centre", "Suivi du dossier", "File follow-up",
      "CC-T1", 2),
    T("hypotheque", 2, "hypo-renouvellement", "branch", "Renouvellement", "Renewal",
      "advice", 3),
    T("visite", 0, "succursale-accueil", "branch", "Accueil", "Welcome desk", "counter", 2),
    T("visite", 1, "succursale-comptoir", "branch", "Comptoir", "Counter", "counter", 5),
    T("visite", 2, "succursale-conseil", "branch", "Rencontre conseil", "Advice meeting",
      "advice", 3),
    T("centre-contact", 0, "cc-menu-vocal", "contact_centre", "Menu vocal et attente",
      "Phone menu and hold", "CC-T1", 2),
    T("centre-contact", 1, "cc-appel", "contact_centre", "Appel avec un agent",
      "Call with an agent", "CC-T1", 5),
    T("centre-contact", 1, "cc-clavardage", "chat", "Clavardage", "Chat", "CC-T2", 3),
    T("centre-contact", 1, "cc-entreprises", "contact_centre", "Soutien aux entreprises",
      "Business support", "CC-T3", 1),
    T("centre-contact", 2, "cc-suivi-courriel", "email", "Suivi par courriel", "Email follow-up",
      "CC-T2", 1),
    T("appli", 0, "appli-connexion", "mobile_app", "Connexion", "Sign-in", "DIG", 2),
    T("appli", 1, "appli-virement", "mobile_app", "Virements Interac", "Interac transfers",
      "DIG", 3),
    T("appli", 2, "appli-depot", "mobile_app", "Dépôt de chèque", "Cheque deposit", "DIG", 2),
    T("plainte", 0, "plainte-web", "web", "Formulaire en ligne", "Online form", "CC-T2", 1),
    T("plainte", 0, "plainte-telephone", "contact_centre", "Par téléphone", "By phone",
      "CC-T1", 2),
    T("plainte", 0, "plainte-succursale", "branch", "En succursale", "At the branch",
      "branch", 2),
    T("plainte", 1, "plainte-resolution", "email", "Réponse finale", "Final answer", "CC-T2", 2),
)
HORIZON_SURVEYS = {
    "ouverture": SurveySpec(
        "Ouverture de compte", "Account opening",
        "Recommanderiez-vous Caisse Horizon à un proche qui veut ouvrir un compte?",
        "Would you recommend Caisse Horizon to someone who wants to open an account?",
        "Êtes-vous satisfait de l'ouverture de votre compte?",
        "How satisfied are you with opening your account?",
        "Dans quelle mesure a-t-il été facile d'ouvrir votre compte?",
        "How easy was it to open your account?",
    ),
    "hypotheque": SurveySpec(
        "Prêt hypothécaire", "Mortgage",
        "Recommanderiez-vous Caisse Horizon pour un prêt hypothécaire?",
        "Would you recommend Caisse Horizon for a mortgage?",
        "Êtes-vous satisfait de l'accompagnement reçu pour votre prêt?",
        "How satisfied are you with the support you received for your mortgage?",
        "Dans quelle mesure a-t-il été facile d'obtenir votre prêt?",
        "How easy was it to get your mortgage?",
    ),
    "visite": SurveySpec(
        "Visite en succursale", "Branch visit",
        "Recommanderiez-vous votre succursale à un proche?",
        "Would you recommend your branch to a friend or relative?",
        "Dans l'ensemble, êtes-vous satisfait de votre visite?",
        "Overall, how satisfied are you with your visit?",
    ),
    "centre-contact": SurveySpec(
        "Appel au centre de contact", "Contact centre call",
        "Recommanderiez-vous le service à la clientèle de Caisse Horizon à un proche?",
        "Would you recommend Caisse Horizon's customer service to a friend?",
        "Êtes-vous satisfait de la réponse obtenue?",
        "How satisfied are you with the answer you got?",
        "Dans quelle mesure a-t-il été facile de régler votre demande?",
        "How easy was it to get your request handled?",
    ),
    "appli": SurveySpec(
        "Application mobile", "Mobile app",
        "Recommanderiez-vous l'appli de Caisse Horizon à un proche?",
        "Would you recommend the Caisse Horizon app to a friend?",
        "Êtes-vous satisfait de l'appli?",
        "How satisfied are you with the app?",
        "Dans quelle mesure a-t-il été facile de faire ce que vous vouliez?",
        "How easy was it to do what you wanted?",
    ),
    "plainte": SurveySpec(
        "Traitement de votre plainte", "Handling of your complaint",
        "Après le traitement de votre plainte, recommanderiez-vous Caisse Horizon?",
        "After the handling of your complaint, would you recommend Caisse Horizon?",
        "Êtes-vous satisfait du traitement de votre plainte?",
        "How satisfied are you with how your complaint was handled?",
        "Dans quelle mesure a-t-il été facile de faire entendre votre plainte?",
        "How easy was it to have your complaint heard?",
    ),
}

BOREALE_JOURNEYS = (
    JourneySpec(
        "sinistre", "Réclamation", "Claim",
        "De la déclaration du sinistre au règlement.",
        "From reporting the loss to the settlement.",
        (("Déclaration du sinistre", "Reporting the loss"),
         ("Expertise et règlement", "Adjustment and settlement")),
        0.7, 7.2,
        (1.4, 1.3, 1.1, 1.2, 0.9, 0.8, 0.9, 1.0, 0.9, 0.9, 1.0, 1.3),  # ice, snow, water damage
        (-0.2, -0.2, 0.0, 0.0, 0.0, 0.1, 0.1, 0.1, 0.0, 0.0, 0.0, -0.1),
    ),
    JourneySpec(
        "renouvellement-police", "Renouvellement de police", "Policy renewal",
        "Le renouvellement annuel de l'assurance auto et habitation.",
        "The yearly renewal of car and home insurance.",
        (("Renouvellement", "Renewal"),),
        0.3, 7.6,
    ),
)
BOREALE_TOUCHPOINTS = (
    T("sinistre", 0, "sinistre-appel", "contact_centre", "Déclaration par téléphone",
      "Phone report", "APPELS", 3),
    T("sinistre", 0, "sinistre-web", "web", "Déclaration en ligne", "Online report", "RECL", 1),
    T("sinistre", 1, "sinistre-reglement", "email", "Règlement", "Settlement", "RECL", 3),
    T("renouvellement-police", 0, "police-renouvellement", "contact_centre",
      "Appel de renouvellement", "Renewal call", "APPELS", 1),
)
BOREALE_SURVEYS = {
    "sinistre": SurveySpec(
        "Votre réclamation", "Your claim",
        "Recommanderiez-vous Assurances Boréale à un proche?",
        "Would you recommend Boréale Insurance to a friend or relative?",
        "Êtes-vous satisfait du traitement de votre réclamation?",
        "How satisfied are you with how your claim was handled?",
        "Dans quelle mesure a-t-il été facile de faire votre réclamation?",
        "How easy was it to make your claim?",
    ),
    "renouvellement-police": SurveySpec(
        "Renouvellement de votre police", "Your policy renewal",
        "Recommanderiez-vous Assurances Boréale à un proche?",
        "Would you recommend Boréale Insurance to a friend or relative?",
        "Êtes-vous satisfait de votre renouvellement?",
        "How satisfied are you with your renewal?",
    ),
}
# fmt: on

# Branches steadily better or worse than the rest (latent score shift), for the story.
BRANCH_SHIFT = {
    "MAGOG": 0.8,
    "BSP": 0.9,
    "OUTREMONT": 0.6,
    "SILLERY": 0.6,
    "COATICOOK": 0.5,
    "HOCHELAGA": -0.9,
    "LACHINE": -0.8,
    "STHENRI": -0.6,
    "CHATEAUGUAY": -0.5,
}
UNIT_SHIFT = {"CC-T1": -0.25, "CC-T2": 0.15, "CC-T3": 0.45, "APPELS": -0.2, "RECL": 0.1}
# Share of English-speaking respondents where it differs from the region's.
REGION_ENGLISH = {"MTL": 0.32, "CN": 0.07, "MON": 0.2, "EST": 0.22}
BRANCH_ENGLISH = {
    "CDN": 0.55,
    "STLAURENT": 0.45,
    "GRIFFINTOWN": 0.5,
    "VIEUXMTL": 0.45,
    "VERDUN": 0.35,
    "BROSSARD": 0.4,
    "VAUDREUIL": 0.45,
    "CHATEAUGUAY": 0.35,
    "SHERBROOKE": 0.3,
    "MAGOG": 0.28,
    "HOCHELAGA": 0.12,
    "ROSEMONT": 0.15,
}
UNIT_ENGLISH = {"CC-T1": 0.25, "CC-T2": 0.3, "CC-T3": 0.2, "DIG": 0.3, "APPELS": 0.15, "RECL": 0.12}
AREA_CODES = {"MTL": "514", "CN": "418", "MON": "450", "EST": "819"}
SIZE_WEIGHT = {"L": 3.0, "M": 2.0, "S": 1.0}


class OrgSpec(NamedTuple):
    slug: str
    journeys: tuple[JourneySpec, ...]
    touchpoints: tuple[TouchpointSpec, ...]
    surveys: dict[str, SurveySpec]
    responses: int  # in the full demo


HORIZON_SPEC = OrgSpec(
    names.HORIZON, HORIZON_JOURNEYS, HORIZON_TOUCHPOINTS, HORIZON_SURVEYS, HORIZON_RESPONSES
)
BOREALE_SPEC = OrgSpec(
    names.BOREALE, BOREALE_JOURNEYS, BOREALE_TOUCHPOINTS, BOREALE_SURVEYS, BOREALE_RESPONSES
)
PER_BRANCH = {"counter", "advice", "branch"}

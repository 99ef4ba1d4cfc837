"""The default bilingual taxonomy of front-line service, seeded per organisation on first use.

Written for Quebec credit unions, insurers and retail networks: keywords are the words (or
word starts) customers actually write in Quebec French and in English; the examples are
sentences an engine that works by similarity may compare with.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultTheme:
    code: str
    name_fr: str
    name_en: str
    keywords_fr: tuple[str, ...]
    keywords_en: tuple[str, ...]
    examples: tuple[str, ...]


DEFAULT_THEMES: tuple[DefaultTheme, ...] = (
    DefaultTheme(
        "wait_time",
        "Temps d'attente",
        "Wait time",
        (
            "attente",
            "attendu",
            "attendre",
            "file",
            "ligne d'attente",
            "rapide",
            "rapidement",
            "délai",
            "lent",
            "retard",
            "minutes",
        ),
        ("wait", "waited", "waiting", "line", "queue", "quick", "fast", "slow", "delay", "minutes"),
        ("J'ai attendu 30 minutes au comptoir.", "Waited 20 minutes in line."),
    ),  # fmt: skip
    DefaultTheme(
        "courtesy",
        "Courtoisie et accueil",
        "Courtesy and welcome",
        (
            "courtois",
            "courtoisie",
            "accueil",
            "accueillant",
            "souriant",
            "sourire",
            "poli",
            "impoli",
            "aimable",
            "gentil",
            "gentille",
            "chaleureux",
            "bête",
            "respect",
        ),
        (
            "courteous",
            "rude",
            "polite",
            "friendly",
            "welcoming",
            "smile",
            "kind",
            "warm",
            "respect",
            "attitude",
        ),
        ("La caissière était souriante et chaleureuse.", "The teller was rude to me."),
    ),  # fmt: skip
    DefaultTheme(
        "competence",
        "Compétence et conseils",
        "Competence and advice",
        (
            "conseil",
            "conseils",
            "conseiller",
            "conseillère",
            "compétent",
            "compétence",
            "expliqué",
            "explications",
            "connaissance",
            "professionnel",
            "expertise",
        ),
        (
            "advice",
            "advisor",
            "adviser",
            "competent",
            "knowledgeable",
            "explained",
            "expertise",
            "professional",
            "helpful",
        ),
        ("Ma conseillère m'a bien expliqué les options.", "The advisor knew her products well."),
    ),  # fmt: skip
    DefaultTheme(
        "fees",
        "Frais et tarifs",
        "Fees and pricing",
        (
            "frais",
            "tarif",
            "tarifs",
            "prix",
            "coût",
            "cher",
            "chère",
            "taux",
            "intérêt",
            "prime",
            "facturé",
        ),
        (
            "fee",
            "fees",
            "charge",
            "charged",
            "price",
            "pricing",
            "cost",
            "expensive",
            "rate",
            "rates",
            "interest",
            "premium",
        ),
        ("Les frais de service sont trop élevés.", "The monthly fees keep going up."),
    ),  # fmt: skip
    DefaultTheme(
        "digital",
        "Application et site web",
        "Digital app and website",
        (
            "appli",
            "application",
            "site",
            "web",
            "en ligne",
            "internet",
            "mot de passe",
            "connexion",
            "bogue",
            "mobile",
            "accèsd",
            "virement interac",
        ),
        (
            "app",
            "application",
            "website",
            "online",
            "login",
            "log in",
            "password",
            "bug",
            "mobile",
            "internet",
            "e-transfer",
        ),
        ("L'appli plante chaque fois que je fais un virement.", "The app keeps crashing."),
    ),  # fmt: skip
    DefaultTheme(
        "opening_hours",
        "Disponibilité et heures d'ouverture",
        "Availability and opening hours",
        (
            "heures",
            "horaire",
            "ouvert",
            "ouverture",
            "fermé",
            "fermeture",
            "samedi",
            "soir",
            "disponible",
            "disponibilité",
            "rendez-vous",
        ),
        (
            "hours",
            "opening",
            "open",
            "closed",
            "saturday",
            "evening",
            "available",
            "availability",
            "appointment",
        ),
        ("La succursale devrait être ouverte le samedi.", "Please open later in the evening."),
    ),  # fmt: skip
    DefaultTheme(
        "follow_up",
        "Suivi et rappels",
        "Follow-up and callbacks",
        (
            "suivi",
            "rappel",
            "rappeler",
            "rappelé",
            "retour d'appel",
            "relance",
            "jamais eu de",
            "sans nouvelles",
            "promis",
        ),
        (
            "follow up",
            "follow-up",
            "call back",
            "callback",
            "called back",
            "never heard",
            "promised",
            "get back",
        ),
        ("On devait me rappeler et personne ne l'a fait.", "Nobody called me back as promised."),
    ),  # fmt: skip
    DefaultTheme(
        "premises",
        "Lieux et accessibilité",
        "Premises and accessibility",
        (
            "locaux",
            "succursale",
            "stationnement",
            "propre",
            "propreté",
            "guichet",
            "bruit",
            "accessible",
            "rampe",
            "confidentialité",
        ),
        (
            "branch",
            "parking",
            "clean",
            "premises",
            "atm",
            "noisy",
            "accessible",
            "wheelchair",
            "privacy",
        ),
        ("Le stationnement est toujours plein.", "The ATM was out of order again."),
    ),  # fmt: skip
    DefaultTheme(
        "errors_fraud",
        "Erreurs et fraude",
        "Errors and fraud",
        (
            "erreur",
            "erreurs",
            "fraude",
            "frauduleux",
            "transaction non autorisée",
            "carte bloquée",
            "bloqué",
            "remboursement",
            "oubli",
            "mal inscrit",
        ),
        (
            "error",
            "mistake",
            "fraud",
            "fraudulent",
            "unauthorized",
            "blocked",
            "refund",
            "wrong amount",
            "scam",
        ),
        ("Une erreur dans mon relevé n'a jamais été corrigée.", "There was fraud on my card."),
    ),  # fmt: skip
    DefaultTheme(
        "phone_chat",
        "Téléphone et clavardage",
        "Phone and chat",
        (
            "téléphone",
            "appel",
            "appelé",
            "centre d'appels",
            "clavardage",
            "boîte vocale",
            "transféré",
            "agent",
        ),
        (
            "phone",
            "call",
            "called",
            "call centre",
            "call center",
            "chat",
            "voicemail",
            "transferred",
            "on hold",
        ),
        ("J'ai été transféré trois fois au téléphone.", "Stayed on hold for 40 minutes."),
    ),  # fmt: skip
    DefaultTheme(
        "loans_mortgage",
        "Prêts et hypothèques",
        "Loans and mortgage",
        (
            "prêt auto",
            "prêt personnel",
            "emprunt",
            "hypothèque",
            "hypothécaire",
            "financement",
            "marge de crédit",
            "renouvellement",
            "approbation",
        ),
        ("loan", "mortgage", "financing", "line of credit", "renewal", "approval", "approved"),
        ("Le renouvellement de mon hypothèque a été simple.", "My mortgage renewal was smooth."),
    ),  # fmt: skip
    DefaultTheme(
        "claims",
        "Réclamations et sinistres",
        "Claims",
        ("réclamation", "sinistre", "expert en sinistre", "indemnité", "dégât", "accident"),
        ("claim", "claims", "adjuster", "settlement", "damage", "accident"),
        ("Ma réclamation a traîné pendant des semaines.", "The adjuster was fair and quick."),
    ),  # fmt: skip
    DefaultTheme(
        "savings_investments",
        "Épargne et placements",
        "Savings and investments",
        ("reer", "celi", "placement", "placements", "épargne", "rendement", "fonds"),
        ("rrsp", "tfsa", "investment", "investments", "savings", "return", "funds"),
        ("Bons conseils pour mon REER.", "Great help with my TFSA."),
    ),  # fmt: skip
    DefaultTheme(
        "praise",
        "Remerciements au personnel",
        "Praise for staff",
        ("bravo à", "merci à", "perle", "remercier", "souligner", "félicitations"),
        ("thanks to", "thank you to", "kudos", "shout out", "gem", "went above"),
        ("Bravo à Julie, toujours de bonne humeur!", "Thanks to Mark for his patience."),
    ),
    DefaultTheme(
        "language",
        "Service en français ou en anglais",
        "Service in French or English",
        ("français", "anglais", "langue", "bilingue"),
        ("french", "english", "language", "bilingual"),
        ("On m'a répondu seulement en anglais.", "Nobody could serve me in English."),
    ),  # fmt: skip
)


def default_codes() -> list[str]:
    return [theme.code for theme in DEFAULT_THEMES]

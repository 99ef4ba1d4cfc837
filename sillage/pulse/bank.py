"""The core question bank, in Sillage's own words (French and English).

Each entry is a series: its key and wording never change. A better wording is a NEW key (for
instance `core.customers.1b`), so trends never mix two questions. `test_bank.py` pins every
key to its wording and fails if one is edited in place.

The statements are written for this project; they do not reuse any proprietary engagement
questionnaire. They follow seed 004 (the involvement quotient over five relations, the gap
between knowing what customers expect and having the resources to meet it, customer
satisfaction as a motivation) and seed 000 (the MC2 pillars: wanting, being able, being
valued).
"""

from __future__ import annotations

from typing import NamedTuple

from sillage.pulse.models import Dimension, ItemKind


class BankItem(NamedTuple):
    series: str
    kind: str
    dimension: str
    text_fr: str
    text_en: str


A = ItemKind.AGREEMENT
D = Dimension

CORE_ITEMS: tuple[BankItem, ...] = (
    # Relation with customers
    BankItem(
        "core.customers.1",
        A,
        D.CUSTOMERS,
        "Je me sens responsable de la qualité du service que reçoivent nos clients.",
        "I feel responsible for the quality of service our customers receive.",
    ),
    BankItem(
        "core.customers.2",
        A,
        D.CUSTOMERS,
        "Je fais un effort de plus quand un client en a besoin.",
        "I go the extra mile when a customer needs it.",
    ),
    BankItem(
        "core.customers.3",
        A,
        D.CUSTOMERS,
        "J'ai du plaisir à servir nos clients.",
        "I enjoy serving our customers.",
    ),
    # The know-vs-can pair (seed 004: 95 % know, 55 % can) and the motivation item.
    BankItem(
        "core.know.1",
        A,
        D.KNOW,
        "Je sais ce que nos clients attendent de nous.",
        "I know what our customers expect.",
    ),
    BankItem(
        "core.can.1",
        A,
        D.CAN,
        "J'ai les ressources nécessaires pour répondre à leurs attentes.",
        "I have the resources to meet their expectations.",
    ),
    BankItem(
        "core.motivation.1",
        A,
        D.MOTIVATION,
        "La satisfaction de nos clients me motive.",
        "Our customers' satisfaction motivates me.",
    ),
    # Relation with senior management
    BankItem(
        "core.senior_management.1",
        A,
        D.SENIOR_MANAGEMENT,
        "La direction explique clairement où s'en va l'organisation.",
        "Senior management clearly explains where the organisation is heading.",
    ),
    BankItem(
        "core.senior_management.2",
        A,
        D.SENIOR_MANAGEMENT,
        "J'ai confiance dans les décisions de la direction.",
        "I trust the decisions senior management makes.",
    ),
    BankItem(
        "core.senior_management.3",
        A,
        D.SENIOR_MANAGEMENT,
        "La direction montre par ses gestes que les clients comptent.",
        "Senior management shows through its actions that customers matter.",
    ),
    # Relation with the immediate supervisor
    BankItem(
        "core.supervisor.1",
        A,
        D.SUPERVISOR,
        "Mon supérieur immédiat me donne des retours utiles sur mon travail.",
        "My immediate supervisor gives me useful feedback on my work.",
    ),
    BankItem(
        "core.supervisor.2",
        A,
        D.SUPERVISOR,
        "Je peux parler franchement avec mon supérieur immédiat.",
        "I can speak openly with my immediate supervisor.",
    ),
    BankItem(
        "core.supervisor.3",
        A,
        D.SUPERVISOR,
        "Mon supérieur immédiat m'appuie quand je prends une initiative pour un client.",
        "My immediate supervisor backs me when I take an initiative for a customer.",
    ),
    # Relation with colleagues
    BankItem(
        "core.colleagues.1",
        A,
        D.COLLEAGUES,
        "Je peux compter sur mes collègues quand la charge de travail augmente.",
        "I can count on my colleagues when the workload rises.",
    ),
    BankItem(
        "core.colleagues.2",
        A,
        D.COLLEAGUES,
        "Dans mon équipe, nous partageons ce qui fonctionne avec les clients.",
        "In my team, we share what works with customers.",
    ),
    BankItem(
        "core.colleagues.3",
        A,
        D.COLLEAGUES,
        "Mes collègues me traitent avec respect.",
        "My colleagues treat me with respect.",
    ),
    # Relation with other teams
    BankItem(
        "core.other_teams.1",
        A,
        D.OTHER_TEAMS,
        "Les autres équipes répondent vite quand j'ai besoin d'elles pour un client.",
        "Other teams respond quickly when I need them for a customer.",
    ),
    BankItem(
        "core.other_teams.2",
        A,
        D.OTHER_TEAMS,
        "L'information circule bien entre mon équipe et les autres équipes.",
        "Information flows well between my team and other teams.",
    ),
    BankItem(
        "core.other_teams.3",
        A,
        D.OTHER_TEAMS,
        "Les autres équipes et la mienne visent les mêmes objectifs pour nos clients.",
        "Other teams and mine pursue the same goals for our customers.",
    ),
    # MC2 pillars (seed 000)
    BankItem(
        "core.want.1",
        A,
        D.WANT,
        "Je comprends pourquoi l'expérience client est importante pour notre organisation.",
        "I understand why the customer experience matters to our organisation.",
    ),
    BankItem(
        "core.want.2",
        A,
        D.WANT,
        "Je veux que chaque client garde un bon souvenir de son passage chez nous.",
        "I want every customer to leave with a good memory of dealing with us.",
    ),
    BankItem(
        "core.able.1",
        A,
        D.ABLE,
        "J'ai la marge de manœuvre pour régler le problème d'un client sans demander la "
        "permission.",
        "I have the latitude to fix a customer's problem without asking permission.",
    ),
    BankItem(
        "core.able.2",
        A,
        D.ABLE,
        "Nos outils me permettent de bien servir les clients.",
        "Our tools let me serve customers well.",
    ),
    BankItem(
        "core.be.1",
        A,
        D.BE,
        "Mon travail est reconnu à sa juste valeur.",
        "My work is recognised for what it is worth.",
    ),
    BankItem(
        "core.be.2",
        A,
        D.BE,
        "Mon opinion compte au travail.",
        "My opinion counts at work.",
    ),
    # Employee Net Promoter Score and the optional open comment
    BankItem(
        "core.enps.1",
        ItemKind.ENPS,
        D.ENPS,
        "Sur une échelle de 0 à 10, recommanderiez-vous notre organisation comme employeur à "
        "une personne de votre entourage ?",
        "On a scale of 0 to 10, how likely are you to recommend our organisation as a place to "
        "work to someone you know?",
    ),
    BankItem(
        "core.comment.1",
        ItemKind.COMMENT,
        D.COMMENT,
        "Une chose qui vous aiderait à mieux servir nos clients ?",
        "One thing that would help you serve our customers better?",
    ),
)

# The order in which the answer page asks the questions: customers first.
SECTION_ORDER = (
    D.CUSTOMERS,
    D.KNOW,
    D.CAN,
    D.MOTIVATION,
    D.SENIOR_MANAGEMENT,
    D.SUPERVISOR,
    D.COLLEAGUES,
    D.OTHER_TEAMS,
    D.WANT,
    D.ABLE,
    D.BE,
    D.CUSTOM,
    D.ENPS,
    D.COMMENT,
)


def core_rank(series: str) -> int:
    for rank, item in enumerate(CORE_ITEMS):
        if item.series == series:
            return rank * 10
    raise KeyError(series)

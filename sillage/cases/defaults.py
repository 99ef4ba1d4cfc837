"""What each organisation gets on first use: its policy, holidays, alert rules, root causes.

Default rules (all open a case, with the customer's consent):
- NPS 0–6 (detractors), CSAT 1–2, CES 1–2. Sillage asks the effort question with 7 = very
  easy (see sillage/insights/metrics.py), so the hard experiences are 1–2, not 6–7.
- Words in the comment, French and English: fraud, complaint, lawyer, discrimination.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from sillage.accounts.models import Organization
from sillage.cases.businesstime import BusinessCalendar, calendar_for, quebec_holidays
from sillage.cases.models import AlertRule, CasePolicy, Holiday, Priority, RootCause

DEFAULT_RULES = [
    # name_fr, name_en, fields
    ("Détracteurs (NPS 0 à 6)", "Detractors (NPS 0–6)", {"nps_min": 0, "nps_max": 6}),
    ("Insatisfaits (CSAT 1 à 2)", "Dissatisfied (CSAT 1–2)", {"csat_min": 1, "csat_max": 2}),
    ("Effort élevé (CES 1 à 2)", "High effort (CES 1–2)", {"ces_min": 1, "ces_max": 2}),
    (
        "Fraude",
        "Fraud",
        {"keywords": "fraude*, frauduleu*, fraud*, arnaque*, scam*", "priority": Priority.URGENT},
    ),
    (
        "Plainte",
        "Complaint",
        {"keywords": "plainte*, complaint*, complain*, ombudsman", "priority": Priority.HIGH},
    ),
    (
        "Recours juridique",
        "Legal action",
        {
            "keywords": "avocat*, poursuite*, lawyer*, attorney*, sue, lawsuit*",
            "priority": "urgent",
        },
    ),
    ("Discrimination", "Discrimination", {"keywords": "discrimin*", "priority": Priority.URGENT}),
]

DEFAULT_ROOT_CAUSES = [
    ("attente", "Temps d'attente (succursale ou téléphone)", "Wait time (branch or phone)"),
    ("frais", "Frais de service ou tarification", "Service fees or pricing"),
    ("conseil", "Conseil inadéquat ou incomplet", "Inadequate or incomplete advice"),
    ("attitude", "Attitude ou courtoisie du personnel", "Staff attitude or courtesy"),
    ("erreur", "Erreur de transaction ou de dossier", "Transaction or file error"),
    ("numerique", "Services en ligne ou application mobile", "Online services or mobile app"),
    ("credit", "Délais de crédit ou d'hypothèque", "Credit or mortgage delays"),
    ("fraude", "Fraude et sécurité des comptes", "Fraud and account security"),
    ("suivi", "Suivi promis non fait", "Promised follow-up not done"),
    ("politique", "Politique ou règle de la caisse", "Credit union policy or rule"),
    ("acces", "Accessibilité des lieux ou des services", "Accessibility of premises or services"),
    ("autre", "Autre", "Other"),
]


def holidays_ensure(*, organization: Organization, years: list[int]) -> int:
    rows = [
        Holiday(organization=organization, date=day, name_fr=fr, name_en=en)
        for year in years
        for day, fr, en in quebec_holidays(year)
    ]
    before = Holiday.objects.filter(organization=organization).count()
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)
    return Holiday.objects.filter(organization=organization).count() - before


def policy_for(organization: Organization) -> CasePolicy:
    """The organisation's policy, created with its defaults (rules, root causes, holidays)
    the first time anything in the closed loop needs it."""
    policy = CasePolicy.objects.filter(organization=organization).first()
    if policy is not None:
        policy.organization = organization
        return policy
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            policy = CasePolicy.objects.create(organization=organization)
            AlertRule.objects.bulk_create(
                AlertRule(
                    organization=organization,
                    name_fr=fr,
                    name_en=en,
                    priority=fields.pop("priority", Priority.NORMAL),
                    **fields,
                )
                for fr, en, fields in ((f, e, dict(d)) for f, e, d in DEFAULT_RULES)
            )
            RootCause.objects.bulk_create(
                RootCause(organization=organization, code=code, name_fr=fr, name_en=en, rank=i)
                for i, (code, fr, en) in enumerate(DEFAULT_ROOT_CAUSES)
            )
            holidays_ensure(organization=organization, years=[year, year + 1])
    except IntegrityError:  # another request created it first
        policy = CasePolicy.objects.get(organization=organization)
    policy.organization = organization
    return policy


def calendar_of(policy: CasePolicy) -> BusinessCalendar:
    days = Holiday.objects.filter(organization_id=policy.organization_id).values_list(
        "date", flat=True
    )
    workdays = [int(d) for d in policy.workdays.split(",") if d.strip().isdigit()]
    return calendar_for(
        zone_name=policy.zone_name,
        opens=policy.opens_at,
        closes=policy.closes_at,
        workdays=workdays,
        holidays=days,
    )

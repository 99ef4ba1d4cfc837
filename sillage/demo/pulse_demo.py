"""The demo's employee pulse: a quarterly campaign at Caisse Horizon with two closed waves.

Each branch's employee scores follow its customers' Net Promoter Score from the feedback
demo (the Response rows of the branch and its teams): where customers are happier, the team
is more involved, as seed 004 says. When no feedback data exists (the feedback step left
out), each branch gets the same kind of "quality" drawn from its own seeded generator, so the
demo stays deterministic either way. The organisation-wide picture follows seed 004: the
relation with customers scores highest (Qi about 58), the average of the relations is about
52, almost everyone knows what customers expect (about 95 % favourable) but only about half
have the resources to meet it, and customer satisfaction motivates most people.

Between the two waves, Plateau-Mont-Royal improves (its team held a workshop: "l'être" and
"le pouvoir" rise) and Longueuil declines (people turn over), like their customer scores.

Rows are written with `executemany` (about 900 responses and 21,000 answers) and the waves'
publications are computed by the same code as a real closing.
"""

from __future__ import annotations

import itertools
import math
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sillage.accounts.models import Membership, Organization, Unit
from sillage.db.rows import executemany_chunked
from sillage.demo.names import HORIZON
from sillage.pulse.models import (
    Answer,
    Campaign,
    CampaignItem,
    CampaignStatus,
    Dimension,
    Invitation,
    Item,
    ItemKind,
    Participation,
    Recurrence,
    Response,
    Tenure,
    Wave,
    WaveItem,
    WaveNode,
    WaveStatus,
    new_token,
)
from sillage.pulse.publication import wave_publish
from sillage.pulse.services import bank_ensure

if TYPE_CHECKING:
    from sillage.demo.generator import DemoContext

PARTICIPATION = (0.71, 0.78)  # share of invitees who answer, wave 1 and wave 2
COMMENT_SHARE = 0.22
CHUNK = 5_000

# Mean answer (1–5) of each dimension in the organisation: (x − 1) × 25 gives the seed's Qi.
BASE = {
    Dimension.CUSTOMERS: 3.35,
    Dimension.SENIOR_MANAGEMENT: 2.85,
    Dimension.SUPERVISOR: 3.2,
    Dimension.COLLEAGUES: 3.25,
    Dimension.OTHER_TEAMS: 2.75,
    Dimension.KNOW: 4.65,
    Dimension.CAN: 3.55,
    Dimension.MOTIVATION: 4.2,
    Dimension.WANT: 3.9,
    Dimension.ABLE: 3.0,
    Dimension.BE: 3.05,
}
# How strongly each dimension follows the branch's customer quality (in answer points per
# standard deviation of branch NPS).
FOLLOWS_QUALITY = {
    Dimension.CUSTOMERS: 0.35,
    Dimension.SUPERVISOR: 0.4,
    Dimension.COLLEAGUES: 0.3,
    Dimension.BE: 0.35,
    Dimension.ABLE: 0.3,
    Dimension.CAN: 0.3,
    Dimension.MOTIVATION: 0.2,
}
# The second wave's stories: (branch code fragment, dimension) -> change in answer points.
WAVE_TWO_SHIFT = {
    ("PLATEAU", Dimension.BE): 0.6,
    ("PLATEAU", Dimension.ABLE): 0.5,
    ("PLATEAU", Dimension.CUSTOMERS): 0.3,
    ("PLATEAU", Dimension.SUPERVISOR): 0.3,
    ("LONGUEUIL", Dimension.COLLEAGUES): -0.6,
    ("LONGUEUIL", Dimension.BE): -0.5,
    ("LONGUEUIL", Dimension.SUPERVISOR): -0.4,
}
COMMENTS = {
    "fr": [
        "Plus de temps pour bien servir chaque membre, sans courir entre deux rendez-vous.",
        "Pouvoir régler un petit problème sans attendre l'approbation du siège.",
        "Des outils informatiques qui ne plantent pas le lundi matin.",
        "Qu'on partage davantage les bons commentaires des membres avec toute l'équipe.",
        "Une meilleure collaboration avec le centre de contact quand un dossier traîne.",
        "Être remplacé pendant les formations pour ne pas laisser l'équipe à court.",
        "Savoir plus tôt ce qui change dans nos produits avant que les membres nous le demandent.",
        "Une formation sur l'application mobile : les membres nous posent des questions.",
        "Que la direction vienne plus souvent en succursale écouter les membres.",
        "Moins de rapports à remplir, plus de temps au comptoir.",
    ],
    "en": [
        "More time with each member instead of rushing between appointments.",
        "Being able to fix a small problem without waiting for head office approval.",
        "Computer tools that do not crash on Monday mornings.",
        "Sharing members' compliments with the whole team, not just the manager.",
        "Faster answers from other teams when a member's file is stuck.",
    ],
}


def build_pulse_demo(*, context: DemoContext) -> None:
    organization = context.organizations[HORIZON]
    rng = context.rng("pulse")
    items = bank_ensure(organization=organization)
    members = list(
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("unit", "user")
        .order_by("pk")
    )
    branch_of = _branch_of(organization)
    quality = _branch_quality(organization, branch_of, rng)
    campaign, waves = _campaign(organization, items)
    person_effect = {m.pk: rng.gauss(0, 0.35) for m in members}
    tenure = {m.pk: rng.choices(Tenure.values, weights=(2, 4, 5))[0] for m in members}
    totals = [0, 0]
    for index, wave in enumerate(waves):
        _invite(wave, members)
        answering = [m for m in members if rng.random() < PARTICIPATION[index]]
        totals[index] = _answer(
            wave=wave,
            members=answering,
            items=items,
            branch_of=branch_of,
            quality=quality,
            person_effect=person_effect,
            tenure=tenure,
            second=index == 1,
            rng=rng,
        )
        wave_publish(wave)
    context.log(
        f"pulse: {campaign.name_fr}, waves of {totals[0]} and {totals[1]} anonymous responses"
    )


def clear_pulse_demo(*, organizations: QuerySet[Organization]) -> int:
    """Pulse rows hold units and items with PROTECT: they go before the organisations."""
    deleted = 0
    for model in (WaveNode, Response, Participation, Invitation, Wave, Campaign, Item):
        deleted += model.objects.filter(organization__in=organizations).delete()[0]
    return deleted


# --- Planning -----------------------------------------------------------------------------------


def _branch_of(organization: Organization) -> dict[int, Unit]:
    """Each unit's branch (itself for a branch, its parent branch for a team), if any."""
    units = list(Unit.objects.filter(organization=organization).select_related("unit_type"))
    branches = [u for u in units if u.unit_type and u.unit_type.code == "branch"]
    result = {}
    for unit in units:
        for branch in branches:
            if unit.path.startswith(branch.path):
                result[unit.pk] = branch
    return result


def _branch_quality(
    organization: Organization, branch_of: dict[int, Unit], rng: random.Random
) -> dict[int, float]:
    """Branch NPS from the feedback demo, standardised; a seeded draw when there is none."""
    branches = {b.pk: b for b in branch_of.values()}
    nps = _branch_nps(organization, branch_of)
    if len(nps) >= 3:
        mean = sum(nps.values()) / len(nps)
        spread = math.sqrt(sum((v - mean) ** 2 for v in nps.values()) / len(nps)) or 1.0
        return {pk: (nps[pk] - mean) / spread if pk in nps else 0.0 for pk in branches}
    return {pk: random.Random(f"pulse:{branches[pk].code}").gauss(0, 1) for pk in branches}


def _branch_nps(organization: Organization, branch_of: dict[int, Unit]) -> dict[int, float]:
    try:
        from sillage.feedback.models import Response as CustomerResponse
    except ImportError:  # pragma: no cover - the feedback app is always installed today
        return {}
    rows = (
        CustomerResponse.objects.filter(organization=organization, nps__isnull=False)
        .values("unit_id")
        .annotate(
            n=Count("id"),
            promoters=Count("id", filter=Q(nps__gte=9)),
            detractors=Count("id", filter=Q(nps__lte=6)),
        )
        .order_by()
    )
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        branch = branch_of.get(row["unit_id"])
        if branch is None:
            continue
        total = sums[branch.pk]
        total[0] += row["n"]
        total[1] += row["promoters"]
        total[2] += row["detractors"]
    return {pk: 100 * (p - d) / n for pk, (n, p, d) in sums.items() if n >= 20}


def _campaign(organization: Organization, items: Sequence[Item]) -> tuple[Campaign, list[Wave]]:
    """A quarterly campaign begun four months ago: two closed waves, the third scheduled."""
    today = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    first = today - timedelta(days=120)
    window = timedelta(days=14)
    threshold = organization.anonymity_threshold
    campaign = Campaign.objects.create(
        organization=organization,
        name_fr="Pouls trimestriel des équipes",
        name_en="Quarterly team pulse",
        recurrence=Recurrence.QUARTERLY,
        opens_at=first,
        closes_at=first + window,
        anonymity_threshold=threshold,
        comment_threshold=max(10, threshold),
        status=CampaignStatus.ACTIVE,
    )
    ordered = sorted(items, key=lambda i: i.rank)
    CampaignItem.objects.bulk_create(
        CampaignItem(campaign=campaign, item=item, rank=item.rank) for item in ordered
    )
    waves = []
    for number, opens_at in enumerate(
        (first, first + timedelta(days=91), first + timedelta(days=182)), 1
    ):
        closed = opens_at + window < today
        wave = Wave.objects.create(
            organization=organization,
            campaign=campaign,
            number=number,
            opens_at=opens_at,
            closes_at=opens_at + window,
            status=WaveStatus.CLOSED if closed else WaveStatus.SCHEDULED,
            anonymity_threshold=threshold,
            comment_threshold=campaign.comment_threshold,
            reminder_sent_at=opens_at + timedelta(days=3) if closed else None,
            closed_at=opens_at + window if closed else None,
        )
        WaveItem.objects.bulk_create(
            WaveItem(wave=wave, item=item, rank=item.rank) for item in ordered
        )
        if closed:
            waves.append(wave)
    return campaign, waves


# --- Writing ------------------------------------------------------------------------------------


def _invite(wave: Wave, members: Sequence[Membership]) -> None:
    _insert(
        Invitation,
        (
            {
                "organization_id": wave.organization_id,
                "wave_id": wave.pk,
                "membership_id": m.pk,
                "unit_id": m.unit_id,
                "token": new_token(),
                "sent_at": wave.opens_at,
                "reminded_at": wave.opens_at + timedelta(days=3),
            }
            for m in members
        ),
    )


def _answer(
    *,
    wave: Wave,
    members: Sequence[Membership],
    items: Sequence[Item],
    branch_of: dict[int, Unit],
    quality: dict[int, float],
    person_effect: dict[int, float],
    tenure: dict[int, str],
    second: bool,
    rng: random.Random,
) -> int:
    agreement = [i for i in items if i.kind == ItemKind.AGREEMENT]
    responses, answers, participations = [], [], []
    # Shuffled: the rows' physical order must not follow the order of the people.
    members = list(members)
    rng.shuffle(members)
    for member in members:
        branch = branch_of.get(member.unit_id)
        q = quality.get(branch.pk, 0.0) if branch else 0.0
        values: dict[str, int] = {}
        response_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        for item in agreement:
            mean = BASE.get(item.dimension, 3.2) + FOLLOWS_QUALITY.get(item.dimension, 0.15) * q
            mean += person_effect[member.pk]
            if second and branch is not None:
                mean += sum(
                    shift
                    for (code, dimension), shift in WAVE_TWO_SHIFT.items()
                    if dimension == item.dimension and code in branch.code
                )
            value = min(5, max(1, round(rng.gauss(mean, 0.75))))
            values[item.dimension] = values.get(item.dimension, value)
            answers.append({"response_id": response_id, "item_id": item.pk, "value": value})
        enps_mean = 7.4 + 1.2 * q + 2 * person_effect[member.pk]
        language = member.user.language or "fr"
        comment = ""
        if rng.random() < COMMENT_SHARE:
            comment = rng.choice(COMMENTS.get(language, COMMENTS["fr"]))
        responses.append(
            {
                "id": response_id,
                "organization_id": wave.organization_id,
                "wave_id": wave.pk,
                "unit_id": member.unit_id,
                "tenure": tenure[member.pk],
                "enps": min(10, max(0, round(rng.gauss(enps_mean, 1.8)))),
                "know_can_gap": values[Dimension.KNOW] - values[Dimension.CAN],
                "comment": comment,
            }
        )
        participations.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "organization_id": wave.organization_id,
                "wave_id": wave.pk,
                "membership_id": member.pk,
            }
        )
    _insert(Response, responses)
    _insert(Answer, answers)
    _insert(Participation, participations)
    return len(responses)


def _insert(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """INSERT with executemany in chunks: the rows name every column they fill."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in first]
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model
    values = (
        tuple(_adapt(f, row[key]) for f, key in zip(fields, row, strict=True))
        for row in itertools.chain([first], rows)
    )
    with connection.cursor() as cursor:
        return executemany_chunked(cursor, sql, values, CHUNK)


def _adapt(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(field, models.UUIDField) or (isinstance(value, uuid.UUID) and field.is_relation):
        return value.hex if connection.vendor == "sqlite" else value
    return value

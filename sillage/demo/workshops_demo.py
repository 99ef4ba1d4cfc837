"""The demo's MC2 mobilisation workshops at Caisse Horizon (seed 000).

Five branch teams, every stage of the story:
- Plateau-Mont-Royal, customer service: workshop seven months ago, the one the feedback demo's
  customer scores climb after; its actions are done, with evidence notes.
- Plateau-Mont-Royal, personal advice: two months ago, between the two pulse waves (the pulse
  demo's Plateau rise); actions in progress.
- Sainte-Foy, customer service: a quarter ago; actions done, one shared in the library and
  adopted by Villeray.
- Rosemont, customer service: last month; actions to do, in progress, and one dropped.
- Longueuil, customer service: scheduled next week.

Predictions are optimistic, as in seed 003 ("je pense que"): the team's average is about 20
NPS points above what customers said. A few hundred rows: it runs in well under a second.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sillage.accounts.models import Membership, Organization, Unit, User
from sillage.demo.names import HORIZON
from sillage.feedback import hooks
from sillage.feedback.models import Response
from sillage.insights.metrics import Counts, nps
from sillage.workshops.models import (
    CHECKIN_WEEKS,
    ActionNote,
    ActionReminder,
    FeedbackAnswer,
    Idea,
    IdeaStatus,
    Participant,
    Prediction,
    Step,
    TeamAction,
    Vote,
    Workshop,
)

if TYPE_CHECKING:
    from sillage.demo.generator import DemoContext

# (unit code, days from today, step, title, what happened to the actions)
PLAN = [
    ("T-MTL-PLATEAU-CLIENTELE", -210, Step.CLOSED, "Atelier MC2 — Service à la clientèle", "done"),
    ("T-MTL-PLATEAU-CONSEIL", -60, Step.CLOSED, "Atelier MC2 — Conseil aux particuliers", "mixed"),
    ("T-CN-STEFOY-CLIENTELE", -100, Step.CLOSED, "Atelier MC2 — Sainte-Foy", "done"),
    ("T-MTL-ROSEMONT-CLIENTELE", -25, Step.CLOSED, "Atelier MC2 — Rosemont", "early"),
    ("T-MON-LONGUEUIL-CLIENTELE", 7, Step.SCHEDULED, "Atelier MC2 — Longueuil", ""),
]
RISING = "T-MTL-PLATEAU-CLIENTELE"  # the team whose customers noticed its actions
RISE_RESPONSES = 45
RISE_COMMENTS = {
    "fr": [
        "On m'a rappelé le lendemain pour régler mon dossier, merci!",
        "Accueil rapide même à l'heure de pointe.",
        "Le caissier savait exactement quoi faire sans aller voir son patron.",
    ],
    "en": [
        "They called me back the next day, problem solved.",
        "Quick welcome even at the busy time.",
    ],
}
APPRECIATED = ["Accueil chaleureux", "Rapidité", "Conseils clairs", "Courtesy", "Disponibilité"]
CRITICISED = ["Attente au comptoir", "Rappels oubliés", "Wait times", "Heures d'ouverture"]
# (pillar, text, concrete, immediate, own power, parking-lot note)
IDEAS = [
    ("vouloir", "Lire ensemble trois commentaires de membres chaque lundi matin", 1, 1, 1, ""),
    ("vouloir", "Rappeler dans les 48 h chaque membre qui nous a donné 6 ou moins", 1, 1, 1, ""),
    ("pouvoir", "Un aide-mémoire au comptoir : ce qu'on peut faire sans demander", 1, 1, 1, ""),
    ("pouvoir", "Se relayer à l'accueil aux heures de pointe du jeudi", 1, 1, 1, ""),
    ("etre", "Souligner un bon coup de collègue chaque vendredi au caucus", 1, 1, 1, ""),
    ("etre", "Share members' thank-you notes on the team board", 1, 1, 1, ""),
    ("pouvoir", "Ouvrir la succursale le samedi", 1, 0, 0, "Décision de la direction régionale"),
    ("pouvoir", "Un nouveau système de file d'attente", 1, 0, 0, "Budget et TI du siège"),
    ("etre", "Être plus reconnus", 0, 1, 1, "Trop vague : à préciser"),
]  # fmt: skip
FIRST_STEPS = [
    "Préparer la liste des rappels de la semaine",
    "Afficher l'aide-mémoire au comptoir",
    "Choisir les trois commentaires du lundi",
    "Book the Friday huddle slot",
]
EVIDENCE = [
    "Douze membres rappelés ce mois-ci; neuf nous ont remerciés.",
    "Members mention the welcome in their comments since we started.",
    "Le temps d'attente du jeudi a baissé, selon nos propres relevés.",
]


def build_workshops_demo(*, context: DemoContext) -> None:
    organization = context.organizations[HORIZON]
    rng = context.rng("workshops")
    zone = ZoneInfo(organization.time_zone)
    today = timezone.localdate(timezone=zone)
    facilitator = User.objects.filter(email="consultant@horizon.example").first()
    built: dict[str, list[TeamAction]] = {}
    for code, offset, step, title, story in PLAN:
        unit = context.unit(HORIZON, code)
        day = today + timedelta(days=offset)
        when = datetime.combine(day, time(9, 0), tzinfo=zone)
        workshop = _workshop(organization, unit, when, step, title, facilitator, zone)
        if step == Step.CLOSED:
            built[code] = _session(organization, workshop, rng, story, today, zone)
        if code == RISING:
            _rise(workshop, rng, zone)
    _library(organization, built, rng, today)
    count = Workshop.objects.filter(organization=organization).count()
    actions = TeamAction.objects.filter(organization=organization).count()
    context.log(f"workshops: {count} workshops, {actions} team actions")


def clear_workshops_demo(*, organizations: QuerySet[Organization]) -> int:
    """Actions and workshops hold their units with PROTECT: they go before the units."""
    deleted = TeamAction.objects.filter(organization__in=organizations).delete()[0]
    deleted += Workshop.objects.filter(organization__in=organizations).delete()[0]
    return deleted


def _rise(workshop: Workshop, rng: random.Random, zone: ZoneInfo) -> None:
    """Extra answers in the eight weeks after the Plateau team's workshop, mostly promoters,
    some mentioning its actions, so that its before/after panel shows the rise clearly at
    any demo volume."""
    template = (
        Response.objects.filter(
            organization_id=workshop.organization_id,
            unit=workshop.unit,
            touchpoint_id__in=workshop.touchpoints.values("pk"),
        )
        .values("touchpoint_id", "survey_id", "survey_version_id")
        .first()
    )
    if template is None:
        return
    start = workshop.scheduled_at + timedelta(days=1)
    rows = []
    for _ in range(RISE_RESPONSES):
        score = rng.choices((10, 9, 8, 7, 5), weights=(40, 30, 15, 8, 7))[0]
        language = "en" if rng.random() < 0.2 else "fr"
        comment = rng.choice(RISE_COMMENTS[language]) if score >= 9 and rng.random() < 0.5 else ""
        csat = 5 if score >= 9 else (4 if score >= 7 else 3)
        answers = {"nps": score, "csat": csat, **({"liked": comment} if comment else {})}
        # Eight distinct days: the rollups refresh per day once the demo commits.
        moment = start + timedelta(days=rng.choice(range(0, 56, 7)), hours=rng.randint(0, 7))
        rows.append(
            Response(
                organization_id=workshop.organization_id,
                unit_id=workshop.unit_id,
                source="link",
                language=language,
                submitted_at=moment,
                answers=answers,
                nps=score,
                csat=csat,
                comment=comment,
                **template,
            )
        )
    created = Response.objects.bulk_create(rows)
    # Raw inserts: tell the apps that build on responses (rollups refresh after commit).
    hooks.responses_recorded([r.pk for r in created])


def _main_touchpoints(unit: Unit, day: date, zone: ZoneInfo) -> list[tuple[int, Counts]]:
    """The team's three most answered touchpoints in the 90 days before the workshop, with
    their NPS counts (read from responses: the rollups refresh after the demo commits)."""
    start = datetime.combine(day - timedelta(days=90), time(0), tzinfo=zone)
    end = datetime.combine(day, time(0), tzinfo=zone)
    rows = (
        Response.objects.filter(
            organization_id=unit.organization_id,
            unit__path__startswith=unit.path,
            submitted_at__gte=start,
            submitted_at__lt=end,
            touchpoint__isnull=False,
            nps__isnull=False,
        )
        .values("touchpoint_id")
        .annotate(
            n=Count("id"),
            promoters=Count("id", filter=Q(nps__gte=9)),
            detractors=Count("id", filter=Q(nps__lte=6)),
        )
        .order_by("-n")[:3]
    )
    return [
        (
            r["touchpoint_id"],
            Counts(n=r["n"], nps_n=r["n"], promoters=r["promoters"], detractors=r["detractors"]),
        )
        for r in rows
    ]


def _workshop(organization, unit, when, step, title, facilitator, zone) -> Workshop:
    workshop = Workshop.objects.create(
        organization=organization,
        unit=unit,
        title=title,
        scheduled_at=when,
        mode="in_person",
        metric="nps",
        votes_per_person=3,
        facilitator=facilitator,
        step=step,
        started_at=when if step == Step.CLOSED else None,
        closed_at=when + timedelta(hours=2) if step == Step.CLOSED else None,
    )
    main = _main_touchpoints(unit, when.astimezone(zone).date(), zone)
    workshop.touchpoints.set([tp for tp, _counts in main])
    workshop._main = main  # type: ignore[attr-defined]
    return workshop


def _session(organization, workshop, rng, story, today, zone) -> list[TeamAction]:
    members = list(
        Membership.objects.filter(unit=workshop.unit, is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    people = [m.user for m in members]
    org_id = organization.pk
    Participant.objects.bulk_create(
        Participant(
            organization_id=org_id,
            workshop=workshop,
            user=user,
            predicted_at=workshop.scheduled_at,
            feedback_given=i % 6 != 5,
        )
        for i, user in enumerate(people)
    )
    predictions = []
    for tp, counts in workshop._main:
        real = nps(counts).value or 0
        for user in people:
            guess = max(-100, min(100, round(real + rng.gauss(20, 12))))
            predictions.append(
                Prediction(
                    organization_id=org_id,
                    workshop=workshop,
                    user=user,
                    touchpoint_id=tp,
                    score=guess,
                    appreciated=rng.sample(APPRECIATED, 3),
                    criticised=rng.sample(CRITICISED, 2),
                )
            )
    Prediction.objects.bulk_create(predictions)
    ideas = []
    for i, (pillar, text, concrete, immediate, own, note) in enumerate(IDEAS):
        failed = not (concrete and immediate and own)
        ideas.append(
            Idea.objects.create(
                organization_id=org_id,
                workshop=workshop,
                author=people[i % len(people)] if people else None,
                pillar=pillar,
                text=text,
                concrete=bool(concrete),
                immediate=bool(immediate),
                own_power=bool(own),
                status=IdeaStatus.PARKED if failed else IdeaStatus.PROPOSED,
                parked_note=note,
            )
        )
    proposed = [i for i in ideas if i.status == IdeaStatus.PROPOSED]
    votes = []
    for user in people:
        for slot, idea in enumerate(rng.sample(proposed, 3), start=1):
            votes.append(
                Vote(organization_id=org_id, workshop=workshop, idea=idea, user=user, slot=slot)
            )
    Vote.objects.bulk_create(votes)
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(
            organization_id=org_id,
            workshop=workshop,
            energising=rng.choice((4, 4, 5, 5, 3)),
            engaging=rng.choice((4, 5, 5, 3)),
            concrete=rng.choice((4, 5, 5, 5)),
        )
        for user in people
        if people.index(user) % 6 != 5
    )
    tally = Counter(v.idea_id for v in votes)
    chosen = sorted(proposed, key=lambda i: (-tally[i.pk], i.pk))[:3]
    verbatims = list(
        Response.objects.filter(
            organization_id=org_id,
            unit_id=workshop.unit_id,
            submitted_at__lt=workshop.scheduled_at,
            nps__lte=6,
        )
        .exclude(comment="")
        .order_by("-submitted_at")
        .values_list("pk", flat=True)[:6]
    )
    return [
        _action(workshop, idea, people, rng, story, index, verbatims, today)
        for index, idea in enumerate(chosen)
    ]


def _action(workshop, idea, people, rng, story, index, verbatims, today) -> TeamAction:
    created = workshop.scheduled_at + timedelta(hours=2)
    status, reason = {
        "done": ("done", ""),
        "mixed": (("done", "in_progress", "in_progress")[index], ""),
        "early": (
            ("in_progress", "todo", "dropped")[index],
            "Remplacée par le rappel automatique du siège" if index == 2 else "",
        ),
    }[story]
    action = TeamAction.objects.create(
        organization_id=workshop.organization_id,
        unit=workshop.unit,
        workshop=workshop,
        idea=idea,
        title=idea.text,
        pillar=idea.pillar,
        first_step=FIRST_STEPS[index % len(FIRST_STEPS)],
        due_date=created.date() + timedelta(weeks=4 + 2 * index),
        response_ids=verbatims[2 * index : 2 * index + 2],
        status=status,
        dropped_reason=reason,
        done_at=created + timedelta(weeks=5) if status == "done" else None,
    )
    action.owners.set(rng.sample(people, min(2, len(people))))
    TeamAction.objects.filter(pk=action.pk).update(created_at=created)
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.CHOSEN)
    now = timezone.now()
    # Past check-ins were reminded: loading the demo does not send a burst of old reminders.
    for week in CHECKIN_WEEKS:
        if created + timedelta(weeks=week) <= now:
            ActionReminder.objects.create(
                organization_id=workshop.organization_id, action=action, week=week
            )
            note = ActionNote.objects.create(
                organization_id=workshop.organization_id,
                action=action,
                author=action.owners.first(),
                text=(
                    EVIDENCE[(index + week) % len(EVIDENCE)]
                    if status == "done" and week == 8
                    else "Point d'étape fait au caucus d'équipe."
                ),
                is_evidence=status == "done" and week == 8,
                checkin_week=week,
            )
            ActionNote.objects.filter(pk=note.pk).update(
                created_at=created + timedelta(weeks=week, hours=1)
            )
    action.created_at = created
    return action


def _library(organization, built, rng, today) -> None:
    """Sainte-Foy shares its best action; Villeray adopts it."""
    source = (built.get("T-CN-STEFOY-CLIENTELE") or [None])[0]
    plateau = (built.get("T-MTL-PLATEAU-CLIENTELE") or [None])[0]
    for action in (source, plateau):
        if action is not None:
            TeamAction.objects.filter(pk=action.pk).update(shared=True)
    if source is None:
        return
    villeray = Unit.objects.filter(
        organization=organization, code="T-MTL-VILLERAY-CLIENTELE"
    ).first()
    owner = (
        Membership.objects.filter(unit=villeray, is_active=True).order_by("pk").first()
        if villeray
        else None
    )
    if villeray is None or owner is None:
        return
    copy = TeamAction.objects.create(
        organization=organization,
        unit=villeray,
        title=source.title,
        pillar=source.pillar,
        first_step=source.first_step,
        due_date=today + timedelta(weeks=3),
        adopted_from=source,
        status="in_progress",
    )
    copy.owners.set([owner.user])

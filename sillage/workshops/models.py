"""MC2 mobilisation workshops (seed 000) and the perception exercise (seed 003).

A workshop gathers one unit's team. Each participant first predicts what customers think ("je
pense que"), then sees what they said ("l'espace client"); the team proposes ideas under the
three pillars, votes, and commits the chosen ones as team actions followed week after week.

Live sync is htmx polling: every write bumps `Workshop.version`, so an unchanged poll costs
one indexed read and answers 204.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import Organization, TenantQuerySet, Unit
from sillage.feedback.models import Touchpoint


class Pillar(models.TextChoices):
    WANT = "vouloir", _("Le vouloir (want)")
    CAN = "pouvoir", _("Le pouvoir (can)")
    BE = "etre", _("L'être (be)")


PILLAR_HELP = {
    Pillar.WANT: _(
        "Understand why the customer matters, make the organisation's goals your own, and want "
        "every customer to live a successful, memorable experience."
    ),
    Pillar.CAN: _(
        "Have the tools and feel the latitude to act: without them, mobilisation is a flash "
        "in the pan."
    ),
    Pillar.BE: _(
        "Feel valued, recognised and considered, personally and professionally: the customer "
        "experience depends on the employee experience."
    ),
}


class Step(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PREDICT = "predict", _("Je pense que")
    REVEAL = "reveal", _("L'espace client")
    IDEAS = "ideas", _("Ideas")
    VOTE = "vote", _("Vote")
    COMMIT = "commit", _("Commit")
    FEEDBACK = "feedback", _("Feedback")
    CLOSED = "closed", _("Closed")


STEP_ORDER = [s.value for s in Step]


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote")


class Metric(models.TextChoices):
    NPS = "nps", _("NPS")
    CSAT = "csat", _("CSAT (% satisfied)")


class Criterion(models.TextChoices):
    """Seed 000: actions concrete and immediately applicable by the team members themselves,
    without their manager's intervention or the organisation's decision process."""

    CONCRETE = "concrete", _("Concrete")
    IMMEDIATE = "immediate", _("Applicable immediately")
    OWN_POWER = (
        "own_power",
        _("Within the team's own power (no manager, no organisational decision)"),
    )


class WorkshopQuerySet(TenantQuerySet):
    unit_lookup = "unit"


class Workshop(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=200)
    scheduled_at = models.DateTimeField(_("date and time"))
    mode = models.CharField(
        _("format"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON
    )
    metric = models.CharField(
        _("customer score"), max_length=4, choices=Metric.choices, default=Metric.NPS
    )
    votes_per_person = models.PositiveSmallIntegerField(_("votes per participant"), default=3)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    touchpoints = models.ManyToManyField(Touchpoint, blank=True, related_name="+")
    step = models.CharField(max_length=10, choices=Step.choices, default=Step.SCHEDULED)
    # Bumped by every write that changes what a screen shows: the polls compare it.
    version = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "unit", "scheduled_at"], name="ws_unit_time")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_per_person__gte=1, votes_per_person__lte=10),
                name="ws_votes_per_person_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def bump(self) -> None:
        Workshop.objects.filter(pk=self.pk).update(version=F("version") + 1)

    @property
    def step_index(self) -> int:
        return STEP_ORDER.index(self.step)

    def reached(self, step: str) -> bool:
        return self.step_index >= STEP_ORDER.index(step)


class Participant(models.Model):
    """A team member who joined the session (for counts and vote locking)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)
    predicted_at = models.DateTimeField(null=True, blank=True)
    # Like the pulse, participation in the feedback is kept apart from the anonymous answers.
    feedback_given = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="ws_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.workshop_id}"


class Prediction(models.Model):
    """One participant's "je pense que" for one touchpoint. Private: never listed to others,
    never in the API; only team averages leave this table."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="predictions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="+")
    score = models.SmallIntegerField()
    appreciated = models.JSONField(default=list)
    criticised = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user", "touchpoint"], name="ws_prediction_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=-100, score__lte=100), name="ws_prediction_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"prediction {self.pk}"


class IdeaStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PARKED = "parked", _("Parking lot")
    CHOSEN = "chosen", _("Chosen")


class IdeaQuerySet(TenantQuerySet):
    unit_lookup = "workshop__unit"


class Idea(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pillar = models.CharField(_("pillar"), max_length=10, choices=Pillar.choices)
    text = models.TextField(_("idea"), max_length=1000)
    concrete = models.BooleanField(_("concrete"), default=False)
    immediate = models.BooleanField(_("applicable immediately"), default=False)
    own_power = models.BooleanField(_("within the team's own power"), default=False)
    status = models.CharField(
        max_length=10, choices=IdeaStatus.choices, default=IdeaStatus.PROPOSED
    )
    parked_note = models.CharField(_("why (parking lot)"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text

    def failed_criteria(self) -> list[str]:
        return [c.value for c in Criterion if not getattr(self, c.value)]

    def parked_reason(self) -> str:
        """Why it is in the parking lot: the criteria it misses, then the team's note."""
        labels = [str(Criterion(c).label) for c in self.failed_criteria()]
        parts = (
            [gettext("Not met: %(criteria)s") % {"criteria": ", ".join(labels)}] if labels else []
        )
        if self.parked_note:
            parts.append(self.parked_note)
        return " — ".join(parts)


class Vote(models.Model):
    """A participant's vote. `slot` runs from 1 to the workshop's votes per person and is
    unique per participant: the database itself refuses a vote beyond the limit, even when
    two requests race."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="votes")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user", "slot"], name="ws_vote_slot"),
            models.UniqueConstraint(fields=["idea", "user"], name="ws_vote_once_per_idea"),
            models.CheckConstraint(
                condition=Q(slot__gte=1, slot__lte=10), name="ws_vote_slot_range"
            ),
        ]

    def __str__(self) -> str:
        return f"vote {self.pk}"


class FeedbackAnswer(models.Model):
    """Anonymous end-of-workshop feedback: no person, no time (participation is on
    `Participant.feedback_given`)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="feedback")
    energising = models.PositiveSmallIntegerField()
    engaging = models.PositiveSmallIntegerField()
    concrete = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    energising__range=(1, 5), engaging__range=(1, 5), concrete__range=(1, 5)
                ),
                name="ws_feedback_range",
            )
        ]

    def __str__(self) -> str:
        return f"feedback {self.pk}"


class ActionStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


CHECKIN_WEEKS = (2, 4, 8)


class TeamActionQuerySet(TenantQuerySet):
    unit_lookup = "unit"

    def open(self) -> TeamActionQuerySet:
        return self.filter(status__in=[ActionStatus.TODO, ActionStatus.IN_PROGRESS])


class TeamAction(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    workshop = models.ForeignKey(
        Workshop, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("action"), max_length=300)
    pillar = models.CharField(_("pillar"), max_length=10, choices=Pillar.choices)
    first_step = models.CharField(_("first step"), max_length=300)
    due_date = models.DateField(_("due date"))
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("owners")
    )
    response_ids = models.JSONField(default=list, blank=True)  # the verbatims that motivated it
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.TODO
    )
    dropped_reason = models.CharField(_("why it was dropped"), max_length=300, blank=True)
    shared = models.BooleanField(_("shared in the action library"), default=False)
    adopted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="adoptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = TeamActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["organization", "unit", "status"], name="ws_action_unit")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""),
                name="ws_action_dropped_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActionNote(models.Model):
    """A check-in or an evidence note on an action."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(TeamAction, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"), max_length=2000)
    is_evidence = models.BooleanField(_("evidence of effect"), default=False)
    checkin_week = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionReminder(models.Model):
    """One check-in reminder sent for an action: the unique pair makes the tick idempotent."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(TeamAction, on_delete=models.CASCADE, related_name="reminders")
    week = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "week"], name="ws_reminder_once")]

    def __str__(self) -> str:
        return f"{self.action_id} +{self.week}w"

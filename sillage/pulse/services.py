"""Writes for the employee pulse: the bank, campaigns, waves, invitations and answers."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sillage.accounts.models import Membership, Organization, Unit, User
from sillage.pulse.bank import CORE_ITEMS, core_rank
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
    WaveStatus,
)
from sillage.pulse.publication import wave_publish


class AlreadyAnswered(Exception):
    """This person has answered this wave already."""


class WaveNotOpen(Exception):
    """The wave is not accepting answers (not open yet, or closed)."""


# --- The question bank --------------------------------------------------------------------------


def bank_ensure(*, organization: Organization) -> list[Item]:
    """The organisation's copy of the core bank, created on first use (idempotent)."""
    existing = set(
        Item.objects.filter(organization=organization, is_core=True).values_list(
            "series", flat=True
        )
    )
    Item.objects.bulk_create(
        [
            Item(
                organization=organization,
                series=entry.series,
                kind=entry.kind,
                dimension=entry.dimension,
                text_fr=entry.text_fr,
                text_en=entry.text_en,
                is_core=True,
                rank=core_rank(entry.series),
            )
            for entry in CORE_ITEMS
            if entry.series not in existing
        ],
        ignore_conflicts=True,
    )
    return list(Item.objects.filter(organization=organization, is_core=True))


def item_create(*, organization: Organization, text_fr: str, text_en: str) -> Item:
    """A custom agreement item of the organisation's own, in a series of its own."""
    text_fr, text_en = text_fr.strip(), text_en.strip()
    if not text_fr or not text_en:
        raise ValidationError(_("Write the statement in French and in English."))
    return Item.objects.create(
        organization=organization,
        series=f"custom.{secrets.token_hex(6)}",
        kind=ItemKind.AGREEMENT,
        dimension=Dimension.CUSTOM,
        text_fr=text_fr,
        text_en=text_en,
        rank=500 + Item.objects.filter(organization=organization, is_core=False).count(),
    )


def item_reword(*, item: Item, text_fr: str, text_en: str) -> Item:
    """A new wording is a new item and a new series; the old one is retired.

    Campaigns that have not ended ask the new wording from their next wave on; the waves
    already opened keep the wording they asked, so their results keep their meaning.
    """
    if item.is_core:
        raise ValidationError(_("Core items keep their wording so that trends stay comparable."))
    if item.retired_at is not None:
        raise ValidationError(_("This item was already replaced."))
    with transaction.atomic():
        new = item_create(organization=item.organization, text_fr=text_fr, text_en=text_en)
        Item.objects.filter(pk=new.pk).update(replaces=item, rank=item.rank)
        item.retired_at = timezone.now()
        item.save(update_fields=["retired_at"])
        CampaignItem.objects.filter(
            item=item, campaign__status__in=[CampaignStatus.DRAFT, CampaignStatus.ACTIVE]
        ).update(item=new)
    new.refresh_from_db()
    return new


def item_retire(*, item: Item) -> None:
    if item.is_core:
        raise ValidationError(_("Core items cannot be retired; leave them out of a campaign."))
    item.retired_at = timezone.now()
    item.save(update_fields=["retired_at"])


# A recurring campaign's window must end before the next period begins.
MAX_WINDOW = {Recurrence.MONTHLY: timedelta(days=27), Recurrence.QUARTERLY: timedelta(days=89)}

# --- Campaigns ----------------------------------------------------------------------------------


def _check_campaign(
    *,
    organization: Organization,
    audience: Unit | None,
    opens_at: datetime,
    closes_at: datetime,
    items: Sequence[Item],
    comment_threshold: int,
    recurrence: str,
) -> None:
    if audience is not None and audience.organization_id != organization.pk:
        raise ValidationError(_("This unit belongs to another organisation."))
    if closes_at <= opens_at:
        raise ValidationError(_("The survey must close after it opens."))
    longest = MAX_WINDOW.get(recurrence)
    if longest is not None and closes_at - opens_at > longest:
        raise ValidationError(
            _("A recurring survey must close before the next period begins (%(days)s days).")
            % {"days": longest.days}
        )
    if any(item.organization_id != organization.pk for item in items):
        raise ValidationError(_("This item belongs to another organisation."))
    if not any(item.kind == ItemKind.AGREEMENT for item in items):
        raise ValidationError(_("Choose at least one agreement item."))
    if comment_threshold < organization.anonymity_threshold:
        raise ValidationError(
            _("Comments cannot be shown for groups smaller than the anonymity threshold (%(n)s).")
            % {"n": organization.anonymity_threshold}
        )


def _set_items(campaign: Campaign, items: Sequence[Item]) -> None:
    CampaignItem.objects.filter(campaign=campaign).delete()
    CampaignItem.objects.bulk_create(
        CampaignItem(campaign=campaign, item=item, rank=item.rank)
        for item in sorted(items, key=lambda i: (i.rank, i.pk))
    )


def campaign_create(
    *,
    organization: Organization,
    name_fr: str,
    name_en: str = "",
    audience: Unit | None,
    recurrence: str = Recurrence.ONCE,
    opens_at: datetime,
    closes_at: datetime,
    items: Sequence[Item],
    comment_threshold: int = 10,
    reminder_after_days: int = 3,
    created_by: User | None = None,
) -> Campaign:
    _check_campaign(
        organization=organization,
        audience=audience,
        opens_at=opens_at,
        closes_at=closes_at,
        items=items,
        comment_threshold=comment_threshold,
        recurrence=recurrence,
    )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            organization=organization,
            name_fr=name_fr,
            name_en=name_en,
            audience=audience,
            recurrence=recurrence,
            opens_at=opens_at,
            closes_at=closes_at,
            comment_threshold=comment_threshold,
            reminder_after_days=reminder_after_days,
            created_by=created_by,
        )
        _set_items(campaign, items)
    return campaign


def campaign_update(*, campaign: Campaign, items: Sequence[Item], **fields: object) -> Campaign:
    """Change a draft. Once open, a campaign's threshold and questionnaire are locked."""
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("Only a draft campaign can be changed."))
    for name, value in fields.items():
        setattr(campaign, name, value)
    _check_campaign(
        organization=campaign.organization,
        audience=campaign.audience,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        items=items,
        comment_threshold=campaign.comment_threshold,
        recurrence=campaign.recurrence,
    )
    with transaction.atomic():
        campaign.save()
        _set_items(campaign, items)
    return campaign


def campaign_open(*, campaign: Campaign, now: datetime | None = None) -> Wave:
    """Lock the anonymity threshold and schedule the first wave (opened at once if due)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Campaign.objects.select_for_update().select_related("organization").get(pk=campaign.pk)
        )
        if locked.status != CampaignStatus.DRAFT:
            raise ValidationError(_("This campaign is already open."))
        threshold = locked.organization.anonymity_threshold
        locked.anonymity_threshold = threshold
        locked.comment_threshold = max(locked.comment_threshold, threshold)
        locked.status = CampaignStatus.ACTIVE
        locked.save(update_fields=["anonymity_threshold", "comment_threshold", "status"])
        wave = _wave_create(
            campaign=locked, number=1, opens_at=locked.opens_at, closes_at=locked.closes_at
        )
        if wave.opens_at <= now:
            wave_open(wave=wave, now=now)
    campaign.refresh_from_db()
    wave.refresh_from_db()
    return wave


def _wave_create(
    *, campaign: Campaign, number: int, opens_at: datetime, closes_at: datetime
) -> Wave:
    wave = Wave.objects.create(
        organization_id=campaign.organization_id,
        campaign=campaign,
        number=number,
        opens_at=opens_at,
        closes_at=closes_at,
        status=WaveStatus.SCHEDULED,
        anonymity_threshold=campaign.anonymity_threshold,
        comment_threshold=campaign.comment_threshold,
        audience_id=campaign.audience_id,
    )
    WaveItem.objects.bulk_create(
        WaveItem(wave=wave, item_id=ci.item_id, rank=ci.rank)
        for ci in campaign.campaign_items.all()
    )
    return wave


def audience_memberships(*, organization_id: int, audience: Unit | None) -> Iterable[Membership]:
    memberships = Membership.objects.active().filter(organization_id=organization_id)
    if audience is not None:
        memberships = memberships.filter(unit__path__startswith=audience.path)
    return memberships.select_related("unit")


def wave_open(*, wave: Wave, now: datetime | None = None) -> int:
    """Open the wave and invite its audience by email. Returns the number of invitations."""
    from sillage.pulse.tasks import send_wave_invitations

    now = now or timezone.now()
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.status != WaveStatus.SCHEDULED:
            return 0
        locked.status = WaveStatus.OPEN
        locked.save(update_fields=["status"])
        invited = Invitation.objects.bulk_create(
            [
                Invitation(
                    organization_id=locked.organization_id,
                    wave=locked,
                    membership=membership,
                    unit_id=membership.unit_id,
                )
                for membership in audience_memberships(
                    organization_id=locked.organization_id, audience=locked.audience
                )
            ],
            ignore_conflicts=True,
        )
        wave_id = locked.pk
        transaction.on_commit(lambda: send_wave_invitations.enqueue(wave_id=wave_id))
    wave.refresh_from_db()
    return len(invited)


def wave_remind(*, wave: Wave, now: datetime | None = None) -> int:
    """Mark the wave's one reminder as due and send it to those who have not answered."""
    from sillage.pulse.tasks import send_wave_reminders

    now = now or timezone.now()
    updated = Wave.objects.filter(
        pk=wave.pk, status=WaveStatus.OPEN, reminder_sent_at__isnull=True
    ).update(reminder_sent_at=now)
    if updated:
        wave_id = wave.pk
        transaction.on_commit(lambda: send_wave_reminders.enqueue(wave_id=wave_id))
    return updated


def wave_close(*, wave: Wave, now: datetime | None = None) -> Wave:
    """Stop accepting answers and freeze the publication that every report reads."""
    from sillage.pulse.tasks import send_wave_results

    now = now or timezone.now()
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.status == WaveStatus.CLOSED:
            return locked
        locked.status = WaveStatus.CLOSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        wave_publish(locked)
        wave_id = locked.pk
        transaction.on_commit(lambda: send_wave_results.enqueue(wave_id=wave_id))
    wave.refresh_from_db()
    return wave


def next_wave_window(campaign: Campaign, after: Wave) -> tuple[datetime, datetime]:
    months = 1 if campaign.recurrence == Recurrence.MONTHLY else 3
    opens_at = _add_months(campaign.opens_at, months * after.number)
    return opens_at, opens_at + (campaign.closes_at - campaign.opens_at)


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, 28)  # every month has a 28th: the period never drifts
    return moment.replace(year=year, month=month, day=day)


def campaign_schedule_next(*, campaign: Campaign, now: datetime | None = None) -> Wave | None:
    """For a recurring campaign, create the next wave once the previous one has opened."""
    now = now or timezone.now()
    if campaign.recurrence == Recurrence.ONCE or campaign.status != CampaignStatus.ACTIVE:
        return None
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        last = locked.waves.order_by("-number").first()
        if last is None or last.status == WaveStatus.SCHEDULED:
            return None
        opens_at, closes_at = next_wave_window(locked, last)
        number = (locked.waves.aggregate(n=Max("number"))["n"] or 0) + 1
        return _wave_create(campaign=locked, number=number, opens_at=opens_at, closes_at=closes_at)


def campaign_end(*, campaign: Campaign, now: datetime | None = None) -> Campaign:
    """End a campaign: close its open wave, drop a scheduled one, open no new wave."""
    now = now or timezone.now()
    with transaction.atomic():
        Wave.objects.filter(campaign=campaign, status=WaveStatus.SCHEDULED).delete()
        for wave in Wave.objects.filter(campaign=campaign, status=WaveStatus.OPEN):
            wave_close(wave=wave, now=now)
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.ENDED)
    campaign.refresh_from_db()
    return campaign


# --- Answers ------------------------------------------------------------------------------------


def answer_unit(*, invitation: Invitation, membership: Membership, wave: Wave) -> int:
    """The unit an answer counts for: the person's unit now, if still in the audience."""
    audience = wave.audience
    if audience is None or membership.unit.path.startswith(audience.path):
        return membership.unit_id
    return invitation.unit_id


def response_submit(
    *,
    invitation: Invitation,
    agreement: Mapping[int, int],
    tenure: str,
    enps: int | None = None,
    comment: str = "",
    now: datetime | None = None,
) -> None:
    """Record one anonymous response and, in the same transaction, the participation.

    The anonymous rows carry no reference to the person, the invitation or the time. The
    participation row's unique constraint (person × wave) refuses a second answer, even from
    two tabs at once: the whole transaction, answers included, is then rolled back.
    """
    now = now or timezone.now()
    wave = Wave.objects.select_related("audience").get(pk=invitation.wave_id)
    if wave.status != WaveStatus.OPEN or not (wave.opens_at <= now < wave.closes_at):
        raise WaveNotOpen
    items = {wi.item_id: wi.item for wi in wave.wave_items.select_related("item")}
    agreement_items = {pk for pk, item in items.items() if item.kind == ItemKind.AGREEMENT}
    if set(agreement) != agreement_items or any(v not in range(1, 6) for v in agreement.values()):
        raise ValidationError(_("Answer every statement from 1 to 5."))
    if tenure not in Tenure.values:
        raise ValidationError(_("Choose how long you have worked here."))
    asks_enps = any(item.kind == ItemKind.ENPS for item in items.values())
    if asks_enps and (enps is None or enps not in range(0, 11)):
        raise ValidationError(_("Choose a number from 0 to 10."))
    asks_comment = any(item.kind == ItemKind.COMMENT for item in items.values())
    by_dimension = {items[pk].dimension: value for pk, value in agreement.items()}
    gap = None
    if Dimension.KNOW in by_dimension and Dimension.CAN in by_dimension:
        gap = by_dimension[Dimension.KNOW] - by_dimension[Dimension.CAN]
    membership = Membership.objects.select_related("unit").get(pk=invitation.membership_id)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Participation.objects.create(
                    organization_id=wave.organization_id, wave=wave, membership=membership
                )
        except IntegrityError as error:
            raise AlreadyAnswered from error
        response = Response.objects.create(
            organization_id=wave.organization_id,
            wave=wave,
            unit_id=answer_unit(invitation=invitation, membership=membership, wave=wave),
            tenure=tenure,
            enps=enps if asks_enps else None,
            know_can_gap=gap,
            comment=comment.strip()[:2000] if asks_comment else "",
        )
        Answer.objects.bulk_create(
            Answer(response=response, item_id=pk, value=value) for pk, value in agreement.items()
        )


def has_answered(*, invitation: Invitation) -> bool:
    return Participation.objects.filter(
        wave_id=invitation.wave_id, membership_id=invitation.membership_id
    ).exists()


def reminder_due(wave: Wave, now: datetime) -> bool:
    days = wave.campaign.reminder_after_days
    return (
        wave.status == WaveStatus.OPEN
        and wave.reminder_sent_at is None
        and now >= wave.opens_at + timedelta(days=days)
        and now < wave.closes_at
    )

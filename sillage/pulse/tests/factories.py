"""Small factories for pulse tests: campaigns, waves, people and their anonymous answers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from sillage.accounts.models import Membership, Organization, Role, Unit
from sillage.accounts.tests.factories import make_member
from sillage.pulse import services
from sillage.pulse.models import Campaign, Invitation, Item, ItemKind, Wave

_people = itertools.count(1)


def core_items(organization: Organization) -> list[Item]:
    return services.bank_ensure(organization=organization)


def make_campaign(
    organization: Organization,
    *,
    audience: Unit | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    items: list[Item] | None = None,
    recurrence: str = "once",
    comment_threshold: int = 10,
    name: str = "Pouls d'automne",
) -> Campaign:
    opens_at = opens_at or timezone.now() - timedelta(hours=1)
    return services.campaign_create(
        organization=organization,
        name_fr=name,
        name_en="Autumn pulse",
        audience=audience,
        recurrence=recurrence,
        opens_at=opens_at,
        closes_at=closes_at or opens_at + timedelta(days=14),
        items=items if items is not None else core_items(organization),
        comment_threshold=comment_threshold,
    )


def open_wave(organization: Organization, **options: object) -> Wave:
    campaign = make_campaign(organization, **options)
    return services.campaign_open(campaign=campaign)


def add_people(
    organization: Organization, unit: Unit, count: int, role: str = Role.EMPLOYEE
) -> list[Membership]:
    members = []
    for _ in range(count):
        number = next(_people)
        members.append(
            make_member(
                organization, unit, role, f"p{number}@{organization.slug}.test", "P", str(number)
            )
        )
    return members


def invitation_for(wave: Wave, membership: Membership) -> Invitation:
    invitation, _created = Invitation.objects.get_or_create(
        wave=wave,
        membership=membership,
        defaults={"organization_id": wave.organization_id, "unit_id": membership.unit_id},
    )
    return invitation


def answer(
    wave: Wave,
    membership: Membership,
    *,
    value: int | dict[str, int] = 4,
    tenure: str = "1to5",
    enps: int = 8,
    comment: str = "",
) -> None:
    """Answer every agreement item with `value` (or {dimension: value})."""
    agreement = {}
    for wave_item in wave.wave_items.select_related("item"):
        item = wave_item.item
        if item.kind != ItemKind.AGREEMENT:
            continue
        agreement[item.pk] = value if isinstance(value, int) else value.get(item.dimension, 3)
    services.response_submit(
        invitation=invitation_for(wave, membership),
        agreement=agreement,
        tenure=tenure,
        enps=enps,
        comment=comment,
    )


@dataclass
class PulseObjects:
    campaign: Campaign
    wave: Wave


def build_pulse(organization: Organization, unit: Unit) -> PulseObjects:
    """A campaign with one closed wave in `organization`, for crawls across tenants."""
    wave = open_wave(organization, audience=unit)
    services.wave_close(wave=wave)
    wave.refresh_from_db()
    return PulseObjects(campaign=wave.campaign, wave=wave)

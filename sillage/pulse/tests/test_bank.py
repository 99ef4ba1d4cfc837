"""The core question bank: our own words, fixed per series, and immutable items."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from sillage.pulse import services
from sillage.pulse.bank import CORE_ITEMS
from sillage.pulse.models import RELATIONS, Dimension, Item, ItemKind

# Each series' wording, pinned. Changing a statement here means changing what a trend
# measures: give the new wording a NEW series key instead and add it below.
PINNED = {
    "core.customers.1": "73ae6fe2",
    "core.customers.2": "f3194da5",
    "core.customers.3": "d2b06024",
    "core.know.1": "9856112d",
    "core.can.1": "2263f412",
    "core.motivation.1": "9e385726",
    "core.senior_management.1": "668fa6c1",
    "core.senior_management.2": "cd687f66",
    "core.senior_management.3": "862a400b",
    "core.supervisor.1": "8075babe",
    "core.supervisor.2": "4cb07fa2",
    "core.supervisor.3": "f209222e",
    "core.colleagues.1": "663539a9",
    "core.colleagues.2": "6376f308",
    "core.colleagues.3": "d84041cc",
    "core.other_teams.1": "1c13727c",
    "core.other_teams.2": "ef690c9b",
    "core.other_teams.3": "a448c0ca",
    "core.want.1": "23573239",
    "core.want.2": "1365df36",
    "core.able.1": "e6a33e01",
    "core.able.2": "73ca3624",
    "core.be.1": "d29ea38b",
    "core.be.2": "94d9548f",
    "core.enps.1": "c35cb2c8",
    "core.comment.1": "fa05c04a",
}


def fingerprint(item) -> str:
    return hashlib.sha256(f"{item.text_fr}|{item.text_en}".encode()).hexdigest()[:8]


def test_every_core_series_keeps_its_wording():
    fingerprints = {item.series: fingerprint(item) for item in CORE_ITEMS}
    assert fingerprints == PINNED


def test_the_bank_covers_the_five_relations_the_pair_the_pillars_and_enps():
    by_dimension = {}
    for item in CORE_ITEMS:
        by_dimension.setdefault(item.dimension, []).append(item)
    for relation in RELATIONS:
        assert len(by_dimension[relation]) == 3, relation
    for pillar in (Dimension.WANT, Dimension.ABLE, Dimension.BE):
        assert len(by_dimension[pillar]) == 2, pillar
    assert [i.text_en for i in by_dimension[Dimension.KNOW]] == [
        "I know what our customers expect."
    ]
    assert [i.text_en for i in by_dimension[Dimension.CAN]] == [
        "I have the resources to meet their expectations."
    ]
    assert [i.text_en for i in by_dimension[Dimension.MOTIVATION]] == [
        "Our customers' satisfaction motivates me."
    ]
    assert [i.kind for i in by_dimension[Dimension.ENPS]] == [ItemKind.ENPS]
    assert [i.kind for i in by_dimension[Dimension.COMMENT]] == [ItemKind.COMMENT]
    assert all(i.text_fr and i.text_en for i in CORE_ITEMS)
    assert len({i.series for i in CORE_ITEMS}) == len(CORE_ITEMS)


@pytest.mark.django_db
def test_bank_ensure_is_idempotent_per_organisation(world):
    first = services.bank_ensure(organization=world.org)
    again = services.bank_ensure(organization=world.org)
    assert len(first) == len(again) == len(CORE_ITEMS)
    assert Item.objects.filter(organization=world.org).count() == len(CORE_ITEMS)
    services.bank_ensure(organization=world.other_org)
    assert Item.objects.count() == 2 * len(CORE_ITEMS)


@pytest.mark.django_db
def test_an_item_cannot_be_reworded_in_place(world):
    item = services.bank_ensure(organization=world.org)[0]
    item.text_fr = "Autre chose"
    with pytest.raises(ValueError, match="immutable"):
        item.save()
    item.refresh_from_db()
    assert item.text_fr == CORE_ITEMS[0].text_fr


@pytest.mark.django_db
def test_rewording_a_custom_item_starts_a_new_series_and_retires_the_old(world):
    old = services.item_create(
        organization=world.org,
        text_fr="Je recommande nos produits.",
        text_en="I recommend our products.",
    )
    new = services.item_reword(
        item=old,
        text_fr="Je recommande nos produits à mes proches.",
        text_en="I recommend our products to my family.",
    )
    old.refresh_from_db()
    assert new.series != old.series and new.series.startswith("custom.")
    assert new.replaces == old
    assert old.retired_at is not None and old.text_fr == "Je recommande nos produits."


@pytest.mark.django_db
def test_core_items_cannot_be_reworded(world):
    core = services.bank_ensure(organization=world.org)[0]
    with pytest.raises(ValidationError):
        services.item_reword(item=core, text_fr="x", text_en="y")

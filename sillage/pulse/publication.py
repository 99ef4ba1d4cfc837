"""Freeze a closed wave into its publication (`WaveNode` rows), which every report reads.

Aggregation happens once, in SQL, per unit × tenure band × item (counts, sums, sums of
squares, favourable answers); the anonymity rules then run on those counts in Python
(`suppression.publish`) and only the groups that may be shown keep figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Q, Sum

from sillage.accounts.models import Unit
from sillage.pulse.models import Answer, Response, Tenure, Wave, WaveNode
from sillage.pulse.suppression import Publication, publish

BANDS = tuple(Tenure.values)

# stats layout (JSON): {"items": {item_id: [sum, sum_sq, favourable]},
#                       "enps": [answers, promoters, detractors],
#                       "gap": [pairs, sum, sum_sq, know_above_can]}
Stats = dict[str, object]


def wave_tree(wave: Wave, unit_ids: Iterable[int]) -> dict[int, int | None]:
    """The units with answers and their ancestors, with their parents as they are now."""
    parents: dict[int, int | None] = {}
    units = Unit.objects.filter(organization_id=wave.organization_id).values_list("id", "parent_id")
    all_parents = dict(units)
    top = wave.audience_id
    for unit_id in unit_ids:
        current: int | None = unit_id
        while current is not None and current not in parents:
            up = all_parents.get(current)
            parents[current] = None if current == top else up
            current = None if current == top else up
    return parents


class Vectors:
    """Aggregates as flat lists of numbers, so that summing a subtree is a zip, not a loop
    over dictionaries: [sum, sum_sq, favourable] per item, then eNPS (3), then gap (4)."""

    def __init__(self, item_ids: list[int]) -> None:
        self.item_ids = item_ids
        self.position = {item_id: 3 * i for i, item_id in enumerate(item_ids)}
        self.size = 3 * len(item_ids) + 7

    def empty(self) -> list[int]:
        return [0] * self.size

    def as_stats(self, vector: list[int]) -> Stats:
        base = 3 * len(self.item_ids)
        return {
            "items": {
                str(item_id): vector[3 * i : 3 * i + 3] for i, item_id in enumerate(self.item_ids)
            },
            "enps": vector[base : base + 3],
            "gap": vector[base + 3 : base + 7],
        }


def _direct_aggregates(wave: Wave) -> tuple[dict[int, dict[str, int]], Vectors, dict]:
    """Per unit and band: respondents, and the sums of every item, eNPS and know − can."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    answer_rows = list(
        Answer.objects.filter(response__wave=wave)
        .values("response__unit_id", "response__tenure", "item_id")
        .annotate(
            total=Sum("value"),
            total_sq=Sum(F("value") * F("value")),
            favourable=Count("value", filter=Q(value__gte=4)),
        )
        .order_by()
    )
    vectors = Vectors(sorted({row["item_id"] for row in answer_rows}))
    direct: dict[tuple[int, str], list[int]] = defaultdict(vectors.empty)
    for row in answer_rows:
        at = vectors.position[row["item_id"]]
        vector = direct[(row["response__unit_id"], row["response__tenure"])]
        vector[at : at + 3] = [row["total"], row["total_sq"], row["favourable"]]
    response_rows = (
        Response.objects.filter(wave=wave)
        .values("unit_id", "tenure")
        .annotate(
            n=Count("id"),
            enps_n=Count("enps"),
            promoters=Count("id", filter=Q(enps__gte=9)),
            detractors=Count("id", filter=Q(enps__lte=6)),
            gap_n=Count("know_can_gap"),
            gap_sum=Sum("know_can_gap"),
            gap_sq=Sum(F("know_can_gap") * F("know_can_gap")),
            gap_pos=Count("id", filter=Q(know_can_gap__gt=0)),
        )
        .order_by()
    )
    for row in response_rows:
        counts[row["unit_id"]][row["tenure"]] = row["n"]
        vector = direct[(row["unit_id"], row["tenure"])]
        vector[-7:] = [
            row["enps_n"],
            row["promoters"],
            row["detractors"],
            row["gap_n"],
            row["gap_sum"] or 0,
            row["gap_sq"] or 0,
            row["gap_pos"],
        ]
    return counts, vectors, direct


def _subtree_vectors(
    publication: Publication, vectors: Vectors, direct: dict[tuple[int, str], list[int]]
) -> dict[tuple[int, str], list[int]]:
    """Each unit's subtree, per band and for every band (""), summed leaves first."""
    tree = publication.tree
    result: dict[tuple[int, str], list[int]] = {}
    for unit in tree.post_order:
        every = vectors.empty()
        for band in BANDS:
            parts = [direct[(unit, band)]] if (unit, band) in direct else []
            parts += [result[(child, band)] for child in tree.children[unit]]
            summed = (
                [sum(values) for values in zip(*parts, strict=True)] if parts else vectors.empty()
            )
            result[(unit, band)] = summed
            every = [a + b for a, b in zip(every, summed, strict=True)]
        result[(unit, "")] = every
    return result


def wave_publish(wave: Wave) -> Publication:
    """Compute and store the publication of a closed wave. Idempotent: replaces the rows."""
    counts, vectors, direct = _direct_aggregates(wave)
    parents = wave_tree(wave, counts.keys())
    publication = publish(
        parents,
        counts,
        threshold=wave.anonymity_threshold,
        comment_threshold=wave.comment_threshold,
        bands=BANDS,
    )
    tree = publication.tree
    subtree = _subtree_vectors(publication, vectors, direct)
    rows = []
    for unit in tree.post_order:
        shown = unit in publication.shown
        rows.append(
            WaveNode(
                organization_id=wave.organization_id,
                wave=wave,
                unit_id=unit,
                parent_unit_id=parents[unit],
                depth=tree.depth[unit],
                tenure="",
                visible=shown,
                comments_visible=unit in publication.comments,
                n=publication.totals[unit] if shown else 0,
                stats=vectors.as_stats(subtree[(unit, "")]) if shown else {},
            )
        )
        for band in BANDS:
            if publication.band_shown(unit, band):
                rows.append(
                    WaveNode(
                        organization_id=wave.organization_id,
                        wave=wave,
                        unit_id=unit,
                        parent_unit_id=parents[unit],
                        depth=tree.depth[unit],
                        tenure=band,
                        visible=True,
                        n=publication.band_totals[unit][band],
                        stats=vectors.as_stats(subtree[(unit, band)]),
                    )
                )
    with transaction.atomic():
        WaveNode.objects.filter(wave=wave).delete()
        WaveNode.objects.bulk_create(rows, batch_size=2000)
    return publication

"""Scores from a group's aggregates: 0–100 scores, favourable shares, changes and signals.

Used by the reporting function only: a score is never computed anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sillage.accounts.models import bilingual
from sillage.pulse.models import RELATIONS, Dimension, ItemKind, Wave, WaveItem
from sillage.pulse.stats import MIN_CHANGE, Sample, is_signal, welch_p_value


@dataclass(frozen=True)
class Measure:
    """One figure of one group: a 0–100 score (eNPS: −100 to 100) and its change."""

    key: str
    label: str
    score: float
    favourable: float | None = None  # % of answers 4 or 5
    change: float | None = None  # points since the previous wave
    p_value: float | None = None  # Welch's test, computed when |change| ≥ 5 points
    signal: bool = False


def to_points(mean: float) -> float:
    """A 1–5 agreement mean on the 0–100 scale: (x − 1) × 25."""
    return (mean - 1) * 25


class ItemRef(NamedTuple):
    """What a report needs of an item (read with values_list: reports run often)."""

    pk: int
    series: str
    dimension: str
    text_fr: str
    text_en: str

    @property
    def text(self) -> str:
        return bilingual(self.text_fr, self.text_en)


@dataclass(frozen=True)
class WaveItems:
    by_dimension: dict[str, list[ItemRef]]
    custom: list[ItemRef]

    @classmethod
    def of(cls, wave: Wave) -> WaveItems:
        return cls.for_waves([wave])[wave.pk]

    @classmethod
    def for_waves(cls, waves: list[Wave]) -> dict[int, WaveItems]:
        """The agreement items of several waves, in one query."""
        result = {wave.pk: cls({}, []) for wave in waves}
        rows = (
            WaveItem.objects.filter(wave__in=waves, item__kind=ItemKind.AGREEMENT)
            .order_by("rank", "id")
            .values_list(
                "wave_id",
                "item_id",
                "item__series",
                "item__dimension",
                "item__text_fr",
                "item__text_en",
            )
        )
        for wave_id, *fields in rows:
            item, items = ItemRef(*fields), result[wave_id]
            if item.dimension == Dimension.CUSTOM:
                items.custom.append(item)
            else:
                items.by_dimension.setdefault(item.dimension, []).append(item)
        return result

    def relation_items(self) -> list[ItemRef]:
        return [i for d in RELATIONS for i in self.by_dimension.get(d, [])]


def sample_of(stats: dict, n: int, items: list[ItemRef]) -> Sample | None:
    per_item = stats.get("items", {})
    rows = [per_item.get(str(item.pk)) for item in items]
    if not items or any(row is None for row in rows):
        return None
    return Sample(
        n=n,
        total=sum(r[0] for r in rows),
        total_sq=sum(r[1] for r in rows),
        weight=len(items),
    )


def favourable_share(stats: dict, n: int, items: list[ItemRef]) -> float:
    per_item = stats.get("items", {})
    return 100 * sum(per_item[str(i.pk)][2] for i in items) / (n * len(items))


def enps_sample(stats: dict) -> Sample | None:
    answers, promoters, detractors = stats.get("enps", [0, 0, 0])
    if not answers:
        return None
    return Sample(n=answers, total=promoters - detractors, total_sq=promoters + detractors)


@dataclass
class Figures:
    """A shown group's samples, kept to compare with the previous wave."""

    n: int
    stats: dict
    items: WaveItems

    def sample(self, key: str) -> Sample | None:
        if key == "qi":
            return sample_of(self.stats, self.n, self.items.relation_items())
        if key == "enps":
            return enps_sample(self.stats)
        if key.startswith("item:"):
            item = next((i for i in self.items.custom if f"item:{i.series}" == key), None)
            return sample_of(self.stats, self.n, [item]) if item else None
        return sample_of(self.stats, self.n, self.items.by_dimension.get(key, []))

    def series(self, key: str) -> tuple[str, ...]:
        """The questions behind a measure: two waves compare only if these are the same."""
        if key == "qi":
            return tuple(i.series for i in self.items.relation_items())
        if key.startswith("item:"):
            return (key,)
        if key == "enps":
            return ("enps",)
        return tuple(i.series for i in self.items.by_dimension.get(key, []))


def measure(
    key: str, label: str, now: Figures, before: Figures | None, *, items: list[ItemRef]
) -> Measure | None:
    sample = now.sample(key)
    if sample is None:
        return None
    enps = key == "enps"
    score = 100 * sample.mean if enps else to_points(sample.mean)
    favourable = None if enps else favourable_share(now.stats, now.n, items)
    change = p_value = None
    signal = False
    previous = before.sample(key) if before is not None else None
    # A change is only meaningful between the same questions (same series, same set).
    if previous is not None and before is not None and before.series(key) == now.series(key):
        before_score = 100 * previous.mean if enps else to_points(previous.mean)
        change = score - before_score
        # Only a change of at least MIN_CHANGE points can be a signal: test only those.
        if abs(change) >= MIN_CHANGE:
            p_value = welch_p_value(sample, previous)
            signal = is_signal(change, p_value)
    return Measure(key, label, score, favourable, change, p_value, signal)

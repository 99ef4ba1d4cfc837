"""The trend chart as plain geometry for an inline SVG (no script, no chart library)."""

from __future__ import annotations

from dataclasses import dataclass

from sillage.pulse.models import RELATIONS
from sillage.pulse.reporting import TrendPoint

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 32


@dataclass(frozen=True)
class Series:
    key: str
    points: str  # SVG polyline "x,y x,y"
    dots: list[tuple[float, float, float]]  # x, y, value


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100)


def trend_chart(points: list[TrendPoint]) -> Chart | None:
    """Involvement quotient and each relation across waves, on the 0–100 scale."""
    if sum(1 for p in points if p.shown) < 2:
        return None
    count = len(points)
    series = []
    for key in ("qi", *RELATIONS):
        dots = []
        for index, point in enumerate(points):
            value = point.qi if key == "qi" else point.relations.get(str(key))
            if point.shown and value is not None:
                dots.append((round(_x(index, count), 1), round(_y(value), 1), round(value, 1)))
        if dots:
            series.append(Series(str(key), " ".join(f"{x},{y}" for x, y, _v in dots), dots))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        series=series,
        x_labels=[(round(_x(i, count), 1), f"#{p.number}") for i, p in enumerate(points)],
        y_ticks=[(round(_y(v), 1), v) for v in (0, 25, 50, 75, 100)],
    )

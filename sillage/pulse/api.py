"""Pulse API, mounted at /api/v1/pulse. Results come from `reporting.pulse_report` only."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from sillage.accounts.scope import Scope
from sillage.pulse import selectors
from sillage.pulse.reporting import Report, pulse_report

router = Router(tags=["pulse"])


class WaveOut(Schema):
    id: int
    number: int
    status: str
    opens_at: datetime
    closes_at: datetime
    anonymity_threshold: int
    comment_threshold: int


class CampaignOut(Schema):
    id: int
    name_fr: str
    name_en: str
    status: str
    recurrence: str
    audience_unit_id: int | None
    anonymity_threshold: int | None
    waves: list[WaveOut]

    @staticmethod
    def resolve_audience_unit_id(obj: object) -> int | None:
        return getattr(obj, "audience_id", None)

    @staticmethod
    def resolve_waves(obj: object) -> list[object]:
        return sorted(obj.waves.all(), key=lambda w: w.number)  # type: ignore[attr-defined]


class MeasureOut(Schema):
    key: str
    label: str
    score: float
    favourable: float | None
    change: float | None
    p_value: float | None
    signal: bool


class GapOut(Schema):
    know: float
    can: float
    difference: float
    share_know_above_can: float


class GroupOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    tenure: str
    shown: bool
    n: int | None
    qi: MeasureOut | None
    relations: list[MeasureOut]
    enps: MeasureOut | None
    gap: GapOut | None
    others: list[MeasureOut]
    custom: list[MeasureOut]
    comments_shown: bool


class TrendPointOut(Schema):
    wave_id: int
    number: int
    closes_at: datetime
    shown: bool
    qi: float | None
    relations: dict[str, float]
    enps: float | None


class FilterOut(Schema):
    tenure: str
    label: str
    available: bool


class ReportOut(Schema):
    wave_id: int
    unit_id: int | None
    tenure: str
    state: str
    threshold: int
    comment_threshold: int
    group: GroupOut | None
    rows: list[GroupOut]
    trend: list[TrendPointOut]
    filters: list[FilterOut]


def _scope(request: HttpRequest) -> Scope:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/campaigns", response=list[CampaignOut], summary="Pulse campaigns and their waves")
def list_campaigns(request: HttpRequest) -> object:
    """Campaigns whose audience meets the token's part of the organisation."""
    return selectors.campaigns_for(_scope(request)).prefetch_related("waves").order_by("-id")


@router.get(
    "/waves/{wave_id}/report",
    response=ReportOut,
    summary="A wave's results for one unit, under the anonymity rules",
)
def wave_report(
    request: HttpRequest, wave_id: int, unit: int | None = None, tenure: str = ""
) -> dict:
    """The same output as the report page: groups under the wave's locked threshold, or whose
    figures could be recovered by subtraction, are returned with `shown: false` and no figure.
    `state` is `ready`, `not_closed`, `not_enough` or `filter_unavailable`."""
    scope = _scope(request)
    wave = get_object_or_404(selectors.waves_for(scope), pk=wave_id)
    try:
        report = pulse_report(scope=scope, wave=wave, unit_id=unit, tenure=tenure)
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    return report_as_dict(report)


def report_as_dict(report: Report) -> dict:
    return {
        "wave_id": report.wave.pk,
        "unit_id": report.unit.pk if report.unit else None,
        "tenure": report.tenure,
        "state": report.state,
        "threshold": report.threshold,
        "comment_threshold": report.comment_threshold,
        "group": report.group,
        "rows": report.rows,
        "trend": report.trend,
        "filters": [
            {"tenure": band, "label": label, "available": available}
            for band, label, available in report.filters
        ],
    }

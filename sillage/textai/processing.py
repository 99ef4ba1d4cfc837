"""Analysing comments: run the organisation's engine over a batch, store the results, keep
the theme rollups current.

Safe to run twice and from two machines: an analysis is keyed by its response (one row per
response), a batch rewrites the rows it analysed, and rollups are recomputed by whole days.
People's corrections win over any re-analysis: a corrected sentiment is kept, a theme
someone removed is not added back, a theme someone added stays.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sillage.accounts.models import Organization
from sillage.db.rows import column_index, insert_rows, row_values
from sillage.feedback.models import Response
from sillage.insights.spacing import DaySpacing
from sillage.textai.engines.base import CommentAnalysis as Result
from sillage.textai.engines.base import Engine, ThemeSpec
from sillage.textai.models import (
    CommentAnalysis,
    CommentTheme,
    Correction,
    CorrectionField,
    TextSettings,
    Theme,
    ThemeSource,
)

logger = logging.getLogger(__name__)
BATCH = 500
SENTIMENTS = ("positive", "neutral", "negative")


# --- Engines -----------------------------------------------------------------------------------


def engine_names() -> list[str]:
    try:
        from sillage.textai.engines import ENGINES
    except ImportError:  # the engines package is not there yet
        return []
    return list(ENGINES)


def default_engine_name() -> str:
    from sillage.textai.engines import DEFAULT_ENGINE

    return DEFAULT_ENGINE


def text_settings(organization: Organization) -> TextSettings:
    found, _created = TextSettings.objects.get_or_create(organization=organization)
    return found


def engine_for(organization: Organization, name: str | None = None) -> Engine:
    from sillage.textai.engines import get_engine

    chosen = name or text_settings(organization).engine or default_engine_name()
    if not engine_usable(chosen):
        chosen = default_engine_name()
    return get_engine(chosen)


def engine_usable(name: str) -> bool:
    try:
        from sillage.textai.engines import engine_available
    except ImportError:
        return name in engine_names()
    return name in engine_names() and engine_available(name)


def embedder(organization: Organization):  # -> Callable[[list[str]], ndarray] | None
    """The organisation's engine's `embed`, when it has one (the accurate engine): adapters
    and new-topic groups then work on embeddings; with the fast engine, on words."""
    return getattr(engine_for(organization), "embed", None)


def theme_specs(organization: Organization) -> list[ThemeSpec]:
    from sillage.textai.services import themes_ensure

    themes_ensure(organization=organization)
    return [
        ThemeSpec(
            code=t.code,
            keywords_fr=tuple(t.keywords_fr),
            keywords_en=tuple(t.keywords_en),
            examples=tuple(t.examples),
        )
        for t in Theme.objects.filter(organization=organization, active=True)
    ]


# --- Selection ---------------------------------------------------------------------------------


def with_comment(organization: Organization) -> QuerySet[Response]:
    return Response.objects.filter(organization=organization).exclude(comment="")


def pending(organization: Organization) -> QuerySet[Response]:
    """Comments never analysed."""
    return with_comment(organization).filter(text_analysis__isnull=True)


def stale(organization: Organization, engine: Engine) -> QuerySet[Response]:
    """Comments never analysed, or analysed by another engine or version."""
    return with_comment(organization).filter(
        Q(text_analysis__isnull=True)
        | ~Q(text_analysis__engine=engine.name)
        | ~Q(text_analysis__engine_version=engine.version)
    )


# --- Analysis ----------------------------------------------------------------------------------


def analyse_responses(
    *,
    organization: Organization,
    response_ids: Iterable[int],
    engine: Engine | None = None,
    batch: int = BATCH,
    only_stale: bool = False,
    spaced: bool = False,
) -> int:
    """Analyse these responses' comments (other organisations' ids are ignored); returns the
    number of comments analysed. `only_stale`: skip those the same engine version analysed.
    `spaced` (new answers, in a worker): a day's theme rollups recomputed less than
    `SILLAGE_ROLLUP_INTERVAL` seconds ago are left to one refresh queued for the interval's
    end (see insights/spacing.py)."""
    ids = sorted(set(response_ids))
    if not ids:
        return 0
    engine = engine or engine_for(organization)
    specs = theme_specs(organization)
    themes = dict(Theme.objects.filter(organization=organization).values_list("code", "pk"))
    adapter = _adapter(organization)
    done, days = 0, set()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        qs = stale(organization, engine) if only_stale else with_comment(organization)
        rows = list(
            qs.filter(pk__in=chunk).only(
                "pk", "comment", "language", "unit_id", "touchpoint_id", "submitted_at", "nps"
            )
        )
        if not rows:
            continue
        results = _run(engine, rows, specs)
        if adapter is not None:
            results = adapter.apply(organization, rows, results)
        days |= _store(organization, engine, rows, results, themes)
        done += len(rows)
    # Once for the whole run: whole days, recomputed from the rows now committed.
    from sillage.textai.rollups import refresh_days

    if spaced:
        days = spacing().due_now(organization.pk, days)
        with spacing().timed(organization.pk, days):
            refresh_days(organization, days)
    else:
        refresh_days(organization, days)
    return done


@functools.cache
def spacing() -> DaySpacing:
    """The spacing of the theme rollups' refreshes (sillage/insights/spacing.py)."""
    from sillage.textai.tasks import refresh_theme_rollups

    return DaySpacing(refresh_theme_rollups)


# Comments repeat ("Merci!", "Great service", the same complaint at every branch): results
# are remembered per engine version, taxonomy and language hint, so a backlog analyses each
# distinct text once. Bounded; cleared whenever it fills up.
_CACHE: dict[tuple, Result] = {}
CACHE_SIZE = 50_000


def _run(engine: Engine, rows: Sequence[Response], specs: Sequence[ThemeSpec]) -> list[Result]:
    results: list[Result | None] = [None] * len(rows)
    taxonomy = hash(tuple(specs))
    todo: dict[tuple[str, str], list[int]] = {}
    for index, row in enumerate(rows):
        hint = row.language if row.language in {"fr", "en"} else ""
        key = (engine.name, engine.version, taxonomy, hint, row.comment)
        cached = _CACHE.get(key)
        if cached is not None:
            results[index] = cached
        else:
            todo.setdefault((hint, row.comment), []).append(index)
    by_language: dict[str, list[str]] = {}
    for hint, text in todo:
        by_language.setdefault(hint, []).append(text)
    if len(_CACHE) + len(todo) > CACHE_SIZE:
        _CACHE.clear()
    for hint, texts in by_language.items():
        found = engine.analyze(texts, language_hint=hint or None, themes=specs)
        for text, result in zip(texts, found, strict=True):
            _CACHE[(engine.name, engine.version, taxonomy, hint, text)] = result
            for index in todo[(hint, text)]:
                results[index] = result
    return results  # type: ignore[return-value]


def _local_day(moment: datetime, organization: Organization) -> date:
    from sillage.insights.rollups import local_day, zone_of

    return local_day(moment, zone_of(organization))


def _sentences(result: Result) -> list[dict]:
    return [
        {"text": s.text, "start": s.start, "end": s.end, "sentiment": s.sentiment,
         "score": round(float(s.score), 4)}
        for s in result.sentences
    ]  # fmt: skip


ANALYSIS_FIELDS = (
    "unit", "touchpoint", "day", "submitted_at", "nps", "engine", "engine_version", "language",
    "sentiment", "score", "sentences", "analysed_at",
)  # fmt: skip


def _analysis(
    organization: Organization, engine: Engine, row: Response, result: Result, now: datetime
) -> CommentAnalysis:
    return CommentAnalysis(
        organization=organization,
        response_id=row.pk,
        unit_id=row.unit_id,
        touchpoint_id=row.touchpoint_id,
        day=_local_day(row.submitted_at, organization),
        submitted_at=row.submitted_at,
        nps=row.nps,
        engine=engine.name,
        engine_version=engine.version,
        language=result.language,
        sentiment=result.sentiment,
        score=round(float(result.score), 4),
        sentences=_sentences(result),
        analysed_at=now,
    )


def _store(
    organization: Organization,
    engine: Engine,
    rows: Sequence[Response],
    results: Sequence[Result],
    themes: dict[str, int],
) -> set[date]:
    """Write a batch's analyses; returns the local days whose rollups they change.

    The rows are built and their database values prepared before the transaction: on SQLite
    it holds the database's only write lock, which survey answers arriving meanwhile wait
    for. Inside, what people corrected is read and applied, then the rows are written."""
    now = timezone.now()
    ids = [r.pk for r in rows]
    fresh = {
        row.pk: _analysis(organization, engine, row, result, now)
        for row, result in zip(rows, results, strict=True)
    }
    values = {pk: row_values(analysis) for pk, analysis in fresh.items()}
    # The engine's themes, their analysis id filled in once known.
    analysis_slot = column_index(CommentTheme, "analysis_id")
    candidate_links = []
    for row, result in zip(rows, results, strict=True):
        for match in result.themes:
            theme_id = themes.get(match.code)
            if theme_id is not None:
                link = CommentTheme(
                    organization=organization,
                    theme_id=theme_id,
                    evidence=list(dict.fromkeys(match.evidence)),
                    source=ThemeSource.ENGINE,
                )
                candidate_links.append((row.pk, theme_id, row_values(link)))
    with transaction.atomic():
        existing = {a.response_id: a for a in CommentAnalysis.objects.filter(response_id__in=ids)}
        kept = _corrections(ids, themes)
        old_days = {a.day for a in existing.values()}
        new, changed = [], []
        for pk in ids:
            analysis = existing.get(pk)
            if analysis is None:
                analysis = fresh[pk]
                new.append(analysis)
            else:
                for name in ANALYSIS_FIELDS:
                    setattr(analysis, name, getattr(fresh[pk], name))
                changed.append(analysis)
            if pk in kept.sentiment:
                analysis.sentiment = kept.sentiment[pk]
                analysis.sentiment_corrected = True
                values[pk] = row_values(analysis)
        # Two passes over the same responses at once (two workers) both find them new: the
        # first insert stands, the second is ignored, and both go on with the stored row.
        insert_rows(CommentAnalysis, [values[a.response_id] for a in new], ignore_conflicts=True)
        if new:
            created = CommentAnalysis.objects.filter(
                response_id__in=[a.response_id for a in new]
            ).values_list("response_id", "pk")
            for response_id, pk in created:
                fresh[response_id].pk = pk
                fresh[response_id]._state.adding = False
        if changed:
            CommentAnalysis.objects.bulk_update(
                changed, [*ANALYSIS_FIELDS, "sentiment_corrected"], batch_size=500
            )
        analyses = {a.response_id: a for a in [*new, *changed]}
        CommentTheme.objects.filter(
            analysis__in=[a.pk for a in changed], source=ThemeSource.ENGINE
        ).delete()
        manual = set(
            CommentTheme.objects.filter(
                analysis__in=[a.pk for a in changed], source=ThemeSource.CORRECTION
            ).values_list("analysis_id", "theme_id")
        )
        links = []
        for pk, theme_id, link_values in candidate_links:
            analysis = analyses[pk]
            if (pk, theme_id) in kept.removed or (analysis.pk, theme_id) in manual:
                continue
            link_values[analysis_slot] = analysis.pk
            links.append(link_values)
        insert_rows(CommentTheme, links, ignore_conflicts=True)
    return old_days | {a.day for a in analyses.values()}


class _Kept:
    def __init__(self) -> None:
        self.sentiment: dict[int, str] = {}
        self.removed: set[tuple[int, int]] = set()


def _corrections(response_ids: list[int], theme_ids: dict[str, int]) -> _Kept:
    """The latest correction of each response's sentiment, and the themes people removed
    (unless added back since)."""
    kept = _Kept()
    rows = (
        Correction.objects.filter(response_id__in=response_ids)
        .order_by("created_at", "id")
        .values_list("response_id", "field", "old_value", "new_value")
    )
    for response_id, field, old, new in rows:
        if field == CorrectionField.SENTIMENT:
            kept.sentiment[response_id] = new
        elif field == CorrectionField.THEME_REMOVED and old in theme_ids:
            kept.removed.add((response_id, theme_ids[old]))
        elif field == CorrectionField.THEME_ADDED and new in theme_ids:
            kept.removed.discard((response_id, theme_ids[new]))
    return kept


def _adapter(organization: Organization):  # -> adaptation.Adapter | None
    from sillage.textai.adaptation import adapter_for

    return adapter_for(organization)


# --- Backlogs ----------------------------------------------------------------------------------


def analyse_pending(
    *, organization: Organization, limit: int, engine: Engine | None = None, newest: bool = True
) -> int:
    """Analyse up to `limit` of the organisation's never-analysed comments, newest first."""
    order = ("-submitted_at", "-id") if newest else ("submitted_at", "id")
    ids = list(pending(organization).order_by(*order).values_list("pk", flat=True)[:limit])
    return analyse_responses(organization=organization, response_ids=ids, engine=engine)


def analyse_stale(
    *,
    organization: Organization,
    engine: Engine | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> int:
    engine = engine or engine_for(organization)
    qs = stale(organization, engine)
    if since is not None:
        qs = qs.filter(submitted_at__gte=since)
    ids = list(qs.order_by("-submitted_at", "-id").values_list("pk", flat=True))
    if limit is not None:
        ids = ids[:limit]
    return analyse_responses(organization=organization, response_ids=ids, engine=engine)

"""Emerging topics, computed once a week for the week that just ended.

1. Rising themes: a theme whose share of the week's analysed comments is beyond its normal
   range, i.e. above the mean + 2 standard deviations of its weekly shares over the previous
   8 weeks, with at least `MIN_MENTIONS` mentions (a floor on the deviation keeps a theme
   that was always at 0 % from rising on two comments).
2. New topics: the week's comments that match no theme, grouped by k-means (numpy) over the
   accurate engine's embeddings when the organisation uses it, else over TF-IDF of their words; each
   group of at least `MIN_GROUP` comments is named by its most distinctive words (frequent in
   the group, rare elsewhere) and keeps the comments nearest its centre as examples.

Read from the theme rollups (1) and one week of analyses (2). Idempotent: a week's rows are
replaced as a whole.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from sillage.accounts.models import Organization
from sillage.textai.models import (
    CommentAnalysis,
    EmergingTopic,
    Theme,
    ThemeDayRollup,
    TopicKind,
    TopicRun,
)

BASELINE_WEEKS = 8
MIN_BASELINE_WEEKS = 3
MIN_MENTIONS = 5
SD_FLOOR = 0.01
MIN_GROUP = 4
MAX_GROUPS = 6
MAX_NEW_COMMENTS = 2000
EXAMPLES = 3
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
STOPWORDS = frozenset(
    """
    les des une pour que qui pas est avec dans sur mais plus tout tres bien fait etre avoir
    ete mon mes mon nous vous ils elle elles leur leurs aux par cette ces son sans comme
    encore deja aussi donc car alors merci bonjour fois tous toute toutes faire peu trop
    the and for that with was were this have has had but not you your our are they them
    very from just all been there their would could what when then than too also thank
    thanks only one get got out
    """.split()
)


def last_full_week(organization: Organization) -> date:
    from sillage.insights.rollups import zone_of

    today = timezone.now().astimezone(zone_of(organization)).date()
    return today - timedelta(days=today.weekday() + 7)


@dataclass
class Rising:
    theme_id: int
    count: int
    share: float
    mean: float
    sd: float


def rising_themes(organization: Organization, week: date) -> list[Rising]:
    first = week - timedelta(weeks=BASELINE_WEEKS)
    rows = (
        ThemeDayRollup.objects.filter(organization=organization, week__gte=first, week__lte=week)
        .values("week", "theme_id")
        .annotate(n=Sum("n"))
    )
    totals: dict[date, int] = {}
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for row in rows:
        if row["theme_id"] is None:
            totals[row["week"]] = row["n"]
        else:
            counts[row["theme_id"]][row["week"]] = row["n"]
    if not totals.get(week):
        return []
    baseline_weeks = [w for w in sorted(totals) if w < week and totals[w] > 0]
    if len(baseline_weeks) < MIN_BASELINE_WEEKS:
        return []
    found = []
    for theme_id, by_week in counts.items():
        count = by_week.get(week, 0)
        if count < MIN_MENTIONS:
            continue
        share = count / totals[week]
        shares = [by_week.get(w, 0) / totals[w] for w in baseline_weeks]
        mean = sum(shares) / len(shares)
        sd = math.sqrt(sum((s - mean) ** 2 for s in shares) / max(1, len(shares) - 1))
        if share > mean + 2 * max(sd, SD_FLOOR):
            found.append(Rising(theme_id, count, share, mean, sd))
    return sorted(found, key=lambda r: r.share - r.mean, reverse=True)


# --- New groups of comments matching no theme --------------------------------------------------


def _fold_words(text: str) -> list[str]:
    from sillage.insights.rollups import fold

    return [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


def _tfidf(docs: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    frequency = Counter(word for doc in docs for word in set(doc))
    vocabulary = sorted(w for w, c in frequency.items() if c >= 2)
    index = {w: i for i, w in enumerate(vocabulary)}
    matrix = np.zeros((len(docs), len(vocabulary)), dtype=np.float32)
    for row, doc in enumerate(docs):
        for word in doc:
            if word in index:
                matrix[row, index[word]] += 1.0
    idf = np.log((1 + len(docs)) / (1 + np.array([frequency[w] for w in vocabulary]))) + 1
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms), vocabulary


def _vectors(organization: Organization, texts: list[str], tfidf: np.ndarray) -> np.ndarray:
    from sillage.textai.processing import embedder

    embed = embedder(organization)
    if embed is None:
        return tfidf
    vectors = np.asarray(embed(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def kmeans(x: np.ndarray, k: int, *, iterations: int = 25, seed: int = 0) -> np.ndarray:
    """Spherical k-means with k-means++ seeding; returns each row's group."""
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(len(x))]]
    for _ in range(1, k):
        distance = np.min(1 - np.stack(centres) @ x.T, axis=0).clip(min=0)
        total = distance.sum()
        pick = rng.choice(len(x), p=distance / total) if total > 0 else rng.integers(len(x))
        centres.append(x[pick])
    centre = np.stack(centres)
    groups = np.zeros(len(x), dtype=int)
    for _ in range(iterations):
        groups = np.argmax(x @ centre.T, axis=1)
        for g in range(k):
            members = x[groups == g]
            if len(members):
                mean = members.mean(axis=0)
                centre[g] = mean / (np.linalg.norm(mean) or 1)
    return groups


@dataclass
class NewTopic:
    words: list[str]
    count: int
    example_ids: list[int] = field(default_factory=list)


def new_topics(organization: Organization, week: date) -> tuple[list[NewTopic], int]:
    """(groups, number of the week's comments matching no theme)."""
    rows = list(
        CommentAnalysis.objects.filter(
            organization=organization,
            day__gte=week,
            day__lt=week + timedelta(days=7),
            themes__isnull=True,
        )
        .order_by("-submitted_at")
        .values_list("response_id", "response__comment")[:MAX_NEW_COMMENTS]
    )
    docs = [_fold_words(text) for _pk, text in rows]
    kept = [(pk, text, doc) for (pk, text), doc in zip(rows, docs, strict=True) if doc]
    if len(kept) < 2 * MIN_GROUP:
        return [], len(rows)
    tfidf, vocabulary = _tfidf([doc for _pk, _t, doc in kept])
    if not vocabulary:
        return [], len(rows)
    x = _vectors(organization, [text for _pk, text, _d in kept], tfidf)
    k = max(1, min(MAX_GROUPS, len(kept) // (2 * MIN_GROUP)))
    groups = kmeans(x, k)
    overall = (tfidf > 0).mean(axis=0)
    topics = []
    for g in range(k):
        members = np.flatnonzero(groups == g)
        if len(members) < MIN_GROUP:
            continue
        presence = (tfidf[members] > 0).mean(axis=0)
        distinct = presence * np.log((presence + 1e-3) / (overall + 1e-3))
        best = [i for i in np.argsort(-distinct)[:3] if presence[i] >= 0.3]
        if not best:
            continue  # no word shared by the group: not a topic, only noise
        centre = x[members].mean(axis=0)
        nearest = members[np.argsort(-(x[members] @ centre))[:EXAMPLES]]
        topics.append(
            NewTopic(
                words=[vocabulary[i] for i in best],
                count=len(members),
                example_ids=[kept[i][0] for i in nearest],
            )
        )
    return sorted(topics, key=lambda t: t.count, reverse=True), len(rows)


# --- The weekly run ----------------------------------------------------------------------------


def topics_compute(*, organization: Organization, week: date) -> list[EmergingTopic]:
    rising = rising_themes(organization, week)
    groups, _unmatched = new_topics(organization, week)
    totals = (
        ThemeDayRollup.objects.filter(organization=organization, week=week, theme=None).aggregate(
            n=Sum("n")
        )["n"]
        or 0
    )
    codes = dict(Theme.objects.filter(organization=organization).values_list("pk", "code"))
    rows = [
        EmergingTopic(
            organization=organization,
            week=week,
            kind=TopicKind.RISING,
            key=codes.get(r.theme_id, str(r.theme_id)),
            theme_id=r.theme_id,
            count=r.count,
            share=r.share,
            baseline_mean=r.mean,
            baseline_sd=r.sd,
            example_ids=_theme_examples(organization, r.theme_id, week),
        )
        for r in rising
    ]
    rows += [
        EmergingTopic(
            organization=organization,
            week=week,
            kind=TopicKind.NEW,
            key=" ".join(g.words)[:120],
            words=g.words,
            count=g.count,
            share=g.count / totals if totals else 0.0,
            example_ids=g.example_ids,
        )
        for g in groups
    ]
    unique: dict[tuple[str, str], EmergingTopic] = {}
    for row in rows:
        unique.setdefault((row.kind, row.key), row)
    with transaction.atomic():
        EmergingTopic.objects.filter(organization=organization, week=week).delete()
        EmergingTopic.objects.bulk_create(list(unique.values()))
        TopicRun.objects.get_or_create(organization=organization, week=week)
    return list(unique.values())


def _theme_examples(organization: Organization, theme_id: int, week: date) -> list[int]:
    return list(
        CommentAnalysis.objects.filter(
            organization=organization,
            day__gte=week,
            day__lt=week + timedelta(days=7),
            themes__theme_id=theme_id,
        )
        .order_by("score", "-submitted_at")
        .values_list("response_id", flat=True)[:EXAMPLES]
    )

"""Corrections that teach: a per-organisation sentiment adapter learnt from corrections.

Features of a comment are the accurate engine's embedding when the organisation uses it,
otherwise hashed word counts (TF-IDF-like, L2-normalised), plus the engine's own sentiment as a
one-hot block, so the adapter starts from the engine and learns where the organisation
disagrees with it. The classifier is a one-vs-rest ridge regression solved in closed form
(numpy only), stored as an .npz blob (no pickle).

Training set: every comment whose sentiment someone corrected (the corrected label), plus as
many uncorrected comments (the engine's label, taken as right since nobody changed it).
"Measurably": accuracy against those labels by k-fold cross-validation, for the engine alone
(before) and with the adapter (after). The adapter is applied only when it does better.
"""

from __future__ import annotations

import io
import json
import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from django.utils import timezone

from sillage.accounts.models import Organization
from sillage.feedback.models import Response
from sillage.textai.engines.base import CommentAnalysis as Result
from sillage.textai.models import CommentAnalysis, Correction, CorrectionField, TextSettings

MIN_CORRECTIONS = 20
LABELS = ("positive", "neutral", "negative")
HASH_DIM = 2048
RIDGE = 1.0
FOLDS = 5
ENGINE_WEIGHT = 2.0
_WORD = re.compile(r"\w+", re.UNICODE)


def _hashed(texts: Sequence[str]) -> np.ndarray:
    matrix = np.zeros((len(texts), HASH_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        words = _WORD.findall(text.casefold())
        for word in words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]:
            matrix[row, zlib.crc32(word.encode()) % HASH_DIM] += 1.0
    np.log1p(matrix, out=matrix)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _embeddings(texts: Sequence[str], embed) -> np.ndarray:
    vectors = np.asarray(embed(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def _features(
    texts: Sequence[str], engine_labels: Sequence[str], kind: str, embed=None
) -> np.ndarray:
    base = _embeddings(texts, embed) if kind == "embedding" and embed else _hashed(texts)
    onehot = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
    for row, label in enumerate(engine_labels):
        if label in LABELS:
            onehot[row, LABELS.index(label)] = ENGINE_WEIGHT
    return np.hstack([base, onehot, np.ones((len(texts), 1), dtype=np.float32)])


def _fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Ridge one-vs-rest in its dual form (few samples, many features)."""
    targets = -np.ones((len(y), len(LABELS)), dtype=np.float32)
    targets[np.arange(len(y)), y] = 1.0
    gram = x @ x.T + RIDGE * np.eye(len(x), dtype=np.float32)
    return x.T @ np.linalg.solve(gram, targets)


def _predict(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.argmax(x @ weights, axis=1)


@dataclass
class TrainingSet:
    texts: list[str]
    engine_labels: list[str]
    targets: list[str]
    corrections: int


def training_set(organization: Organization, *, seed: int = 0) -> TrainingSet:
    latest: dict[int, str] = {}
    for response_id, value in (
        Correction.objects.filter(organization=organization, field=CorrectionField.SENTIMENT)
        .order_by("created_at", "id")
        .values_list("response_id", "new_value")
    ):
        latest[response_id] = value
    corrected = {k: v for k, v in latest.items() if v in LABELS}
    others = list(
        CommentAnalysis.objects.filter(organization=organization, sentiment_corrected=False)
        .exclude(response_id__in=list(corrected))
        .order_by("-submitted_at")
        .values_list("response_id", "sentiment")[: max(200, 4 * len(corrected))]
    )
    random.Random(seed).shuffle(others)  # noqa: S311 - a sample, not a secret
    others = others[: len(corrected)]
    targets = {**corrected, **dict(others)}
    comments = dict(
        Response.objects.filter(organization=organization, pk__in=list(targets)).values_list(
            "pk", "comment"
        )
    )
    ids = [pk for pk in targets if comments.get(pk)]
    texts = [comments[pk] for pk in ids]
    from sillage.textai.processing import engine_for

    engine = engine_for(organization)
    results = engine.analyze(texts) if texts else []
    return TrainingSet(
        texts=texts,
        engine_labels=[r.sentiment for r in results],
        targets=[targets[pk] for pk in ids],
        corrections=len(corrected),
    )


def cross_validate(
    data: TrainingSet, kind: str, folds: int = FOLDS, embed=None
) -> tuple[float, float]:
    """(engine accuracy, adapter accuracy) over k folds of the training set."""
    n = len(data.texts)
    y = np.array([LABELS.index(t) for t in data.targets])
    before = float(np.mean([e == t for e, t in zip(data.engine_labels, data.targets, strict=True)]))
    x = _features(data.texts, data.engine_labels, kind, embed)
    order = np.random.default_rng(0).permutation(n)
    hits = 0
    for fold in range(min(folds, n)):
        test = order[fold::folds]
        train = np.setdiff1d(order, test)
        weights = _fit(x[train], y[train])
        hits += int(np.sum(_predict(weights, x[test]) == y[test]))
    return before, hits / n


def adapter_train(*, organization: Organization) -> dict:
    """Retrain the organisation's adapter from its corrections; returns its metadata."""
    data = training_set(organization)
    settings_row, _created = TextSettings.objects.get_or_create(organization=organization)
    meta: dict = {"corrections": data.corrections, "labels": len(data.texts)}
    if data.corrections < MIN_CORRECTIONS:
        meta["status"] = "waiting"
        settings_row.adapter, settings_row.adapter_meta = None, meta
        settings_row.save(update_fields=["adapter", "adapter_meta", "updated_at"])
        return meta
    from sillage.textai.processing import embedder

    embed = embedder(organization)
    if embed is not None:
        return _train_on_embeddings(settings_row, data, embed, meta)
    kind = "hashed"
    before, after = cross_validate(data, kind)
    x = _features(data.texts, data.engine_labels, kind)
    weights = _fit(x, np.array([LABELS.index(t) for t in data.targets]))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, weights=weights)
    return _save(settings_row, meta, kind, before, after, buffer.getvalue())


def _save(row: TextSettings, meta: dict, kind: str, before: float, after: float, blob: bytes):
    meta.update(
        status="active" if after > before else "not_better",
        kind=kind,
        accuracy_before=round(before, 4),
        accuracy_after=round(after, 4),
        trained_at=timezone.now().isoformat(),
    )
    row.adapter = blob if after > before else None
    row.adapter_meta = meta
    row.save(update_fields=["adapter", "adapter_meta", "updated_at"])
    return meta


def _train_on_embeddings(row: TextSettings, data: TrainingSet, embed, meta: dict) -> dict:
    """The accurate engine's own adapter (`engines.fit_adapter`: logistic regression over its
    embeddings, with the project's training sentences), measured the same way."""
    from sillage.textai.engines import apply_adapter, fit_adapter

    x = np.asarray(embed(data.texts), dtype=np.float32)
    targets = list(data.targets)
    before = float(np.mean([e == t for e, t in zip(data.engine_labels, targets, strict=True)]))
    order = np.random.default_rng(0).permutation(len(targets))
    hits = 0
    for fold in range(min(FOLDS, len(targets))):
        test = order[fold::FOLDS]
        train = np.setdiff1d(order, test)
        adapter = fit_adapter(x[train], [targets[i] for i in train])
        predicted = apply_adapter(adapter, x[test])
        hits += sum(p == targets[i] for p, i in zip(predicted, test, strict=True))
    after = hits / len(targets)
    blob = json.dumps(fit_adapter(x, targets).to_dict()).encode()
    return _save(row, meta, "embedding", before, after, blob)


@dataclass
class Adapter:
    weights: np.ndarray | None
    kind: str
    engine_adapter: dict | None = None

    def apply(
        self, organization: Organization, rows: Sequence[Response], results: Sequence[Result]
    ) -> list[Result]:
        from sillage.textai.processing import embedder

        texts = [r.comment for r in rows]
        if self.kind == "embedding":
            embed = embedder(organization)
            if embed is None or self.engine_adapter is None:
                return list(results)  # trained on embeddings the engine no longer gives
            from sillage.textai.engines import apply_adapter

            labels = apply_adapter(self.engine_adapter, np.asarray(embed(texts)))
        else:
            x = _features(texts, [r.sentiment for r in results], "hashed")
            labels = [LABELS[int(i)] for i in _predict(self.weights, x)]
        adapted = []
        for result, label in zip(results, labels, strict=True):
            if label != result.sentiment and label in LABELS:
                score = {"positive": 0.5, "neutral": 0.0, "negative": -0.5}[label]
                result = replace(result, sentiment=label, score=score)
            adapted.append(result)
        return adapted


def adapter_for(organization: Organization) -> Adapter | None:
    row = (
        TextSettings.objects.filter(organization=organization)
        .values_list("adapter", "adapter_meta")
        .first()
    )
    if not row or not row[0]:
        return None
    kind = (row[1] or {}).get("kind", "hashed")
    if kind == "embedding":
        return Adapter(weights=None, kind=kind, engine_adapter=json.loads(bytes(row[0])))
    with np.load(io.BytesIO(bytes(row[0])), allow_pickle=False) as blob:
        return Adapter(weights=blob["weights"], kind=kind)

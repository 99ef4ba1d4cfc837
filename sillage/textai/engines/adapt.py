"""Small classifiers over sentence embeddings: the e5 engine's sentiment head and the
per-organisation adapters trained from the corrections people make.

Multinomial logistic regression with L2 penalty and balanced class weights, fitted by
full-batch gradient descent (Adam) in numpy: a thousand corrections fit in well under a second.
An adapter is a plain dict when serialised (`to_dict` / `Adapter.from_dict`), so the app can
store it in a JSONField.

    from sillage.textai.engines.adapt import fit_adapter, apply
    adapter = fit_adapter(embed(texts), labels)       # labels: "positive", "neutral", …
    labels = apply(adapter, embed(new_texts))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Adapter:
    classes: tuple[str, ...]
    weights: np.ndarray  # (dim, n_classes)
    bias: np.ndarray  # (n_classes,)
    mean: np.ndarray  # (dim,) centring applied before the linear layer
    trained_on: int = 0  # number of examples

    def decision(self, embeddings: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(embeddings, dtype=np.float32)) - self.mean
        return x @ self.weights + self.bias

    def predict_proba(self, embeddings: np.ndarray) -> np.ndarray:
        return _softmax(self.decision(embeddings))

    def predict(self, embeddings: np.ndarray) -> list[str]:
        if len(np.atleast_2d(embeddings)) == 0 or np.asarray(embeddings).size == 0:
            return []
        return [self.classes[i] for i in self.decision(embeddings).argmax(axis=1)]

    def to_dict(self) -> dict:
        return {
            "classes": list(self.classes),
            "weights": np.round(self.weights, 6).tolist(),
            "bias": np.round(self.bias, 6).tolist(),
            "mean": np.round(self.mean, 6).tolist(),
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Adapter:
        return cls(
            classes=tuple(data["classes"]),
            weights=np.asarray(data["weights"], dtype=np.float32),
            bias=np.asarray(data["bias"], dtype=np.float32),
            mean=np.asarray(data["mean"], dtype=np.float32),
            trained_on=int(data.get("trained_on", 0)),
        )


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_adapter(
    embeddings: np.ndarray,
    labels: Sequence[str],
    *,
    classes: Sequence[str] | None = None,
    l2: float = 1e-3,
    steps: int = 300,
    learning_rate: float = 0.05,
    seed: int = 0,
) -> Adapter:
    """Fit a linear classifier on `embeddings` (n, dim) for `labels` (n strings).

    `classes` fixes the label order (default: sorted distinct labels); a class without
    example gets a very low bias and is never predicted. Deterministic for a given seed.
    """
    x = np.asarray(embeddings, dtype=np.float32)
    if x.ndim != 2 or len(x) != len(labels) or not len(labels):
        raise ValueError("fit_adapter needs one label per embedding row, and at least one row")
    classes = tuple(classes) if classes else tuple(sorted(set(labels)))
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[label] for label in labels])
    n, dim = x.shape
    k = len(classes)
    counts = np.bincount(y, minlength=k).astype(np.float32)
    present = counts > 0
    # Balanced weights: each present class weighs the same in the loss.
    sample_weight = (n / (present.sum() * np.maximum(counts, 1)))[y]
    sample_weight /= sample_weight.sum()
    mean = x.mean(axis=0)
    xc = x - mean
    onehot = np.zeros((n, k), dtype=np.float32)
    onehot[np.arange(n), y] = 1.0

    rng = np.random.default_rng(seed)
    w = rng.normal(0, 1e-3, size=(dim, k)).astype(np.float32)
    b = np.zeros(k, dtype=np.float32)
    m_w = np.zeros_like(w)
    v_w = np.zeros_like(w)
    m_b = np.zeros_like(b)
    v_b = np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        p = _softmax(xc @ w + b)
        g = (p - onehot) * sample_weight[:, None]
        grad_w = xc.T @ g + l2 * w
        grad_b = g.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * grad_w
        v_w = beta2 * v_w + (1 - beta2) * grad_w * grad_w
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b * grad_b
        correction1 = 1 - beta1**step
        correction2 = 1 - beta2**step
        w -= learning_rate * (m_w / correction1) / (np.sqrt(v_w / correction2) + eps)
        b -= learning_rate * (m_b / correction1) / (np.sqrt(v_b / correction2) + eps)
    b = np.where(present, b, -1e4).astype(np.float32)
    return Adapter(classes, w.astype(np.float32), b, mean.astype(np.float32), trained_on=n)


def apply(adapter: Adapter | dict, embeddings: np.ndarray) -> list[str]:
    """The labels `adapter` gives to `embeddings` (an Adapter or its `to_dict()` form)."""
    if isinstance(adapter, dict):
        adapter = Adapter.from_dict(adapter)
    return adapter.predict(embeddings)

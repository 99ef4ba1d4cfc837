"""How fast does an organisation's adapter learn from corrections?

    python -m sillage.textai.evaluation.learning_curve --data DIR [--test-limit N] [--repeats R]

Simulates corrections by drawing labelled examples from a held-out split of each dataset
(Allociné TV "train", airline tweets "pool"), never from the test split, fits an adapter
(`sillage.textai.engines.adapt.fit_adapter`) on their e5 embeddings and measures it on the
test split. Row "0" is the engine's built-in head (trained on the project's own sentences);
each row then gives the adapter fitted on the corrections alone and on the corrections plus
the project's sentences (`fit_org_adapter`). A draw of 1,000 takes the whole drawn pool, so
its repeats agree.
Embeddings are cached under DIR/embeddings/ so that a second run is quick.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

from . import datasets
from .metrics import accuracy, macro_f1
from .run import _setup_django

SIZES = (50, 200, 1000)


def cached_embeddings(texts: list[str], cache_dir: Path) -> np.ndarray:
    from sillage.textai.engines.e5 import embed, model_version

    key = hashlib.sha256(("\x00".join(texts) + model_version()).encode()).hexdigest()[:20]
    path = cache_dir / f"{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = embed(texts)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def curve(name, pool, test, labels, cache_dir, repeats, out=sys.stdout) -> dict[int, float]:
    from sillage.textai.engines.adapt import fit_adapter
    from sillage.textai.engines.e5 import fit_org_adapter, load_head

    binary = len(labels) == 2
    x_test = cached_embeddings([e.text for e in test], cache_dir)
    y_test = [e.label for e in test]
    need = min(len(pool), max(SIZES))
    rng = np.random.default_rng(42)
    pool = [pool[i] for i in rng.permutation(len(pool))[:need]]
    x_pool = cached_embeddings([e.text for e in pool], cache_dir)
    y_pool = [e.label for e in pool]

    def measure(predicted):
        return accuracy(y_test, predicted) if binary else macro_f1(y_test, predicted, labels)

    metric = "accuracy" if binary else "macro-F1"
    results: dict[int, float] = {}
    head = load_head()
    proba = head.predict_proba(x_test)
    if binary:
        predicted = ["positive" if p[2] >= p[0] else "negative" for p in proba]
    else:
        predicted = head.predict(x_test)
    results[0] = measure(predicted)
    print(f"{name} ({len(test)} test examples, {metric})", file=out)
    print(f"  {0:>5} corrections (built-in head): {results[0]:.3f}", file=out)
    for size in SIZES:
        if size > len(pool):
            continue
        scores = []
        for repeat in range(repeats):
            draw = np.random.default_rng(repeat).choice(len(pool), size=size, replace=False)
            adapter = fit_adapter(x_pool[draw], [y_pool[i] for i in draw], classes=labels)
            scores.append(measure(adapter.predict(x_test)))
        results[size] = float(np.mean(scores))
        spread = f" ± {np.std(scores):.3f}" if repeats > 1 else ""
        with_base = []
        for repeat in range(repeats):
            draw = np.random.default_rng(repeat).choice(len(pool), size=size, replace=False)
            adapter = fit_org_adapter(x_pool[draw], [y_pool[i] for i in draw])
            predicted = adapter.predict(x_test)
            if binary:
                proba = adapter.predict_proba(x_test)
                predicted = ["positive" if p[2] >= p[0] else "negative" for p in proba]
            with_base.append(measure(predicted))
        print(
            f"  {size:>5} corrections: {results[size]:.3f}{spread}"
            f"   with the project's sentences: {np.mean(with_base):.3f}",
            file=out,
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("var/textai-data"))
    parser.add_argument("--test-limit", type=int, default=800)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    _setup_django()
    cache = args.data / "embeddings"
    curve(
        "French Allociné TV reviews",
        datasets.allocine_tv(args.data, "train"),
        datasets.subsample(datasets.allocine_tv(args.data, "test"), args.test_limit),
        ("negative", "positive"),
        cache,
        args.repeats,
    )
    curve(
        "English airline tweets",
        datasets.airline(args.data, "pool"),
        datasets.subsample(datasets.airline(args.data, "test"), args.test_limit),
        ("negative", "neutral", "positive"),
        cache,
        args.repeats,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

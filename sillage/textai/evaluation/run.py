"""Measure an engine on the public datasets.

    python -m sillage.textai.evaluation.run --engine lexicon --data DIR [--limit N]

DIR holds the datasets (see docs/text-analytics.md for the layout); a missing file is
downloaded into DIR when the machine is online. Prints one line per measure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import datasets
from .metrics import accuracy, confusion, macro_f1


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def binary(analysis) -> str:
    """French reviews are positive or negative: a neutral verdict goes by the sign of the score."""
    if analysis.sentiment != "neutral":
        return analysis.sentiment
    return "positive" if analysis.score >= 0 else "negative"


def evaluate(engine, data_dir: Path, limit: int | None = None, out=sys.stdout) -> dict[str, float]:
    """Run `engine` on every dataset, print and return the measures."""
    french = datasets.subsample(datasets.allocine_tv(data_dir, "test"), limit)
    english = datasets.subsample(datasets.airline(data_dir, "test"), limit)
    service = datasets.subsample(
        datasets.uci_sentences(data_dir, "yelp") + datasets.uci_sentences(data_dir, "amazon"),
        limit,
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    fr_analyses = engine.analyze([e.text for e in french])
    en_analyses = engine.analyze([e.text for e in english])
    service_analyses = engine.analyze([e.text for e in service])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    count = len(french) + len(english) + len(service)

    results: dict[str, float] = {}
    results["fr_allocine_tv_accuracy"] = accuracy(
        [e.label for e in french], [binary(a) for a in fr_analyses]
    )
    gold = [e.label for e in english]
    predicted = [a.sentiment for a in en_analyses]
    results["en_airline_macro_f1"] = macro_f1(gold, predicted, ("positive", "neutral", "negative"))
    results["en_airline_accuracy"] = accuracy(gold, predicted)
    matrix = confusion(gold, predicted)
    results["en_yelp_amazon_accuracy"] = accuracy(
        [e.label for e in service], [binary(a) for a in service_analyses]
    )
    languages_gold = [e.language for e in (*french, *english, *service)]
    languages = [a.language for a in (*fr_analyses, *en_analyses, *service_analyses)]
    results["language_accuracy"] = accuracy(languages_gold, languages)

    lines = [
        f"engine {engine.name} {engine.version}",
        f"  French Allociné TV reviews, {len(french)} (pos/neg accuracy): "
        f"{results['fr_allocine_tv_accuracy']:.3f}",
        f"  English airline tweets, {len(english)} (3-class macro-F1): "
        f"{results['en_airline_macro_f1']:.3f} (accuracy {results['en_airline_accuracy']:.3f})",
        "    confusion gold->predicted: "
        + ", ".join(f"{g[:3]}->{p[:3]} {n}" for (g, p), n in sorted(matrix.items())),
        f"  English Yelp + Amazon sentences, {len(service)} (pos/neg accuracy): "
        f"{results['en_yelp_amazon_accuracy']:.3f}",
        f"  language detection fr/en, {count}: {results['language_accuracy']:.4f}",
        f"  {count / cpu:.0f} comments per CPU second ({count / elapsed:.0f} per wall second)",
    ]
    print("\n".join(lines), file=out)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="lexicon")
    parser.add_argument("--data", type=Path, default=Path("var/textai-data"))
    parser.add_argument("--limit", type=int, default=None, help="at most N examples per dataset")
    args = parser.parse_args(argv)
    _setup_django()
    from sillage.textai.engines import get_engine

    evaluate(get_engine(args.engine), args.data, args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the text analytics engines, one core each.

    .venv/bin/python bench/textai_engines.py                 # every installed engine
    .venv/bin/python bench/textai_engines.py --engines lexicon --comments 5000

Each engine runs in a fresh child process pinned to one thread (OMP_NUM_THREADS=1, and
`taskset -c 0` when available), so that its load time and memory are its own. Comments are
built from the project's training sentences (one to three sentences each, French and English,
median about 110 characters) with the default taxonomy's themes (keywords and examples).
Printed per engine:
Throughput in comments per second:
- load: import + first call on one comment (the model is mapped and the head loaded);
- comments/s: `engine.analyze` over batches of 64 comments, after that warm-up, per second
  of CPU time of the child (one thread: per core) and per second of wall-clock time (lower
  when the machine is busy);
- peak RSS (ru_maxrss of the child, model included) and the Python-heap peak seen by
  tracemalloc during the analysis (C allocations of the model are not in it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRAIN = ROOT / "sillage" / "textai" / "engines" / "data" / "train_sentiment.jsonl"


def comments(count: int) -> list[str]:
    sentences = [json.loads(line)["text"] for line in TRAIN.read_text().splitlines() if line]
    rng = random.Random(7)
    return [" ".join(rng.sample(sentences, rng.randint(1, 3))) for _ in range(count)]


def child(engine_name: str, count: int) -> None:
    import resource
    import tracemalloc

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from sillage.textai.engines import ThemeSpec, get_engine
    from sillage.textai.taxonomy import DEFAULT_THEMES

    # The default taxonomy every organisation starts with: what the engines really match.
    themes = tuple(
        ThemeSpec(t.code, t.keywords_fr, t.keywords_en, t.examples) for t in DEFAULT_THEMES
    )
    texts = comments(count)
    started = time.perf_counter()
    engine = get_engine(engine_name)
    engine.analyze(texts[:1], themes=themes)
    load = time.perf_counter() - started

    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), 64):
        engine.analyze(texts[i : i + 64], themes=themes)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    tracemalloc.start()  # a separate pass: tracing slows the analysis down
    for i in range(0, min(len(texts), 256), 64):
        engine.analyze(texts[i : i + 64], themes=themes)
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    median_chars = statistics.median(len(t) for t in texts)
    print(
        json.dumps(
            {
                "engine": engine_name,
                "version": engine.version,
                "comments": len(texts),
                "median_chars": median_chars,
                "load_s": load,
                "per_s": len(texts) / elapsed,
                "per_cpu_s": len(texts) / cpu,
                "rss_mb": rss,
                "heap_mb": heap_peak / 2**20,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="*", default=None)
    parser.add_argument("--comments", type=int, default=None, help="default: 5000 / 300 (e5)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.comments)
        return 0

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from sillage.textai.engines import ENGINES, engine_available

    names = args.engines or [name for name in ENGINES if engine_available(name)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "SILLAGE_TEXTAI_THREADS": "1"}
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(
        f"{'engine':<8} {'version':<24} {'comments':>8} {'load s':>7} {'per CPU s':>10} "
        f"{'per wall s':>11} "
        f"{'peak RSS MB':>12} {'py heap MB':>11}"
    )
    for name in names:
        count = args.comments or (300 if name == "e5" else 5000)
        output = subprocess.run(
            [*pin, sys.executable, __file__, "--child", name, "--comments", str(count)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        print(
            f"{row['engine']:<8} {row['version']:<24} {row['comments']:>8} {row['load_s']:>7.2f} "
            f"{row['per_cpu_s']:>10.0f} {row['per_s']:>11.0f} {row['rss_mb']:>12.0f} "
            f"{row['heap_mb']:>11.1f}"
        )
    print(f"(comments of median length {row['median_chars']:.0f} characters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Public labelled datasets used to measure the engines. None is stored in the project.

Each dataset is read from a local folder (`--data DIR`, for air-gapped machines) or, when the
machine is online, downloaded once from its public address into the cache folder. Licences and
sources are documented in docs/text-analytics.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # "positive" | "neutral" | "negative"
    language: str  # "fr" | "en"


@dataclass(frozen=True)
class DatasetFile:
    relative_path: str  # where it lives under DIR
    url: str  # where to download it when online


# French TV-series reviews from Allociné, preprocessed by Dong & de Melo (2018), binary labels.
ALLOCINE_TV = {
    split: DatasetFile(
        f"allocine_tv/{split}.tsv",
        "https://raw.githubusercontent.com/Akram-ch/TP_NLP_2023/main/"
        f"2-python_data_analysis/fr/{split}.tsv",
    )
    for split in ("train", "dev", "test")
}
# Twitter US Airline Sentiment (CrowdFlower "Data for Everyone", 2015), three classes.
AIRLINE = DatasetFile(
    "airline/Tweets.csv",
    "https://raw.githubusercontent.com/Riccocez/Sentiment-Classifier/master/Tweets.csv",
)


# UCI "Sentiment Labelled Sentences" (Kotzias et al., KDD 2015), CC BY 4.0: 1,000 sentences
# each from Yelp restaurant reviews and Amazon phone reviews, positive or negative.
UCI_ZIP = "https://archive.ics.uci.edu/static/public/331/sentiment+labelled+sentences.zip"
UCI_FILES = {"yelp": "yelp_labelled.txt", "amazon": "amazon_cells_labelled.txt"}


def _path(file: DatasetFile, data_dir: Path) -> Path:
    path = data_dir / file.relative_path
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with urllib.request.urlopen(file.url, timeout=60) as response:  # noqa: S310 - fixed https URLs
        path.write_bytes(response.read())
    return path


def allocine_tv(data_dir: Path, split: str = "test") -> list[Example]:
    """Allociné TV-series reviews (fr): label 1 positive, 0 negative; lower-cased, tokenised."""
    examples = []
    text = _path(ALLOCINE_TV[split], data_dir).read_text(encoding="utf-8")
    for line in text.splitlines():
        label, _, review = line.partition("\t")
        if label in ("0", "1") and review.strip():
            examples.append(
                Example(review.strip(), "positive" if label == "1" else "negative", "fr")
            )
    return examples


def _airline_rows(data_dir: Path) -> Iterator[tuple[str, str, str]]:
    raw = _path(AIRLINE, data_dir).read_text(encoding="utf-8", errors="replace")
    for row in csv.DictReader(io.StringIO(raw)):
        label = row.get("airline_sentiment", "")
        if label in ("positive", "neutral", "negative") and row.get("text"):
            yield row["tweet_id"], row["text"], label


def _bucket(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 10


def airline(data_dir: Path, split: str = "test") -> list[Example]:
    """Airline tweets (en). No official split: test = 20% by hash of the tweet id, the rest is
    the "pool" the learning curve draws simulated corrections from (never the test tweets)."""
    wanted = {"test": (0, 1), "pool": (2, 3, 4, 5, 6, 7, 8, 9)}[split]
    return [
        Example(text, label, "en")
        for tweet_id, text, label in _airline_rows(data_dir)
        if _bucket(tweet_id) in wanted
    ]


def subsample(examples: list[Example], limit: int | None) -> list[Example]:
    """Every k-th example so that at most `limit` remain (deterministic, keeps the class mix)."""
    if not limit or len(examples) <= limit:
        return examples
    step = len(examples) / limit
    return [examples[int(i * step)] for i in range(limit)]


def uci_sentences(data_dir: Path, source: str = "yelp") -> list[Example]:
    """UCI sentiment labelled sentences (en), "yelp" or "amazon": label 1 positive, 0 negative."""
    path = data_dir / "uci_sentences" / UCI_FILES[source]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(UCI_ZIP, timeout=60) as response:  # noqa: S310
            archive = zipfile.ZipFile(io.BytesIO(response.read()))
        for name in archive.namelist():
            base = name.rsplit("/", 1)[-1]
            if base in UCI_FILES.values() and "__MACOSX" not in name:
                (path.parent / base).write_bytes(archive.read(name))
    examples = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        text, _, label = line.rpartition("\t")
        if label.strip() in ("0", "1") and text.strip():
            label = "positive" if label.strip() == "1" else "negative"
            examples.append(Example(text.strip(), label, "en"))
    return examples

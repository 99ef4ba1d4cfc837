"""Shared text utilities: accent folding, tokens with offsets, sentences, light stemming.

Pure Python and fast: every engine uses these, so they avoid regex backtracking and
per-character Python loops where a `str.translate` or a compiled pattern does the job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Fold the accented Latin letters of French (and neighbours) to ASCII in one translate call.
_FOLD_FROM = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ’‘`´"
_FOLD_TO = "aaaaaaceeeeiiiinooooouuuuyyoaAAAAAACEEEEIIIINOOOOOUUUUYY''''"
_FOLD_TABLE = str.maketrans(_FOLD_FROM, _FOLD_TO)
_FOLD_TABLE.update({ord("œ"): "oe", ord("æ"): "ae", ord("Œ"): "OE", ord("Æ"): "AE"})


def fold(text: str) -> str:
    """Lower-case and strip accents: "Très DÉÇU" -> "tres decu". Same length for French text."""
    folded = text.lower().translate(_FOLD_TABLE)
    if folded.isascii():
        return folded
    # Rare letters (ō, ș, …): decompose and drop the combining marks.
    return "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))


# A word: letters (any script), possibly joined by apostrophes or inner hyphens.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)?")

# French elided particles split off their word: "n'est" -> "n" + "est".
_ELISIONS = frozenset(
    {"l", "d", "j", "n", "s", "t", "m", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
)


@dataclass(frozen=True, slots=True)
class Token:
    norm: str  # folded form used for look-ups
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Words with their character offsets in `text`; French elisions are split off."""
    tokens: list[Token] = []
    append = tokens.append
    folded = fold(text)
    aligned = len(folded) == len(text)  # then folded offsets are the text's offsets
    for match in _WORD.finditer(folded if aligned else text):
        start = match.start()
        norm = match.group() if aligned else fold(match.group())
        if "'" in norm:
            head, _, rest = norm.partition("'")
            if head in _ELISIONS and rest:
                append(Token(head, start, start + len(head)))
                start += len(head) + 1
                norm = rest
            elif norm.endswith("n't"):  # English contraction: "wasn't" -> "was" + "not"
                base = norm[:-3]
                if base == "ca":  # "can't"
                    base = "can"
                elif base == "wo":  # "won't"
                    base = "will"
                if base:
                    append(Token(base, start, start + len(norm) - 3))
                append(Token("not", match.end() - 3, match.end()))
                continue
        append(Token(norm, start, match.end()))
    return tokens


_SENTENCE_END = re.compile(r"(?:[.!?…]+[\"'»”)\]]*|\n\s*\n|\n(?=\s*[-*•]))\s*|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the sentences of `text`, whitespace trimmed.

    Splits after . ! ? … and at line breaks (comments are often written as lists);
    spans never include the surrounding whitespace, so `text[start:end]` is the sentence.
    """
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        # Keep "3.5", "p.ex." or "www.site.ca" together: a dot glued to the next word.
        end = match.end()
        piece_end = match.start() + len(match.group().rstrip())
        if match.group() in ".?" and text[end : end + 1].isalnum():
            continue
        _add_span(text, position, piece_end, spans)
        position = end
    _add_span(text, position, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(c.isalnum() for c in text[start:end]):
        spans.append((start, end))
    elif end > start and spans:
        # Lone punctuation or emoji after a sentence ("Merci ! :)"): attach it to the previous one.
        previous_start, _ = spans[-1]
        spans[-1] = (previous_start, end)
    elif end > start:
        spans.append((start, end))


_FR_SUFFIXES = (
    "ements",
    "ement",
    "ations",
    "ation",
    "euses",
    "euse",
    "ees",
    "ee",
    "es",
    "e",
    "s",
    "x",
)
_EN_SUFFIXES = ("ings", "ing", "edly", "ed", "ies", "es", "s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, bilingual suffix stripper for folded words (themes, not linguistics).

    "attentes" -> "attent", "attente" -> "attent", "waiting" -> "wait", "fees" -> "fee",
    "conseillere" -> "conseiller". Short words are left alone.
    """
    if len(word) <= 3:
        return word
    for suffix in _EN_SUFFIXES if word.endswith(("ing", "ings", "ed", "edly")) else ():
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    for suffix in _FR_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word

"""Which column of the file feeds which field of a response, and how a mapping is suggested.

A mapping is `{target: column index or None}`; indexes rather than names because exports
repeat names (SurveyMonkey leaves the first header row blank under a multi-column question).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.utils.translation import gettext_lazy as _

TARGETS: tuple[str, ...] = (
    "unit",
    "touchpoint",
    "submitted_at",
    "nps",
    "csat",
    "ces",
    "comment",
    "external_id",
    "language",
    "employee_code",
    "survey",
)
ANSWER_TARGETS = ("nps", "csat", "ces", "comment")
TARGET_LABELS = {
    "unit": _("Unit code"),
    "touchpoint": _("Touchpoint code"),
    "submitted_at": _("Date of the response"),
    "nps": _("NPS (0–10)"),
    "csat": _("CSAT (1–5)"),
    "ces": _("CES (1–7)"),
    "comment": _("Comment"),
    "external_id": _("External id"),
    "language": _("Language"),
    "employee_code": _("Employee code"),
    "survey": _("Survey"),
}
# The column names of Sillage's own template, also offered as a download.
TEMPLATE_COLUMNS = {
    "unit": "unit_code",
    "touchpoint": "touchpoint_code",
    "submitted_at": "submitted_at",
    "nps": "nps",
    "csat": "csat",
    "ces": "ces",
    "comment": "comment",
    "external_id": "external_id",
    "language": "language",
    "employee_code": "employee_code",
    "survey": "survey",
}

# Exact names (normalised), in French and English, that say what a column holds.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "unit": (
        "unit code",
        "unit",
        "code unite",
        "unite",
        "code d unite",
        "branch",
        "branch code",
        "succursale",
        "code succursale",
        "caisse",
        "store",
        "magasin",
        "point de service",
    ),
    "touchpoint": (
        "touchpoint code",
        "touchpoint",
        "point de contact",
        "code point de contact",
        "code du point de contact",
    ),
    "submitted_at": (
        "submitted at",
        "date",
        "submitted",
        "date de reponse",
        "response date",
        "date de la reponse",
        "timestamp",
        "horodateur",
        "horodatage",
        "recorded date",
        "recordeddate",
        "created at",
    ),
    "nps": ("nps", "score nps", "nps score", "recommandation", "likelihood to recommend"),
    "csat": ("csat", "satisfaction", "score csat", "csat score"),
    "ces": ("ces", "effort", "score ces", "ces score", "customer effort"),
    "comment": ("comment", "comments", "commentaire", "commentaires", "verbatim", "remarques"),
    "external_id": (
        "external id",
        "id externe",
        "identifiant externe",
        "response id",
        "responseid",
        "respondent id",
        "id de reponse",
        "id reponse",
        "identifiant de reponse",
        "no de reponse",
        "id du repondant",
    ),
    "language": ("language", "langue", "lang", "userlanguage", "user language"),
    "employee_code": (
        "employee code",
        "code employe",
        "code d employe",
        "matricule",
        "employee",
        "employe",
        "employee id",
    ),
    "survey": ("survey", "sondage", "questionnaire", "survey name", "nom du sondage"),
}

# Words inside a question's text that say what it asks (only for the scores and comment).
HINTS: dict[str, tuple[str, ...]] = {
    "nps": ("recommand", "recommend", "nps"),
    "csat": ("satisf", "csat"),
    "ces": ("effort", "facile", "easy", "ease of"),
    "comment": (
        "comment",
        "pourquoi",
        "why",
        "ameliorer",
        "improve",
        "suggestion",
        "verbatim",
        "remarque",
        "dites nous",
        "tell us",
        "open ended",
        "reponse ouverte",
        "reason for your score",
        "raison de votre note",
        "motif de votre note",
    ),
    # Last, so that a score question mentioning the branch keeps its column.
    "unit": ("succursale", "branch", "code d unite", "unit code"),
}


def normalise(label: object) -> str:
    """Lower case, no accents, punctuation and underscores as single spaces."""
    text = unicodedata.normalize("NFKD", str(label or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def signature(detected_format: str, labels: list[str]) -> str:
    """The same layout gives the same signature, whatever the case, accents or spacing."""
    joined = "\x1f".join(normalise(label) for label in labels)
    return hashlib.sha256(f"{detected_format}\x1e{joined}".encode()).hexdigest()


def empty_mapping() -> dict[str, int | None]:
    return dict.fromkeys(TARGETS)


def suggest(labels: list[str], known: dict[str, int | None] | None = None) -> dict[str, int | None]:
    """Fill the targets not in `known`: exact synonyms first, then words in question texts.

    A column feeds one target at most; earlier columns win (exports put the main question
    before its follow-ups).
    """
    mapping = empty_mapping()
    used: set[int] = set()
    for target, index in (known or {}).items():
        if target in mapping and index is not None and 0 <= index < len(labels):
            mapping[target] = index
            used.add(index)
    names = [normalise(label) for label in labels]
    for target in TARGETS:
        if mapping[target] is not None:
            continue
        for index, name in enumerate(names):
            if index not in used and name in SYNONYMS[target]:
                mapping[target] = index
                used.add(index)
                break
    for target, words in HINTS.items():
        if mapping[target] is not None:
            continue
        for index, name in enumerate(names):
            if name.endswith("option id"):
                continue  # Formbricks' companion column of choice ids, never an answer
            if index not in used and any(word in name for word in words):
                mapping[target] = index
                used.add(index)
                break
    return mapping


def clean(mapping: dict[str, object] | None, width: int) -> dict[str, int | None]:
    """A stored or submitted mapping, reduced to valid column indexes for this file."""
    result = empty_mapping()
    for target in TARGETS:
        value = (mapping or {}).get(target)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < width:
            result[target] = value
    return result

"""The verbatim explorer: the responses behind any figure, newest first, searchable.

Pages are read with a keyset (submitted_at, id) rather than an offset, so the hundredth page
costs what the first does, at millions of comments. Search runs on `VerbatimIndex`, a folded
copy of each comment (lower case, no accents), so "pret" finds "Prêt" and "PRÊTS".
The count shown above the list comes from the rollups whenever the filters can be expressed
there (the same number as the figure that was clicked); otherwise it is counted up to a cap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sillage.accounts.scope import Scope
from sillage.feedback.models import Response
from sillage.insights.metrics import Counts
from sillage.insights.models import VerbatimIndex
from sillage.insights.rollups import _LIGATURES, day_bounds, fold, zone_of
from sillage.insights.selectors import Filters, aggregate

PAGE_SIZE = 25
COUNT_CAP = 1000
MAX_TERMS = 8

# Score bands: the responses behind each figure, and the rollup counter that counts them.
BANDS: dict[str, tuple[Q, str]] = {
    "nps": (Q(nps__isnull=False), "nps_n"),
    "promoter": (Q(nps__gte=9), "promoters"),
    "passive": (Q(nps__in=[7, 8]), "passives"),
    "detractor": (Q(nps__lte=6), "detractors"),
    "csat": (Q(csat__isnull=False), "csat_n"),
    "satisfied": (Q(csat__gte=4), "csat_top2"),
    "unsatisfied": (Q(csat__lte=3), "-csat_top2"),
    "ces": (Q(ces__isnull=False), "ces_n"),
    "easy": (Q(ces__gte=5), "ces_easy"),
    "not_easy": (Q(ces__lte=4), "-ces_easy"),
}
_COMPLEMENT = {"-csat_top2": ("csat_n", "csat_top2"), "-ces_easy": ("ces_n", "ces_easy")}


@dataclass(frozen=True)
class Query:
    filters: Filters
    band: str = ""
    comment: str = ""  # "yes", "no" or "" (any)
    invited: bool = False
    text: str = ""
    sentiment: str = ""  # text analytics: "positive", "neutral", "negative" or ""
    theme: str = ""  # text analytics: a theme code or ""

    @property
    def terms(self) -> list[str]:
        return search_terms(self.text)


def search_terms(text: str) -> list[str]:
    """Folded words and "quoted phrases", two characters or more, at most eight."""
    phrases = re.findall(r'"([^"]+)"', text or "")
    rest = re.sub(r'"[^"]*"', " ", text or "")
    terms: list[str] = []
    for term in [fold(p).strip() for p in phrases] + fold(rest).split():
        if len(term) >= 2 and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _range(scope: Scope, filters: Filters) -> tuple[datetime, datetime]:
    """The filters' local days as [start, end) in UTC."""
    zone = zone_of(scope.organization)
    return day_bounds(filters.start, zone)[0], day_bounds(filters.end, zone)[1]


def responses(
    scope: Scope,
    query: Query,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    indexed: bool = True,
) -> QuerySet[Response]:
    """The viewer's responses matching the explorer's filters (unordered), optionally within
    [since, until] as well: the bounds also narrow the comment search, so that it stays an
    index search on a small range of time."""
    filters = query.filters
    start, end = _range(scope, filters)
    lower = max(start, since) if since else start
    qs = Response.objects.for_scope(scope).filter(submitted_at__gte=lower, submitted_at__lt=end)
    if until is not None:
        qs = qs.filter(submitted_at__lte=until)
    if filters.unit is not None:
        if filters.subunits:
            qs = qs.filter(unit__path__startswith=filters.unit.path)
        else:
            qs = qs.filter(unit=filters.unit)
    for lookup, value in (
        ("touchpoint_id", filters.touchpoint_id),
        ("touchpoint__stage_id", filters.stage_id),
        ("touchpoint__stage__journey_id", filters.journey_id),
        ("survey_id", filters.survey_id),
        ("language", filters.language),
        ("employee_code", filters.employee_code),
    ):
        if value:
            qs = qs.filter(**{lookup: value})
    if query.band in BANDS:
        qs = qs.filter(BANDS[query.band][0])
    if query.comment == "yes":
        qs = qs.exclude(comment="")
    elif query.comment == "no":
        qs = qs.filter(comment="")
    if query.invited:
        qs = qs.filter(invitation__isnull=False)
    if query.sentiment or query.theme:
        from sillage.textai.selectors import filter_responses

        qs = filter_responses(qs, scope.organization, sentiment=query.sentiment, theme=query.theme)
    terms = query.terms
    if terms:
        matches = VerbatimIndex.objects.filter(
            organization=scope.organization, submitted_at__gte=lower, submitted_at__lt=end
        )
        if until is not None:
            matches = matches.filter(submitted_at__lte=until)
        if indexed:
            for term in terms:
                matches = matches.filter(folded__contains=f" {term}")
        else:
            # An expression the trigram index cannot serve: within a short window, reading
            # its few thousand comments beats building the index's list of every match of a
            # common word over years.
            matches = matches.annotate(text=Concat("folded", Value(""), output_field=TextField()))
            for term in terms:
                matches = matches.filter(text__contains=f" {term}")
        qs = qs.filter(pk__in=matches.values("response_id"))
    return qs


def ordered(qs: QuerySet[Response]) -> QuerySet[Response]:
    return qs.order_by("-submitted_at", "-id")


# Newest first means "walk back in time until enough rows match". A rare match (a search
# word, a small unit's detractors) would make the database scan years of responses; a common
# one makes an index search return hundreds of thousands of rows to sort. Looking in growing
# windows back from the newest moment bounds both: each window is a small, indexed range.
# A comment search reads the last two days directly, then asks the trigram index.
WINDOWS = (timedelta(days=7), timedelta(days=35), timedelta(days=180), None)
SEARCH_WINDOWS = (timedelta(days=2), None)


def _windows(
    top: datetime, bottom: datetime, query: Query
) -> Iterator[tuple[datetime | None, bool, bool]]:
    """(lower bound, whether it is the last window, whether the search may use its index)
    for each window; the last one is unbounded."""
    search = bool(query.terms)
    for width in SEARCH_WINDOWS if search else WINDOWS:
        if width is None or top - width <= bottom:
            yield None, True, True
            return
        yield top - width, False, not search


Cursor = tuple[datetime, int]


def _after(qs: QuerySet[Response], cursor: Cursor | None) -> QuerySet[Response]:
    if cursor is None:
        return qs
    moment, pk = cursor
    return qs.filter(Q(submitted_at__lt=moment) | Q(submitted_at=moment, id__lt=pk))


def newest(
    scope: Scope,
    query: Query,
    count: int,
    cursor: Cursor | None = None,
    shape: Callable[[QuerySet[Response]], QuerySet[Response]] = lambda qs: qs,
) -> list[Response]:
    """The `count` newest matching responses after `cursor`, found window by window."""
    bottom, top = _range(scope, query.filters)
    until = cursor[0] if cursor else None
    if until is not None:
        top = min(top, until)
    for since, last, indexed in _windows(top, bottom, query):
        found = responses(scope, query, since=since, until=until, indexed=indexed)
        qs = ordered(_after(found, cursor))
        items = list(shape(qs)[:count])
        if len(items) >= count or last:
            return items
    return []


# --- Counting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    count: int
    exact: bool  # False: "more than COUNT_CAP"


def rollup_counter(query: Query) -> str | None:
    """The rollup counter equal to the number of matching responses, if there is one."""
    if query.text and query.terms or query.invited or query.sentiment or query.theme:
        return None
    if query.band and query.comment:
        return None
    if query.band:
        return BANDS[query.band][1] if query.band in BANDS else None
    return {"yes": "comments", "no": "-comments", "": "n"}.get(query.comment)


def _counter_value(counts: Counts, counter: str) -> int:
    if counter == "-comments":
        return counts.n - counts.comments
    if counter in _COMPLEMENT:
        total, part = _COMPLEMENT[counter]
        return getattr(counts, total) - getattr(counts, part)
    return getattr(counts, counter)


def total(scope: Scope, query: Query) -> Total:
    """From the rollups when they can say it; otherwise counted, window by window, up to
    COUNT_CAP (a search for a common word need not count every match to say "1,000+")."""
    counter = rollup_counter(query)
    if counter is not None:
        counts = aggregate(scope, query.filters, invitations=False).get((), Counts())
        return Total(_counter_value(counts, counter), True)
    bottom, top = _range(scope, query.filters)
    for since, last, indexed in _windows(top, bottom, query):
        found = responses(scope, query, since=since, indexed=indexed)[: COUNT_CAP + 1].count()
        if found > COUNT_CAP:
            return Total(COUNT_CAP, False)
        if last:
            return Total(found, True)
    return Total(0, True)


# --- Pages -------------------------------------------------------------------------------------


def encode_cursor(response: Response) -> str:
    return f"{response.submitted_at.isoformat()}~{response.pk}"


def decode_cursor(raw: str) -> Cursor | None:
    moment, _sep, pk = (raw or "").partition("~")
    try:
        parsed = parse_datetime(moment)
        return (parsed, int(pk)) if parsed is not None and parsed.tzinfo else None
    except ValueError:
        return None


@dataclass
class Page:
    items: list[Response]
    next_cursor: str = ""
    terms: list[str] = field(default_factory=list)


def page(scope: Scope, query: Query, after: str = "", size: int = PAGE_SIZE) -> Page:
    items = newest(
        scope,
        query,
        size + 1,
        decode_cursor(after),
        shape=lambda qs: qs.select_related("unit", "touchpoint__stage__journey", "survey"),
    )
    result = Page(items[:size], terms=query.terms)
    if len(items) > size:
        result.next_cursor = encode_cursor(items[size - 1])
    return result


EXPORT_FIELDS = (
    "id",
    "submitted_at",
    "unit_id",
    "touchpoint_id",
    "survey_id",
    "language",
    "source",
    "nps",
    "csat",
    "ces",
    "comment",
    "employee_code",
    "invitation_id",
)


def iter_responses(scope: Scope, query: Query, chunk: int = 2000) -> Iterator[Response]:
    """Every matching response, newest first, a chunk at a time (keyset): memory stays flat
    and no long-lived server-side cursor is needed, whatever the size of the export."""
    cursor: Cursor | None = None
    while True:
        items = newest(scope, query, chunk, cursor, shape=lambda qs: qs.only(*EXPORT_FIELDS))
        yield from items
        if len(items) < chunk:
            return
        cursor = (items[-1].submitted_at, items[-1].pk)


# --- Highlighting ------------------------------------------------------------------------------


def _fold_char(char: str) -> str:
    text = unicodedata.normalize("NFKD", char.translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]", " ", text)


def highlight(text: str, terms: list[str]) -> SafeString:
    """The comment, escaped, with each place a search term matches wrapped in <mark>.

    Matching is done on the folded text (as the search is), then mapped back to the
    original characters, so "pret" marks "Prêt" with its accent."""
    if not terms or not text:
        return escape(text)
    folded: list[str] = []
    owners: list[int] = []
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            if piece == " " and (not folded or folded[-1] == " "):
                continue  # spaces collapse, as in the index
            folded.append(piece)
            owners.append(index)
    haystack = "".join(folded)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for match in re.finditer(re.escape(term), haystack):
            start = match.start()
            if start > 0 and haystack[start - 1] != " ":
                continue  # words are matched from their start, as the search does
            end = match.end()
            while end < len(haystack) and haystack[end] != " ":
                end += 1  # mark the whole word: "pret" marks "prêts"
            spans.append((owners[start], owners[end - 1] + 1))
    if not spans:
        return escape(text)
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, position = [], 0
    for start, end in merged:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above

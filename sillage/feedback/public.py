"""Helpers of the customer's answer page: token resolution, language, rendering data and
anti-abuse checks (signed fill-time stamp, honeypot, per-IP rate limit).

The customer's IP address is never stored: the rate limit counts in the cache under a salted
HMAC of the address, which expires with its window.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection
from django.http import HttpRequest, QueryDict
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sillage.accounts.models import Organization, Unit
from sillage.db.columns import SqlColumns
from sillage.feedback.definition import text_in
from sillage.feedback.ingest_lookups import published_definition
from sillage.feedback.models import (
    SCORE_TYPES,
    Invitation,
    QuestionType,
    Response,
    Source,
    Survey,
    SurveyLink,
    SurveyStatus,
    SurveyVersion,
    Touchpoint,
)

LANGUAGES = ("fr", "en")
# The page's own form fields hold a dot, which a question key (a slug) cannot: they never
# collide with an answer. The link's parameters keep their short names (?lang=, ?e=, ?tp=,
# ?embed=1).
FORM_FIELDS = {
    "lang": "sv.lang",
    "stamp": "sv.stamp",
    "e": "sv.e",
    "tp": "sv.tp",
    "embed": "sv.embed",
}
STAMP_FIELD = FORM_FIELDS["stamp"]
# Named like a field that bots fill in; a survey's own "website" question moves it aside.
HONEYPOT_FIELDS = ("website", "homepage_url")
STAMP_SALT = "sillage.feedback.public.stamp"
# A stamp older than this is refused as expired: the page is re-rendered with a fresh one and
# everything typed is kept, so a tab left open over a weekend costs one more click.
STAMP_MAX_AGE = 2 * 24 * 3600
RATE_SALT = "sillage.feedback.public.rate"
DEFAULT_MIN_SECONDS = 3
DEFAULT_RATE_LIMIT = (20, 600)  # submissions per window (seconds), per IP and token
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FALLBACK_COLOUR = "#0B6E4F"


# --- Token resolution -------------------------------------------------------------------


@dataclass
class Target:
    """What a public token designates: where the answer goes and how it was reached."""

    token: str
    organization: Organization
    survey: Survey
    unit: Unit
    touchpoint: Touchpoint | None
    link: SurveyLink | None = None
    invitation: Invitation | None = None
    # The latest published version, when read with the token (a link's usual case).
    latest: SurveyVersion | None = None
    latest_known: bool = False

    @property
    def is_open(self) -> bool:
        return (self.link is None or self.link.is_active) and (
            self.survey.status == SurveyStatus.PUBLISHED
        )

    def version(self) -> SurveyVersion | None:
        """The survey's latest published version, or None while it is not open."""
        if not self.is_open:
            return None
        if self.latest_known:
            return self.latest
        return self.survey.latest_version()

    def already_answered(self) -> bool:
        # Ask the database rather than a cached accessor: a concurrent request may have
        # answered since the invitation was loaded.
        return (
            self.invitation is not None
            and Response.objects.filter(invitation=self.invitation).exists()
        )

    def source(self, *, embedded: bool) -> str:
        if self.invitation is not None:
            return Source.EMAIL
        return Source.WIDGET if embedded else Source.LINK

    def touchpoint_for(self, code: str) -> Touchpoint | None:
        """The link's touchpoint, or another of the organisation's touchpoints named by the
        widget's `data-touchpoint` (a site may embed one link on several of its pages)."""
        code = (code or "").strip()[:60]
        if self.link is None or not code or (self.touchpoint and code == self.touchpoint.code):
            return self.touchpoint
        other = Touchpoint.objects.filter(organization=self.organization, code=code).first()
        return other or self.touchpoint


def resolve_token(token: str) -> Target | None:
    """A survey link (many answers) or an invitation (one answer); None when unknown."""
    if not token or len(token) > 32:
        return None
    link_target = _link_target(token)
    if link_target is not None:
        return link_target
    invitation = (
        Invitation.objects.select_related("organization", "survey", "unit", "touchpoint", "contact")
        .filter(token=token)
        .first()
    )
    if invitation is not None:
        return Target(
            token=token,
            organization=invitation.organization,
            survey=invitation.survey,
            unit=invitation.unit,
            touchpoint=invitation.touchpoint,
            invitation=invitation,
        )
    return None


@functools.cache
def _link_query() -> tuple[str, list[SqlColumns]]:
    """One query for a link, its organisation, survey, unit and touchpoint, and the header
    of the survey's latest version (its definition is kept per process: versions never
    change once published)."""
    columns = [
        SqlColumns(SurveyLink, "l"),
        SqlColumns(Organization, "o"),
        SqlColumns(Survey, "s"),
        SqlColumns(Unit, "u"),
        SqlColumns(Touchpoint, "tp"),
    ]
    versions = SurveyVersion._meta.db_table
    sql = (
        f"SELECT {', '.join(c.sql for c in columns)}, v.id, v.number, v.published_at "  # noqa: S608
        f"FROM {SurveyLink._meta.db_table} l "
        f"INNER JOIN {Organization._meta.db_table} o ON o.id = l.organization_id "
        f"INNER JOIN {Survey._meta.db_table} s ON s.id = l.survey_id "
        f"INNER JOIN {Unit._meta.db_table} u ON u.id = l.unit_id "
        f"LEFT OUTER JOIN {Touchpoint._meta.db_table} tp ON tp.id = l.touchpoint_id "
        f"LEFT OUTER JOIN {versions} v ON v.id = (SELECT w.id FROM {versions} w "
        "WHERE w.survey_id = s.id ORDER BY w.number DESC LIMIT 1) "
        "WHERE l.token = %s"
    )
    return sql, columns


def _link_target(token: str) -> Target | None:
    sql, columns = _link_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token])
        row = cursor.fetchone()
    if row is None:
        return None
    objects = []
    start = 0
    for part in columns:
        end = start + len(part.names)
        objects.append(part.build(row[start:end]) if row[start] is not None else None)
        start = end
    link, organization, survey, unit, touchpoint = objects
    for child in (link, survey, unit, touchpoint):
        if child is not None:
            child.organization = organization
    link.survey, link.unit, link.touchpoint = survey, unit, touchpoint
    version_id, number, published_at = row[start:]
    latest = None
    if version_id is not None:
        latest = SurveyVersion.from_db(
            DEFAULT_DB_ALIAS,
            ["id", "organization_id", "survey_id", "number", "definition"],
            [
                version_id,
                organization.pk,
                survey.pk,
                number,
                published_definition(version_id, published_at),
            ],
        )
        latest.survey = survey
    return Target(
        token=token,
        organization=organization,
        survey=survey,
        unit=unit,
        touchpoint=touchpoint,
        link=link,
        latest=latest,
        latest_known=True,
    )


# --- Language ---------------------------------------------------------------------------


def browser_language(request: HttpRequest) -> str | None:
    """The first of French or English in the browser's Accept-Language, by preference."""
    ranked: list[tuple[float, int, str]] = []
    header = request.headers.get("Accept-Language", "")
    for position, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower()[:2]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def choose_language(request: HttpRequest, target: Target | None = None) -> str:
    """An explicit choice (the switch, or the form's hidden field), else the browser's
    language, else the invited contact's, else the organisation's, else French."""
    explicit = page_param(request, "lang")
    if explicit in LANGUAGES:
        return explicit
    language = browser_language(request)
    if language:
        return language
    if target is not None:
        if target.invitation is not None and target.invitation.contact.language in LANGUAGES:
            return target.invitation.contact.language
        if target.organization.default_language in LANGUAGES:
            return target.organization.default_language
    return "fr"


def page_param(request: HttpRequest, name: str, limit: int = 60) -> str:
    """A parameter of the page: from the submitted form, else from the link's query."""
    value = request.POST.get(FORM_FIELDS[name]) or request.GET.get(name) or ""
    return value.strip()[:limit]


def switch_links(request: HttpRequest, current: str) -> list[dict[str, Any]]:
    """The FR/EN switch: plain links (no script, no cookie) keeping the page's parameters."""
    links = []
    for code, label in (("fr", "Français"), ("en", "English")):
        query = QueryDict(mutable=True)
        for name in ("e", "tp", "embed"):
            value = page_param(request, name)
            if value:
                query[name] = value
        query["lang"] = code
        links.append(
            {
                "code": code,
                "label": label,
                "url": f"?{query.urlencode()}",
                "current": code == current,
            }
        )
    return links


# --- Brand colour -----------------------------------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def brand_colours(organization: Organization | None) -> dict[str, str]:
    """The organisation's colour and the text colour (white or near-black) that contrasts
    most with it, so that a pale brand colour still gives readable buttons and choices."""
    colour = getattr(organization, "brand_colour", "") or FALLBACK_COLOUR
    if not HEX_COLOUR.match(colour):  # the value goes into a <style> block: be strict
        colour = FALLBACK_COLOUR
    luminance = _luminance(colour)
    white = 1.05 / (luminance + 0.05)
    dark = (luminance + 0.05) / (_luminance("#1A2420") + 0.05)
    return {"brand": colour, "ink": "#FFFFFF" if white >= dark else "#1A2420"}


# --- Rendering data ---------------------------------------------------------------------


@dataclass
class Text:
    """A survey text in the page's language; `lang` is set when it fell back to the other
    language, so that the template marks it (lang attribute and a visible note)."""

    value: str
    lang: str | None = None


@dataclass
class Point:
    value: str
    label: str
    description: str = ""  # the end point's label, read with the number by screen readers
    checked: bool = False
    lang: str | None = None  # set when the choice's label fell back to the other language


@dataclass
class QuestionView:
    key: str
    type: str
    widget: str  # scale, single, multiple, short_text, long_text, consent
    text: Text
    help: Text
    required: bool
    points: list[Point] = field(default_factory=list)
    low_label: Text | None = None
    high_label: Text | None = None
    value: str = ""
    error: str = ""
    condition: dict[str, Any] | None = None
    condition_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # consent: name, email, phone

    @property
    def dom_id(self) -> str:
        return f"q-{self.key}"

    @property
    def first_control_id(self) -> str:
        """Where the error summary's link sends the focus."""
        if self.widget in {"scale", "single", "multiple"} and self.points:
            return f"{self.dom_id}-0"
        if self.widget == "consent":
            if self.value == "yes" and self.error:
                return f"{self.dom_id}-email"
            return f"{self.dom_id}-yes"
        return self.dom_id

    @property
    def is_long_scale(self) -> bool:
        return len(self.points) > 7

    @property
    def error_on_details(self) -> bool:
        """A consent's "leave an email or a phone" message belongs next to those fields."""
        return self.widget == "consent" and self.value == "yes" and bool(self.error)

    @property
    def described_by(self) -> str:
        ids = []
        if self.condition_text:
            ids.append(f"{self.dom_id}-cond")
        if self.help.value:
            ids.append(f"{self.dom_id}-help")
        if self.error and not self.error_on_details:
            ids.append(f"{self.dom_id}-error")
        return " ".join(ids)

    def detail_described_by(self, name: str) -> str:
        ids = [f"{self.dom_id}-details-help"]
        if self.error_on_details and name in {"email", "phone"}:
            ids.append(f"{self.dom_id}-details-error")
        if self.extra.get(name, {}).get("error"):
            ids.append(f"{self.dom_id}-{name}-error")
        return " ".join(ids)


DEFAULT_SCALE_LABELS = {
    QuestionType.NPS: (gettext_lazy("Not at all likely"), gettext_lazy("Extremely likely")),
    QuestionType.CSAT: (gettext_lazy("Very dissatisfied"), gettext_lazy("Very satisfied")),
    QuestionType.CES: (gettext_lazy("Very difficult"), gettext_lazy("Very easy")),
}


def localized(pair: dict[str, str] | None, language: str) -> Text:
    value, fell_back = text_in(pair, language)
    return Text(value, ("en" if language == "fr" else "fr") if fell_back else None)


def _scale_labels(question: dict[str, Any], language: str) -> tuple[Text | None, Text | None]:
    labels = question.get("labels") or {}
    low = localized(labels.get("min"), language)
    high = localized(labels.get("max"), language)
    defaults = DEFAULT_SCALE_LABELS.get(question["type"])
    if defaults:
        low = low if low.value else Text(str(defaults[0]))
        high = high if high.value else Text(str(defaults[1]))
    return (low if low.value else None), (high if high.value else None)


def condition_text(condition: dict[str, Any], questions: dict[str, dict[str, Any]]) -> str:
    """The condition of a follow-up question in words, shown when no script reveals it."""
    parent = questions.get(condition["key"], {})
    low, high = condition.get("min"), condition.get("max")
    scale_low, scale_high = parent.get("min"), parent.get("max")
    if low is not None and low == high:
        return _("If you gave %(value)s") % {"value": low}
    if high is not None and (low is None or low == scale_low):
        return _("If you gave %(max)s or less") % {"max": high}
    if low is not None and (high is None or high == scale_high):
        return _("If you gave %(min)s or more") % {"min": low}
    return _("If you gave between %(min)s and %(max)s") % {"min": low, "max": high}


def _values(data: QueryDict | None, key: str) -> list[str]:
    return data.getlist(key) if data is not None else []


def question_views(
    definition: dict[str, Any],
    language: str,
    data: QueryDict | None = None,
    errors: dict[str, str] | None = None,
) -> list[QuestionView]:
    """Everything the template needs for each question, with the customer's typed values
    (`data`, on a re-render) and the validator's messages (`errors`). Call inside
    `translation.override(language)`."""
    errors = errors or {}
    by_key = {q["key"]: q for q in definition["questions"]}
    views = []
    for question in definition["questions"]:
        key, kind = question["key"], question["type"]
        values = _values(data, key)
        view = QuestionView(
            key=key,
            type=kind,
            widget="scale",
            text=localized(question.get("text"), language),
            help=localized(question.get("help"), language),
            required=bool(question.get("required")),
            value=values[0] if values else "",
            error=errors.get(key, ""),
        )
        if kind in SCORE_TYPES or kind == QuestionType.RATING:
            view.low_label, view.high_label = _scale_labels(question, language)
            numbers = range(int(question["min"]), int(question["max"]) + 1)
            view.points = [Point(str(n), str(n), checked=str(n) == view.value) for n in numbers]
            if view.points and view.low_label:
                view.points[0].description = view.low_label.value
            if view.points and view.high_label:
                view.points[-1].description = view.high_label.value
        elif kind in {QuestionType.SINGLE, QuestionType.MULTIPLE}:
            view.widget = kind
            view.points = []
            for choice in question.get("choices", []):
                label = localized(choice.get("label"), language)
                view.points.append(
                    Point(
                        choice["value"],
                        label.value,
                        checked=choice["value"] in values,
                        lang=label.lang,
                    )
                )
        elif kind in {QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT}:
            view.widget = kind
        elif kind == QuestionType.CONSENT:
            view.widget = "consent"
            if not view.text.value:
                view.text = Text(_("May we contact you about your answer?"))
            view.value = view.value if view.value in {"yes", "no"} else ""
            view.extra = {
                name: {
                    "value": (_values(data, f"{key}_{name}") or [""])[0],
                    "error": errors.get(f"{key}_{name}", ""),
                }
                for name in ("name", "email", "phone")
            }
            for name, sub in view.extra.items():
                sub["described_by"] = view.detail_described_by(name)
        else:
            continue
        if question.get("show_if"):
            view.condition = question["show_if"]
            view.condition_text = condition_text(question["show_if"], by_key)
        views.append(view)
    return views


@dataclass
class SummaryItem:
    message: str
    target: str


def error_summary(views: list[QuestionView], form_errors: list[str]) -> list[SummaryItem]:
    """The list at the top of the page, in question order, each linking to its field."""
    items = [SummaryItem(message, "") for message in form_errors]
    for view in views:
        if view.error:
            items.append(SummaryItem(view.error, view.first_control_id))
        for name, sub in view.extra.items():
            if sub["error"]:
                items.append(SummaryItem(sub["error"], f"{view.dom_id}-{name}"))
    return items


def answers_data(data: QueryDict) -> dict[str, list[str]]:
    """Form fields as validate_answers reads them: every field as its list of values."""
    return {key: data.getlist(key) for key in data}


# --- Anti-abuse -------------------------------------------------------------------------


def min_seconds() -> float:
    return float(getattr(settings, "SILLAGE_SURVEY_MIN_SECONDS", DEFAULT_MIN_SECONDS))


def issue_stamp(token: str) -> str:
    """A signed "page served at" time, bound to the token: checked on submission."""
    return signing.dumps({"t": token, "at": time.time()}, salt=STAMP_SALT, compress=True)


class BadStamp(Exception):
    """The stamp is missing, altered, expired or made for another token."""


def stamp_age(value: str, token: str) -> float:
    """Seconds since the page carrying this stamp was served."""
    try:
        payload = signing.loads(value or "", salt=STAMP_SALT, max_age=STAMP_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise BadStamp from error
    if not isinstance(payload, dict) or payload.get("t") != token:
        raise BadStamp
    try:
        return time.time() - float(payload["at"])
    except (KeyError, TypeError, ValueError) as error:
        raise BadStamp from error


def is_too_fast(age: float) -> bool:
    return age < min_seconds()


def honeypot_field(definition: dict[str, Any]) -> str:
    keys = {q["key"] for q in definition["questions"]}
    return next(name for name in HONEYPOT_FIELDS if name not in keys)


def honeypot_filled(definition: dict[str, Any], data: QueryDict) -> bool:
    return bool(data.get(honeypot_field(definition), "").strip())


def rate_limit() -> tuple[int, int]:
    """(submissions, seconds) from SILLAGE_PUBLIC_RATE_LIMIT: a pair or "20/600"."""
    value = getattr(settings, "SILLAGE_PUBLIC_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    if isinstance(value, str):
        count, _sep, seconds = value.partition("/")
        return int(count), int(seconds or DEFAULT_RATE_LIMIT[1])
    count, seconds = value
    return int(count), int(seconds)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind N trusted reverse proxies (SILLAGE_PROXY_COUNT), the
    N-th address from the right of X-Forwarded-For, the one the outermost proxy saw."""
    proxies = int(getattr(settings, "SILLAGE_PROXY_COUNT", 0))
    if proxies > 0:
        chain = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",")]
        chain = [p for p in chain if p]
        if len(chain) >= proxies:
            return chain[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_key(request: HttpRequest, token: str) -> str:
    # A salted HMAC, never the address itself: the cache may be shared or dumped.
    digest = salted_hmac(RATE_SALT, f"{client_ip(request)}|{token}", algorithm="sha256")
    return f"sillage:public-rate:{digest.hexdigest()}"


def rate_limited(request: HttpRequest, token: str) -> bool:
    """Count this submission; True when it is over the limit for its IP and token."""
    count, window = rate_limit()
    if count <= 0:
        return False
    key = rate_limit_key(request, token)
    if cache.add(key, 1, timeout=window):
        return count < 1
    try:
        return cache.incr(key) > count
    except ValueError:  # the window expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return False

"""The customer's answer page `/s/<token>`, its thank-you page, the embeddable widget
`/w/<token>.js`, and the staff preview of a draft survey in a phone frame.

How the public page protects itself, and why:
- It keeps no CSRF token (csrf_exempt). Customers answer anonymously, often inside another
  site's iframe, where the browser does not send SameSite=Lax cookies, or with cookies
  blocked: a CSRF cookie would turn those answers into 403s. CSRF protects a signed-in
  session; this page has none and sets no cookie, so a forged submission gains nothing that a
  direct one would not. What stands in its place: a signed "page served at" stamp bound to
  the token (a submission must come from a page we served, at least
  SILLAGE_SURVEY_MIN_SECONDS earlier), a honeypot field, a per-IP rate limit per token, and
  the database's one-response-per-invitation constraint.
- A bot (honeypot filled, or faster than the minimum fill time) is redirected to the
  thank-you page exactly like a person, but nothing is stored: it learns nothing to adapt to.
- The customer's IP address is never stored: it only feeds a salted hash used as a cache key
  for the rate limit.
- Survey pages may be framed by any site (the widget); staff pages may not.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from csp.constants import NONCE
from csp.decorators import csp_replace, csp_update
from django.contrib.staticfiles import finders
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import (
    xframe_options_exempt,
    xframe_options_sameorigin,
)
from django.views.decorators.csrf import csrf_exempt

from sillage.accounts.decorators import org_view
from sillage.accounts.models import Organization
from sillage.accounts.scope import Perm, Scope
from sillage.feedback import public
from sillage.feedback.definition import survey_definition, validate_answers
from sillage.feedback.models import Survey, SurveyVersion
from sillage.feedback.services import AlreadyAnswered, response_create

# The public page carries one <style> (the organisation's colour) and one small <script>
# (progressive reveal of follow-up questions, iframe height), both with a per-response nonce.
PAGE_CSP = {"style-src": [NONCE], "script-src": [NONCE]}
FRAMEABLE_BY_ANY_SITE = {"frame-ancestors": ["*"]}
FRAMEABLE_BY_SELF = {"frame-ancestors": ["'self'"]}
WIDGET_MAX_AGE = 300  # seconds: a deactivated link stops showing within five minutes


class SeeOther(HttpResponseRedirect):
    """303: after a POST, the browser fetches the next page with GET."""

    status_code = 303


def _render(
    request: HttpRequest,
    template: str,
    language: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    organization = context.get("organization")
    with translation.override(language):
        response = render(
            request,
            template,
            {
                "language": language,
                "brand": public.brand_colours(organization),
                "switch": public.switch_links(request, language),
                "embedded": _embedded(request),
                **context,
            },
            status=status,
        )
    response["Content-Language"] = language
    return response


def _embedded(request: HttpRequest) -> bool:
    return public.page_param(request, "embed") == "1"


def _thanks_url(request: HttpRequest, token: str, language: str) -> str:
    query = {"lang": language}
    if _embedded(request):
        query["embed"] = "1"
    return f"{reverse('public_thanks', args=[token])}?{urlencode(query)}"


def _form_page(
    request: HttpRequest,
    *,
    language: str,
    definition: dict[str, Any],
    organization: Organization,
    stamp: str,
    data: QueryDict | None = None,
    errors: dict[str, str] | None = None,
    form_errors: list[str] | None = None,
    status: int = 200,
    preview: bool = False,
) -> HttpResponse:
    with translation.override(language):
        questions = public.question_views(definition, language, data, errors)
        summary = public.error_summary(questions, form_errors or [])
    return _render(
        request,
        "feedback/public/survey.html",
        language,
        {
            "organization": organization,
            "survey_name": public.localized(definition.get("name"), language),
            "intro": public.localized(definition.get("intro"), language),
            "questions": questions,
            "any_required": any(q.required for q in questions),
            "summary": summary,
            "stamp": stamp,
            "fields": public.FORM_FIELDS,
            "honeypot": public.honeypot_field(definition),
            "employee_code": public.page_param(request, "e", 40),
            "touchpoint_code": public.page_param(request, "tp"),
            "action": request.get_full_path(),
            "preview": preview,
        },
        status=status,
    )


def _simple_page(
    request: HttpRequest, template: str, language: str, target: public.Target | None, status: int
) -> HttpResponse:
    organization = target.organization if target is not None else None
    return _render(request, template, language, {"organization": organization}, status=status)


@csrf_exempt
@xframe_options_exempt
@csp_update(PAGE_CSP)
@csp_replace(FRAMEABLE_BY_ANY_SITE)
@never_cache
def public_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey behind a link or invitation token, answerable without JavaScript."""
    target = public.resolve_token(token)
    language = public.choose_language(request, target)
    if target is None:
        return _simple_page(request, "feedback/public/not_found.html", language, None, 404)
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    version = target.version()
    if version is None:
        return _simple_page(request, "feedback/public/unavailable.html", language, target, 404)
    if target.already_answered():
        status = 409 if request.method == "POST" else 200
        return _simple_page(
            request, "feedback/public/already_answered.html", language, target, status
        )
    if request.method == "POST":
        return _submit(request, target, version, language)
    return _form_page(
        request,
        language=language,
        definition=version.definition,
        organization=target.organization,
        stamp=public.issue_stamp(token),
    )


def _submit(
    request: HttpRequest, target: public.Target, version: SurveyVersion, language: str
) -> HttpResponse:
    data = request.POST
    page = {
        "language": language,
        "definition": version.definition,
        "organization": target.organization,
        "data": data,
    }
    if public.rate_limited(request, target.token):
        message = _(
            "Many answers were sent from your connection in a short time. Please wait a few "
            "minutes, then send your answers again: they are kept below."
        )
        stamp = data.get(public.STAMP_FIELD, "") or public.issue_stamp(target.token)
        return _form_page(request, **page, stamp=stamp, form_errors=[message], status=429)
    if public.honeypot_filled(version.definition, data):
        return SeeOther(_thanks_url(request, target.token, language))
    try:
        age = public.stamp_age(data.get(public.STAMP_FIELD, ""), target.token)
    except public.BadStamp:
        message = _(
            "We could not check this form (it may have expired). Your answers are kept: "
            "please send them again."
        )
        stamp = public.issue_stamp(target.token)
        return _form_page(request, **page, stamp=stamp, form_errors=[message], status=422)
    if public.is_too_fast(age):
        return SeeOther(_thanks_url(request, target.token, language))
    with translation.override(language):
        validated = validate_answers(version.definition, public.answers_data(data))
    if not validated.ok:
        stamp = data[public.STAMP_FIELD]
        return _form_page(request, **page, stamp=stamp, errors=validated.errors, status=422)
    employee_code = public.page_param(request, "e", 40)
    if not employee_code and target.invitation is not None:
        employee_code = target.invitation.employee_code
    try:
        response_create(
            organization=target.organization,
            unit=target.unit,
            touchpoint=target.touchpoint_for(public.page_param(request, "tp")),
            source=target.source(embedded=_embedded(request)),
            validated=validated,
            language=language,
            survey_version=version,
            link=target.link,
            invitation=target.invitation,
            employee_code=employee_code,
        )
    except AlreadyAnswered:
        return _simple_page(request, "feedback/public/already_answered.html", language, target, 409)
    return SeeOther(_thanks_url(request, target.token, language))


@xframe_options_exempt
@csp_update(PAGE_CSP)
@csp_replace(FRAMEABLE_BY_ANY_SITE)
def public_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """The survey's own thank-you text, in the customer's language."""
    target = public.resolve_token(token)
    language = public.choose_language(request, target)
    if target is None:
        return _simple_page(request, "feedback/public/not_found.html", language, None, 404)
    version = target.survey.latest_version()
    thanks = public.localized(version.definition.get("thanks") if version else None, language)
    return _render(
        request,
        "feedback/public/thanks.html",
        language,
        {"organization": target.organization, "thanks": thanks},
    )


@lru_cache(maxsize=1)
def _widget_source() -> str:
    path = finders.find("feedback/widget.js")
    with open(path, encoding="utf-8") as handle:  # noqa: PTH123 - a plain read
        return handle.read()


def _widget_labels() -> dict[str, dict[str, str]]:
    labels = {}
    for language in public.LANGUAGES:
        with translation.override(language):
            labels[language] = {
                "open": _("Give feedback"),
                "close": _("Close"),
                "title": _("Customer survey"),
            }
    return labels


def public_widget_js(request: HttpRequest, token: str) -> HttpResponse:
    """The widget: the script of static/feedback/widget.js, called with this link's settings.

    The page that includes it chooses `data-mode="modal"` (a floating button opening a dialog)
    or `"inline"` (the survey inserted after the script tag).
    """
    target = public.resolve_token(token)
    if target is None or target.link is None or target.version() is None:
        response = HttpResponse(
            "/* Sillage: this survey link is unknown or not open. */\n",
            content_type="text/javascript; charset=utf-8",
            status=404,
        )
        response["Cache-Control"] = "no-cache"
        return response
    page_url = request.build_absolute_uri(reverse("public_survey", args=[token]))
    config = {
        "url": f"{page_url}?embed=1",
        "origin": f"{request.scheme}://{request.get_host()}",
        "colour": public.brand_colours(target.organization),
        "labels": _widget_labels(),
    }
    body = f"({_widget_source().strip()})({json.dumps(config)}, document.currentScript);\n"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={WIDGET_MAX_AGE}"
    return response


# --- Staff preview --------------------------------------------------------------------


def _preview_language(request: HttpRequest) -> str:
    explicit = public.page_param(request, "lang")
    if explicit in public.LANGUAGES:
        return explicit
    current = (translation.get_language() or "fr")[:2]
    return current if current in public.LANGUAGES else "fr"


@org_view(Perm.VIEW_SURVEYS)
def survey_preview(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    """The draft as a customer would see it on a phone, with a French/English switch."""
    survey = get_object_or_404(Survey.objects.for_scope(scope), pk=survey_id)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    language = _preview_language(request)
    frame_url = reverse("survey_preview_frame", args=[scope.organization.slug, survey.pk])
    return render(
        request,
        "feedback/surveys/preview.html",
        {
            "survey": survey,
            "preview_language": language,
            "frame_url": f"{frame_url}?{urlencode({'lang': language})}",
            "languages": [("fr", "Français"), ("en", "English")],
        },
    )


@csrf_exempt  # nothing is ever stored from the preview: a forged POST changes nothing
@xframe_options_sameorigin
@csp_update(PAGE_CSP)
@csp_replace(FRAMEABLE_BY_SELF)
@org_view(Perm.VIEW_SURVEYS)
def survey_preview_frame(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    """The page inside the preview's phone frame: the draft definition, validated like the
    real page on submission, and never stored."""
    survey = get_object_or_404(Survey.objects.for_scope(scope), pk=survey_id)
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    language = _preview_language(request)
    definition = survey_definition(survey)
    page = {
        "language": language,
        "definition": definition,
        "organization": scope.organization,
        "stamp": "",
        "preview": True,
    }
    if request.method == "POST":
        with translation.override(language):
            validated = validate_answers(definition, public.answers_data(request.POST))
        if not validated.ok:
            return _form_page(
                request, **page, data=request.POST, errors=validated.errors, status=422
            )
        return _render(
            request,
            "feedback/public/thanks.html",
            language,
            {
                "organization": scope.organization,
                "thanks": public.localized(definition.get("thanks"), language),
                "preview": True,
                "again_url": request.get_full_path(),
            },
        )
    return _form_page(request, **page)

"""Text analytics in the JSON API at /api/v1/: the themes, a response's analysis, and
corrections. Scoped like every route: another organisation's ids (or responses outside the
token's units) are 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import ValidationError as PydanticError

from sillage.accounts.scope import Perm, Scope
from sillage.feedback.models import Response
from sillage.textai import services
from sillage.textai.models import CommentAnalysis, Sentiment, Theme

router = Router(tags=["text analytics"])


class ThemeOut(Schema):
    code: str
    name_fr: str
    name_en: str
    keywords_fr: list[str]
    keywords_en: list[str]
    active: bool


class ThemeMatchOut(Schema):
    code: str
    evidence: list[str]
    source: str


class SentenceOut(Schema):
    text: str
    start: int
    end: int
    sentiment: str
    score: float


class AnalysisOut(Schema):
    response_id: int
    analysed: bool
    engine: str | None = None
    engine_version: str | None = None
    language: str | None = None
    sentiment: str | None = None
    score: float | None = None
    sentiment_corrected: bool = False
    themes_corrected: bool = False
    themes: list[ThemeMatchOut] = []
    sentences: list[SentenceOut] = []


class CorrectionIn(Schema):
    sentiment: str | None = None
    add_themes: list[str] = []
    remove_themes: list[str] = []


class ErrorOut(Schema):
    error: str


def _scope(request: HttpRequest, perm: Perm) -> Scope:
    scope: Scope = request.auth  # type: ignore[attr-defined]
    scope.require(perm)
    return scope


def _response(scope: Scope, response_id: int) -> Response:
    return get_object_or_404(
        Response.objects.for_scope(scope).select_related("organization"), pk=response_id
    )


def _analysis_out(response: Response) -> dict[str, Any]:
    analysis = (
        CommentAnalysis.objects.filter(response=response).prefetch_related("themes__theme").first()
    )
    if analysis is None:
        return {"response_id": response.pk, "analysed": False}
    return {
        "response_id": response.pk,
        "analysed": True,
        "engine": analysis.engine,
        "engine_version": analysis.engine_version,
        "language": analysis.language,
        "sentiment": analysis.sentiment,
        "score": analysis.score,
        "sentiment_corrected": analysis.sentiment_corrected,
        "themes_corrected": analysis.themes_corrected,
        "themes": [
            {"code": link.theme.code, "evidence": link.evidence, "source": link.source}
            for link in analysis.themes.all()
        ],
        "sentences": analysis.sentences,
    }


@router.get("/themes", response=list[ThemeOut], summary="The organisation's themes")
def list_themes(request: HttpRequest) -> list[Theme]:
    scope = _scope(request, Perm.VIEW_TEXT_ANALYTICS)
    services.themes_ensure(organization=scope.organization)
    return list(Theme.objects.for_scope(scope))


@router.get(
    "/responses/{response_id}/analysis",
    response=AnalysisOut,
    summary="A response's text analysis: language, sentiment, themes with their evidence",
)
def get_analysis(request: HttpRequest, response_id: int) -> dict[str, Any]:
    scope = _scope(request, Perm.VIEW_TEXT_ANALYTICS)
    return _analysis_out(_response(scope, response_id))


@router.post(
    "/responses/{response_id}/analysis/corrections",
    response={200: AnalysisOut, 400: ErrorOut, 422: ErrorOut},
    summary="Correct a response's sentiment or themes (kept, and used to adapt the engine)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CorrectionIn.model_json_schema()}},
        }
    },
)
def post_correction(request: HttpRequest, response_id: int) -> Any:
    """Body: `{"sentiment": "negative", "add_themes": ["fees"], "remove_themes": []}`, every
    key optional. The response is looked up first, so another organisation's id is a 404
    whatever the body."""
    scope = _scope(request, Perm.CORRECT_TEXT_ANALYTICS)
    response = _response(scope, response_id)
    try:
        body = CorrectionIn.model_validate_json(request.body or b"{}")
    except PydanticError:
        return Status(422, {"error": "The body is not a valid correction."})
    if not response.comment:
        return Status(400, {"error": "This response has no comment."})
    if body.sentiment is not None and body.sentiment not in Sentiment.values:
        return Status(400, {"error": "sentiment must be positive, neutral or negative."})
    codes = set(body.add_themes) | set(body.remove_themes)
    themes = {
        t.code: t for t in Theme.objects.filter(organization=scope.organization, code__in=codes)
    }
    unknown = sorted(codes - set(themes))
    if unknown:
        return Status(400, {"error": "Unknown theme: " + ", ".join(unknown)})
    if body.sentiment is not None:
        services.sentiment_correct(response=response, user=None, sentiment=body.sentiment)
    for code in body.add_themes:
        services.theme_add(response=response, user=None, theme=themes[code])
    for code in body.remove_themes:
        services.theme_remove(response=response, user=None, theme=themes[code])
    return Status(200, _analysis_out(response))

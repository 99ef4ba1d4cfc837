"""Text analytics inside other apps' pages: the verbatim explorer's rows, the top themes
panel of the insights dashboard, unit and journey pages."""

from __future__ import annotations

from typing import Any

from django import template

from sillage.textai import presenters

register = template.Library()


@register.simple_tag
def textai_page(items: list) -> presenters.PageTexts | None:
    """The analyses of a page of the explorer (three queries for the whole page)."""
    if not items:
        return None
    organization = items[0].response.organization_id
    return presenters.page_texts(organization, [i.response.pk for i in items])


@register.inclusion_tag("textai/_verbatim.html", takes_context=True)
def textai_verbatim(
    context: Any, response: Any, page: presenters.PageTexts | None, terms: list | None = None
) -> dict:
    return presenters.verbatim_context(context, response, page, terms or [])


@register.inclusion_tag("textai/_top_themes.html", takes_context=True)
def textai_top_themes(context: Any) -> dict:
    return presenters.top_themes_context(context)


@register.simple_tag
def textai_filter_labels(form: Any) -> list[str]:
    """The explorer's text analytics filters in words, for its list of active filters."""
    return presenters.filter_labels(form)

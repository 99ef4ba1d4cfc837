"""What the cross-tenant crawl (tests/test_cross_tenant.py) needs from this app.

`populate(world)` creates this app's objects in both organisations; OTHER_ORG_VALUES names,
for each URL parameter this app introduces, another organisation's object.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

OTHER_ORG_VALUES: dict[str, Callable[[object], object]] = {
    "text_theme_id": lambda w: w.other_text_theme.pk,
}
EXEMPT: dict[str, str] = {}


def populate(world) -> None:
    from sillage.insights.tests.factories import add_response
    from sillage.textai.models import CommentAnalysis, CommentTheme, Theme
    from sillage.textai.services import themes_ensure

    for org, unit, name in ((world.org, world.b1, "own"), (world.other_org, world.other_unit,
                                                          "other")):  # fmt: skip
        themes_ensure(organization=org)
        theme = Theme.objects.get(organization=org, code="wait_time")
        response = add_response(org, unit, timezone.now(), nps=2, comment="Attente trop longue")
        analysis = CommentAnalysis.objects.create(
            organization=org,
            response=response,
            unit=unit,
            day=timezone.now().date(),
            submitted_at=response.submitted_at,
            nps=2,
            engine="lexicon",
            engine_version="1",
            language="fr",
            sentiment="negative",
            score=-0.5,
            analysed_at=timezone.now(),
        )
        CommentTheme.objects.create(
            organization=org, analysis=analysis, theme=theme, evidence=["Attente"]
        )
        setattr(world, f"{name}_text_theme", theme)
        setattr(world, f"{name}_text_response", response)

"""What the cross-tenant crawl (tests/test_cross_tenant.py) needs from this app.

`populate(world)` creates this app's objects in both organisations; OTHER_ORG_VALUES names,
for each URL parameter this app introduces, another organisation's object.
"""

from __future__ import annotations

from collections.abc import Callable

OTHER_ORG_VALUES: dict[str, Callable[[object], object]] = {
    "case_id": lambda w: w.other_case.pk,
    "rule_id": lambda w: w.other_rule.pk,
    "holiday_id": lambda w: w.other_holiday.pk,
    "root_cause_id": lambda w: w.other_root_cause.pk,
}
EXEMPT: dict[str, str] = {}


def populate(world) -> None:
    from sillage.cases.defaults import policy_for
    from sillage.cases.models import AlertRule, Holiday, RootCause
    from sillage.cases.tests.factories import make_case

    for org, unit, prefix in (
        (world.org, world.b1, "own"),
        (world.other_org, world.other_unit, "other"),
    ):
        policy_for(org)
        setattr(world, f"{prefix}_case", make_case(org, unit, nps=2))
        setattr(world, f"{prefix}_rule", AlertRule.objects.filter(organization=org).first())
        setattr(world, f"{prefix}_holiday", Holiday.objects.filter(organization=org).first())
        setattr(world, f"{prefix}_root_cause", RootCause.objects.filter(organization=org).first())

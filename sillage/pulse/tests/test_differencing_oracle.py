"""The differencing oracle against the anonymity rules, on random organisations (hypothesis).

Two levels:
- the publication rules alone (`suppression.publish`), on many random trees and counts;
- the real reporting function (`pulse_report`), after real waves are closed, asked for every
  unit, tenure filter and wave a viewer can request, for several viewers: everything each of
  them can see is handed to the oracle, which tries to solve for any smaller group.
"""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sillage.accounts.models import Membership, Organization, Role, Unit, User
from sillage.accounts.scope import scope_for_membership
from sillage.pulse import services
from sillage.pulse.models import Answer, Response, Tenure, Wave
from sillage.pulse.reporting import pulse_report, to_points
from sillage.pulse.suppression import publish
from sillage.pulse.tests.factories import core_items, make_campaign
from sillage.pulse.tests.oracle import find_comment_leak, find_leak

BANDS = tuple(Tenure.values)


@st.composite
def organisations(draw, max_units: int = 7):
    size = draw(st.integers(1, max_units))
    parents = {1: None}
    for unit in range(2, size + 1):
        parents[unit] = draw(st.integers(1, unit - 1))
    people = st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 8])
    counts = {unit: {band: draw(people) for band in BANDS} for unit in parents}
    threshold = draw(st.integers(3, 5))
    comment_threshold = draw(st.integers(threshold, 9))
    return parents, counts, threshold, comment_threshold


def subtree(parents: dict, unit: int) -> set[int]:
    found, changed = {unit}, True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                changed = True
    return found


def shown_groups(parents, publication) -> list[frozenset]:
    groups = []
    for unit in publication.shown:
        units = subtree(parents, unit)
        groups.append(frozenset((u, b) for u in units for b in BANDS))
        for band in BANDS:
            if publication.band_shown(unit, band):
                groups.append(frozenset((u, band) for u in units))
    return groups


# --- The oracle can fail ------------------------------------------------------------------------


def test_oracle_solves_a_parent_minus_its_children():
    """A branch of 12 shown with its two teams of 5 and 6: the manager's answer is exposed."""
    counts = {("branch", "1to5"): 1, ("team1", "1to5"): 5, ("team2", "gt5"): 6}
    everything = frozenset(counts)
    leak = find_leak(
        counts,
        [everything, frozenset({("team1", "1to5")}), frozenset({("team2", "gt5")})],
        threshold=5,
    )
    assert leak is not None
    assert (leak.group, leak.people) == (frozenset({("branch", "1to5")}), 1)
    assert sorted(leak.combination.values()) == [-1, -1, 1]


def test_oracle_solves_a_filtered_group_minus_its_complement():
    counts = {("team", "lt1"): 2, ("team", "1to5"): 4, ("team", "gt5"): 3}
    team = frozenset(counts)
    veterans_and_middle = frozenset({("team", "1to5"), ("team", "gt5")})
    leak = find_leak(counts, [team, veterans_and_middle], threshold=5)
    assert leak is not None and leak.group == {("team", "lt1")} and leak.people == 2


def test_oracle_finds_a_pair_of_small_groups_recovered_together():
    counts = {("p", "lt1"): 10, ("a", "lt1"): 1, ("b", "lt1"): 1, ("c", "lt1"): 8}
    shown = [frozenset(counts), frozenset({("p", "lt1")}), frozenset({("c", "lt1")})]
    leak = find_leak(counts, shown, threshold=5)
    assert leak is not None and leak.group == {("a", "lt1"), ("b", "lt1")}


def test_oracle_finds_comment_lists_that_differ_by_a_few_people():
    counts = {"branch": 2, "team": 10}
    assert find_comment_leak(counts, [frozenset(counts), frozenset({"team"})], 10) == {"branch"}


def test_without_complementary_suppression_the_oracle_finds_a_leak():
    """Showing every group of at least t people is not enough: the oracle catches it."""
    parents = {1: None, 2: 1, 3: 1}
    counts = {1: {"1to5": 1}, 2: {"1to5": 6}, 3: {"gt5": 7}}
    naive = [
        frozenset((u, b) for u in subtree(parents, unit) for b in BANDS)
        for unit in parents
        if sum(sum(counts.get(u, {}).values()) for u in subtree(parents, unit)) >= 5
    ]
    atoms = {(u, b): counts[u].get(b, 0) for u in parents for b in BANDS}
    assert find_leak(atoms, naive, threshold=5) is not None
    publication = publish(parents, counts, threshold=5, comment_threshold=10, bands=BANDS)
    assert find_leak(atoms, shown_groups(parents, publication), threshold=5) is None


# --- The rules alone, on many random organisations ----------------------------------------------


@settings(max_examples=400, deadline=None, database=None)
@given(organisations())
def test_no_published_combination_recovers_a_small_group(case):
    parents, counts, threshold, comment_threshold = case
    publication = publish(
        parents, counts, threshold=threshold, comment_threshold=comment_threshold, bands=BANDS
    )
    atoms = {(u, b): counts[u][b] for u in parents for b in BANDS}
    groups = shown_groups(parents, publication)
    for group in groups:
        people = sum(atoms[a] for a in group)
        assert people >= threshold
    leak = find_leak(atoms, groups, threshold)
    assert leak is None, f"{leak} from {parents} {counts} t={threshold}"
    unit_atoms = {u: sum(counts[u].values()) for u in parents}
    comment_lists = [frozenset(subtree(parents, u)) for u in publication.comments]
    assert find_comment_leak(unit_atoms, comment_lists, publication.comment_threshold) is None


@settings(max_examples=200, deadline=None, database=None)
@given(organisations())
def test_a_filtered_group_and_its_complement_both_reach_the_threshold(case):
    parents, counts, threshold, comment_threshold = case
    publication = publish(
        parents, counts, threshold=threshold, comment_threshold=comment_threshold, bands=BANDS
    )
    for unit in publication.filtered:
        assert unit in publication.shown
        for band in BANDS:
            if publication.band_shown(unit, band):
                inside = publication.band_totals[unit][band]
                assert inside >= threshold
                assert publication.totals[unit] - inside >= threshold


# --- The real reporting function, after real waves ----------------------------------------------

ORACLE_ITEMS = ("core.customers.1", "core.know.1", "core.can.1", "core.enps.1", "core.comment.1")
_orgs = itertools.count(1)


def _build(case, waves_answers):
    """An organisation shaped like `case`, one closed wave per entry of `waves_answers`."""
    parents, _counts, threshold, comment_threshold = case
    number = next(_orgs)
    org = Organization.objects.create(
        name=f"Oracle {number}", slug=f"oracle-{number}", anonymity_threshold=threshold
    )
    units: dict[int, Unit] = {}
    for unit in sorted(parents):
        up = parents[unit]
        units[unit] = Unit.add(
            organization=org,
            parent=units[up] if up else None,
            code=f"U{unit}",
            name_fr=f"Unité {unit}",
        )
    admin = User.objects.create_user(f"admin-{number}@oracle.test")
    memberships = {
        "admin": Membership.objects.create(
            user=admin, organization=org, unit=units[1], role=Role.ADMIN
        )
    }
    for unit in parents:
        manager = User.objects.create_user(f"m{unit}-{number}@oracle.test")
        memberships[("manager", unit)] = Membership.objects.create(
            user=manager, organization=org, unit=units[unit], role=Role.MANAGER
        )
        employee = User.objects.create_user(f"e{unit}-{number}@oracle.test")
        memberships[("employee", unit)] = Membership.objects.create(
            user=employee, organization=org, unit=units[unit], role=Role.EMPLOYEE
        )
    items = [i for i in core_items(org) if i.series in ORACLE_ITEMS]
    campaign = make_campaign(org, items=items, comment_threshold=comment_threshold)
    waves, truth = [], {}
    for number_of_wave, answers in enumerate(waves_answers, 1):
        wave = (
            services.campaign_open(campaign=campaign)
            if number_of_wave == 1
            else services._wave_create(
                campaign=campaign,
                number=number_of_wave,
                opens_at=campaign.opens_at,
                closes_at=campaign.closes_at,
            )
        )
        truth[wave.pk] = _write_answers(wave, units, answers, items)
        Wave.objects.filter(pk=wave.pk).update(status="open")
        services.wave_close(wave=wave)
        wave.refresh_from_db()
        waves.append(wave)
    return org, units, memberships, waves, truth


def _write_answers(wave, units, answers, items):
    """Anonymous rows straight into the store; returns {(unit, band): [(value, comment)]}."""
    customers = next(i for i in items if i.series == "core.customers.1")
    know = next(i for i in items if i.series == "core.know.1")
    can = next(i for i in items if i.series == "core.can.1")
    truth = defaultdict(list)
    responses, rows = [], []
    for (unit, band), values in answers.items():
        for position, value in enumerate(values):
            response = Response(
                id=uuid.uuid4(),
                organization_id=wave.organization_id,
                wave=wave,
                unit=units[unit],
                tenure=band,
                enps=(value * 2) % 11,
                know_can_gap=0,
                comment=f"w{wave.pk}-u{unit}-{band}-{position}",
            )
            responses.append(response)
            for item in (customers, know, can):
                rows.append(Answer(response=response, item=item, value=value))
            truth[(unit, band)].append((value, response.comment))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(rows)
    return truth


def _seen(scope, wave, units, comments=False):
    """Every group this viewer can obtain from the reporting function for this wave."""
    groups = {}
    comment_lists = []
    for unit in units.values():
        if not scope.covers(unit):
            continue
        for band in ("", *BANDS):
            report = pulse_report(scope=scope, wave=wave, unit_id=unit.pk, tenure=band)
            for group in [report.group, *report.rows] if report.ready else []:
                if group is not None and group.shown:
                    groups[(group.unit_id, group.tenure)] = group
        if comments:
            report = pulse_report(scope=scope, wave=wave, unit_id=unit.pk, comments=True)
            if report.comments is not None:
                comment_lists.append(set(report.comments))
    return groups, comment_lists


answers_strategy = st.dictionaries(
    st.tuples(st.integers(1, 6), st.sampled_from(BANDS)),
    st.lists(st.integers(1, 5), min_size=1, max_size=8),
    min_size=3,
    max_size=10,
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(organisations(max_units=6), answers_strategy, answers_strategy)
def test_everything_a_viewer_can_request_recovers_no_small_group(db, case, first, second):
    parents = case[0]
    waves_answers = [
        {key: values for key, values in answers.items() if key[0] in parents}
        for answers in (first, second)
    ]
    threshold = case[2]
    org, units, memberships, waves, truth = _build(case, waves_answers)
    unit_ids = {unit.pk: key for key, unit in units.items()}
    # The administrator sees the most; managers each see a subtree; employees their unit.
    leaf = max(parents)
    viewers = [
        memberships["admin"],
        *(memberships[("manager", u)] for u in parents),
        memberships[("employee", 1)],
        memberships[("employee", leaf)],
    ]
    admin_seen = set()
    for viewer in viewers:
        scope = scope_for_membership(viewer)
        atoms, shown, comment_atoms, comment_lists = {}, [], {}, []
        for wave in waves:
            groups, lists = _seen(scope, wave, units, comments=viewer.role == Role.ADMIN)
            for (unit_pk, band), values in truth[wave.pk].items():
                atoms[(wave.pk, unit_pk, band)] = len(values)
                comment_atoms[(wave.pk, unit_pk, band)] = len(values)
            for (unit_pk, band), group in groups.items():
                below = subtree(parents, unit_ids[unit_pk])
                members = frozenset(
                    (wave.pk, u, b)
                    for u in below
                    for b in ((band,) if band else BANDS)
                    if (u, b) in truth[wave.pk]
                )
                # The published figures are the true ones for exactly this group.
                values = [v for (_w, u, b) in members for v, _c in truth[wave.pk][(u, b)]]
                assert group.n == len(values) >= threshold
                customers = group.relation("customers")
                assert customers.score == pytest.approx(to_points(sum(values) / len(values)))
                if band:
                    assert (
                        group.n
                        <= sum(len(truth[wave.pk].get((u, b), [])) for u in below for b in BANDS)
                        - threshold
                    )
                if not scope.covers(units[unit_ids[unit_pk]]):
                    pytest.fail(f"{viewer.role} saw a unit outside their scope")
                shown.append(members)
                if viewer.role == Role.ADMIN:
                    admin_seen.add((wave.pk, unit_pk, band))
                else:
                    assert (wave.pk, unit_pk, band) in admin_seen
            for comments in lists:
                comment_lists.append(
                    frozenset(
                        (wave.pk, u, b)
                        for (u, b), values in truth[wave.pk].items()
                        if any(c in comments for _v, c in values)
                    )
                )
        leak = find_leak(atoms, shown, threshold)
        assert leak is None, f"{viewer.role}: {leak}"
        if viewer.role == Role.ADMIN:
            event(f"groups shown to the administrator: {min(len(shown), 10)}+")
        if comment_lists:
            comment_leak = find_comment_leak(
                comment_atoms, comment_lists, waves[0].comment_threshold
            )
            assert comment_leak is None, f"comments of {comment_leak}"

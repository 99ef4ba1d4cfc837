"""Benchmark: pulse reports for an organisation of 10,000 employees over 12 waves.

    .venv/bin/python bench/pulse_report.py                  # build (once) then measure
    .venv/bin/python bench/pulse_report.py --runs 100
    .venv/bin/python bench/pulse_report.py --rebuild        # drop the cached database first
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sillage_bench_pulse \
        .venv/bin/python bench/pulse_report.py --rebuild    # on PostgreSQL

Builds, in a SQLite file under the temporary directory (kept between runs), an organisation of
10,000 employees (10 regions, 200 branches, 800 teams) and a quarterly campaign with 12
closed waves of about 7,500 anonymous responses each (24 agreement answers apiece: 2.2 million
answer rows), written with executemany. Each wave is closed with the production code
(`wave_publish`: SQL aggregation per unit × band × item, then the anonymity rules in Python);
its time is printed. Then it measures, over `--runs` requests each, p50 and p95 of:
- `pulse_report` for the organisation (root unit, heatmap of the regions, 12-wave trend) and
  for a branch manager and a regional manager;
- the same through the full page (`/o/<org>/pulse/waves/<id>/`, middleware and template
  included) with Django's test client, and the tenure-filtered organisation page.
Every report runs the reporting function's own anonymity checks (threshold and complement
re-checked on each group, scope, suppression flags); the suppression itself is computed once
per wave at closing and is timed separately ("publication").
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGIONS, BRANCHES_PER_REGION, TEAMS_PER_BRANCH = 10, 20, 4
EMPLOYEES = 10_000
WAVES = 12
PARTICIPATION = 0.75
CHUNK = 20_000


def setup(database: Path, rebuild: bool) -> bool:
    """Point Django at the benchmark database; True when the data must be built."""
    if "DATABASE_URL" not in os.environ:
        if rebuild and database.exists():
            database.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("SILLAGE_ENV", "test")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sillage.accounts.models import Organization

    if rebuild:
        drop_bench_organisation()
    return not Organization.objects.filter(slug="bench-pulse").exists()


def drop_bench_organisation() -> None:
    """Remove only the benchmark's own organisation (never anything else in the database)."""
    from sillage.accounts.models import Membership, Organization, Unit, User
    from sillage.demo.pulse_demo import clear_pulse_demo

    organizations = Organization.objects.filter(slug="bench-pulse")
    clear_pulse_demo(organizations=organizations)
    Membership.objects.filter(organization__in=organizations).delete()
    User.objects.filter(email__endswith="@bench.example").delete()
    Unit.objects.filter(organization__in=organizations).update(parent=None)
    organizations.delete()


def insert(model, rows) -> int:
    import itertools

    from django.db import connection

    from sillage.db.rows import executemany_chunked

    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in first]
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    values = (
        tuple(adapt(value) for value in row.values()) for row in itertools.chain([first], rows)
    )
    with connection.cursor() as cursor:
        return executemany_chunked(cursor, sql, values, CHUNK)


def adapt(value):
    from django.db import connection

    if isinstance(value, uuid.UUID) and connection.vendor == "sqlite":
        return value.hex
    if hasattr(value, "tzinfo"):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def build() -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from sillage.accounts.models import Membership, Organization, Role, Unit, User
    from sillage.pulse.models import (
        Answer,
        Campaign,
        CampaignItem,
        CampaignStatus,
        ItemKind,
        Participation,
        Response,
        Tenure,
        Wave,
        WaveItem,
        WaveStatus,
    )
    from sillage.pulse.publication import wave_publish
    from sillage.pulse.services import bank_ensure

    rng = random.Random(10_000)
    started = time.perf_counter()
    with transaction.atomic():
        org = Organization.objects.create(name="Bench Pulse", slug="bench-pulse")
        root = Unit.add(organization=org, parent=None, code="ROOT", name_fr="Siège")
        teams: list[Unit] = []
        branches: list[Unit] = []
        regions: list[Unit] = []
        for r in range(REGIONS):
            region = Unit.add(organization=org, parent=root, code=f"R{r}", name_fr=f"Région {r}")
            regions.append(region)
            for b in range(BRANCHES_PER_REGION):
                branch = Unit.add(
                    organization=org, parent=region, code=f"R{r}B{b}", name_fr=f"Succursale {r}-{b}"
                )
                branches.append(branch)
                for t in range(TEAMS_PER_BRANCH):
                    teams.append(
                        Unit.add(
                            organization=org,
                            parent=branch,
                            code=f"R{r}B{b}T{t}",
                            name_fr=f"Équipe {r}-{b}-{t}",
                        )
                    )
        password = make_password(None)
        placements = [(root, Role.ADMIN)]
        placements += [(region, Role.MANAGER) for region in regions]
        placements += [(branch, Role.MANAGER) for branch in branches]
        while len(placements) < EMPLOYEES:
            placements.append((rng.choice(teams), Role.EMPLOYEE))
        User.objects.bulk_create(
            User(email=f"e{i}@bench.example", password=password) for i in range(EMPLOYEES)
        )
        users = dict(
            User.objects.filter(email__endswith="@bench.example").values_list("email", "id")
        )
        Membership.objects.bulk_create(
            Membership(user_id=users[f"e{i}@bench.example"], organization=org, unit=unit, role=role)
            for i, (unit, role) in enumerate(placements)
        )
        members = list(Membership.objects.filter(organization=org).values_list("id", "unit_id"))
        items = [i for i in bank_ensure(organization=org) if i.kind == ItemKind.AGREEMENT]
        every = bank_ensure(organization=org)
        first = timezone.now() - timedelta(days=91 * WAVES)
        campaign = Campaign.objects.create(
            organization=org,
            name_fr="Pouls trimestriel",
            recurrence="quarterly",
            opens_at=first,
            closes_at=first + timedelta(days=14),
            anonymity_threshold=5,
            comment_threshold=10,
            status=CampaignStatus.ACTIVE,
        )
        CampaignItem.objects.bulk_create(
            CampaignItem(campaign=campaign, item=i, rank=i.rank) for i in every
        )
        team_quality = {t.pk: rng.gauss(0, 0.4) for t in teams}
        tenure = {m: rng.choice(Tenure.values) for m, _u in members}
    print(
        f"organisation: {len(members)} memberships, "
        f"{1 + len(regions) + len(branches) + len(teams)} units "
        f"({time.perf_counter() - started:.1f} s)"
    )
    publications = []
    for number in range(1, WAVES + 1):
        opens_at = first + timedelta(days=91 * (number - 1))
        with transaction.atomic():
            wave = Wave.objects.create(
                organization=org,
                campaign=campaign,
                number=number,
                opens_at=opens_at,
                closes_at=opens_at + timedelta(days=14),
                status=WaveStatus.CLOSED,
                anonymity_threshold=5,
                comment_threshold=10,
                closed_at=opens_at + timedelta(days=14),
            )
            WaveItem.objects.bulk_create(WaveItem(wave=wave, item=i, rank=i.rank) for i in every)
            answering = [(m, u) for m, u in members if rng.random() < PARTICIPATION]
            responses, answers, participations = [], [], []
            for membership_id, unit_id in answering:
                rid = uuid.uuid4()
                base = 3.2 + team_quality.get(unit_id, 0) + 0.02 * number
                values = {}
                for item in items:
                    value = min(5, max(1, round(rng.gauss(base, 0.9))))
                    values[item.dimension] = value
                    answers.append({"response_id": rid, "item_id": item.pk, "value": value})
                responses.append(
                    {
                        "id": rid,
                        "organization_id": org.pk,
                        "wave_id": wave.pk,
                        "unit_id": unit_id,
                        "tenure": tenure[membership_id],
                        "enps": min(10, max(0, round(rng.gauss(7, 2)))),
                        "know_can_gap": values["know"] - values["can"],
                        "comment": "Plus de temps avec les membres." if rng.random() < 0.1 else "",
                    }
                )
                participations.append(
                    {
                        "id": uuid.uuid4(),
                        "organization_id": org.pk,
                        "wave_id": wave.pk,
                        "membership_id": membership_id,
                    }
                )
            t0 = time.perf_counter()
            insert(Response, responses)
            insert(Answer, answers)
            insert(Participation, participations)
            written = time.perf_counter() - t0
            t0 = time.perf_counter()
            wave_publish(wave)
            publications.append(time.perf_counter() - t0)
        print(
            f"wave {number:2d}: {len(responses)} responses, {len(answers)} answers "
            f"written in {written:.1f} s; publication (aggregation + anonymity rules) "
            f"{publications[-1] * 1000:.0f} ms"
        )
    print(
        f"publication per wave: p50 {statistics.median(publications) * 1000:.0f} ms, "
        f"max {max(publications) * 1000:.0f} ms"
    )


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"


def measure(runs: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client

    from sillage.accounts.models import Membership, Organization, Role
    from sillage.accounts.scope import scope_for_membership
    from sillage.pulse.models import Response, Wave, WaveNode
    from sillage.pulse.reporting import pulse_report

    org = Organization.objects.get(slug="bench-pulse")
    wave = Wave.objects.filter(organization=org).order_by("-number").first()
    admin = Membership.objects.get(organization=org, role=Role.ADMIN)
    regional = Membership.objects.filter(organization=org, role=Role.MANAGER, unit__depth=2).first()
    branch = Membership.objects.filter(organization=org, role=Role.MANAGER, unit__depth=3).first()
    print(
        f"\n{Response.objects.filter(organization=org).count()} responses in "
        f"{Wave.objects.filter(organization=org).count()} waves; "
        f"{WaveNode.objects.filter(organization=org).count()} published groups "
        f"({connection.vendor})"
    )

    def timed(function) -> list[float]:
        function()  # warm-up
        samples = []
        for _ in range(runs):
            reset_queries()
            t0 = time.perf_counter()
            function()
            samples.append(time.perf_counter() - t0)
        return samples

    cases = [
        ("organisation", admin, None, ""),
        ("organisation, tenure filter", admin, None, "gt5"),
        ("regional manager", regional, None, ""),
        ("branch manager", branch, None, ""),
    ]
    print(f"\npulse_report() — {runs} runs each")
    for label, membership, unit, tenure in cases:
        scope = scope_for_membership(membership)
        report = pulse_report(scope=scope, wave=wave, unit_id=unit, tenure=tenure)
        shown = sum(1 for row in report.rows if row.shown)
        samples = timed(lambda s=scope, t=tenure: pulse_report(scope=s, wave=wave, tenure=t))
        print(
            f"  {label:30s} {percentiles(samples)}   ({report.state}, "
            f"{shown}/{len(report.rows)} rows shown, {len(report.trend)} waves in the trend)"
        )

    print(f"\nfull page GET /o/{org.slug}/pulse/waves/{wave.pk}/ — {runs} runs each")
    for label, membership, _unit, tenure in cases:
        client = Client()
        client.force_login(membership.user)
        url = f"/o/{org.slug}/pulse/waves/{wave.pk}/" + (f"?tenure={tenure}" if tenure else "")
        queries: list[str] = []

        def count(execute, sql, params, many, context, seen=queries):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        samples = timed(lambda c=client, u=url: c.get(u))
        print(
            f"  {label:30s} {percentiles(samples)}   "
            f"({len(queries)} queries, {len(response.content) // 1024} KiB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(tempfile.gettempdir()) / "sillage_bench_pulse.sqlite3",
        help="SQLite file to use (ignored when DATABASE_URL is set)",
    )
    args = parser.parse_args()
    if setup(args.database, args.rebuild):
        build()
    measure(args.runs)


if __name__ == "__main__":
    main()

"""Benchmark: insights dashboards and the metrics API at 100k, 1M and 10M responses.

    .venv/bin/python bench/dashboard.py                     # SQLite to 1M, PostgreSQL to 10M
    .venv/bin/python bench/dashboard.py --sqlite-sizes 100000 --postgres-sizes 100000,1000000
    .venv/bin/python bench/dashboard.py --no-postgres

One child process per database grows the same organisation step by step (200 units, 24
months, 8 touchpoints, two languages, employee codes on a third of the responses): it writes
the new responses with the fast bulk path (executemany on SQLite, COPY on PostgreSQL),
rebuilds the rollups with `rebuild_rollups` (timed), then times, through Django's test client
with DEBUG off, the metrics API and the dashboard pages as an executive (the whole tree) and
as a branch manager (one branch): p50 and p95 over repeated requests after a warm-up. It
prints the peak of Python memory (tracemalloc) during those requests, which must not grow
with the number of responses: pages read rollups, never responses.

PostgreSQL runs on `sillage_bench_insights` (dropped and recreated) on 127.0.0.1:5432 as
user postgres (override with BENCH_POSTGRES_URL); SQLite on a temporary file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/sillage_bench_insights"
)
REGIONS = 9
BRANCHES = 190  # + 9 regions + 1 head office = 200 units
MONTHS = 24
EMPLOYEES_PER_BRANCH = 5
CHUNK = 50_000
COMMENTS_FR = [
    "Accueil chaleureux, merci à Julie!",
    "Attente trop longue au comptoir, mais conseillère excellente.",
    "Prêt hypothécaire réglé en une journée, bravo.",
    "Je n'ai pas pu joindre le centre d'appels.",
    "L'application plante à la connexion depuis la mise à jour.",
]
COMMENTS_EN = [
    "Very helpful advisor, quick answer.",
    "Great app, easy to use.",
    "Waited far too long at the counter.",
]


# --- Driver ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-sizes", default="100000,1000000")
    parser.add_argument("--postgres-sizes", default="100000,1000000,10000000")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="Time the pages again on the database a previous run left (PostgreSQL only).",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sizes = [int(s) for s in os.environ["BENCH_SIZES"].split(",")]
        run_child(args.child, sizes, args.repeat, measure_only=args.measure_only)
        return
    runs = []
    if not args.no_sqlite:
        runs.append(("sqlite", args.sqlite_sizes))
    if not args.no_postgres:
        runs.append(("postgres", args.postgres_sizes))
    for kind, sizes in runs:
        env = {
            **os.environ,
            "SILLAGE_ENV": "development",
            "DEBUG": "0",
            "TASKS_BACKEND": "immediate",
        }
        if kind == "sqlite":
            db_file = Path(tempfile.gettempdir()) / "sillage_bench_insights.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_file}{suffix}").unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{db_file}"
        else:
            if not args.measure_only:
                recreate_postgres()
            env["DATABASE_URL"] = POSTGRES_URL
        command = [sys.executable, __file__, "--child", kind, "--repeat", str(args.repeat)]
        if args.measure_only:
            command.append("--measure-only")
        env["BENCH_SIZES"] = sizes
        print(f"\n=== {kind}: {sizes} responses ===", flush=True)
        subprocess.run(command, env=env, cwd=ROOT, check=True)


def recreate_postgres() -> None:
    import psycopg

    name = POSTGRES_URL.rsplit("/", 1)[1]
    admin = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- Child: one database, growing sizes --------------------------------------------------------


def run_child(kind: str, sizes: list[int], repeat: int, *, measure_only: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if measure_only:
        from sillage.feedback.models import Response

        world = existing_world()
        size = Response.objects.filter(organization=world.org).count()
        report(kind, size, 0.0, 0.0, measure(world, repeat))
        return
    call_command("migrate", verbosity=0)
    world = build_world()
    written = 0
    results = []
    for size in sizes:
        started = time.perf_counter()
        write_responses(world, written, size - written)
        insert_s = time.perf_counter() - started
        written = size
        started = time.perf_counter()
        call_command("rebuild_rollups", org="bench", verbosity=0)
        rebuild_s = time.perf_counter() - started
        figures = measure(world, repeat)
        results.append((size, insert_s, rebuild_s, figures))
        report(kind, size, insert_s, rebuild_s, figures)
    summary(kind, results)


class World:
    pass


def build_world() -> World:
    from sillage.accounts.models import Membership, Organization, Role, Unit, User
    from sillage.feedback.models import Channel, Journey, Stage, Survey, Touchpoint

    world = World()
    org = Organization.objects.create(name="Bench", slug="bench", time_zone="America/Toronto")
    hq = Unit.add(organization=org, parent=None, code="HQ", name_fr="Siège")
    regions = [
        Unit.add(organization=org, parent=hq, code=f"R{r}", name_fr=f"Région {r}")
        for r in range(REGIONS)
    ]
    branches = [
        Unit.add(
            organization=org, parent=regions[b % REGIONS], code=f"B{b}", name_fr=f"Succursale {b}"
        )
        for b in range(BRANCHES)
    ]
    touchpoints, surveys = [], []
    for j in range(3):
        journey = Journey.objects.create(organization=org, code=f"j{j}", name_fr=f"Parcours {j}")
        survey = Survey.objects.create(organization=org, name_fr=f"Sondage {j}")
        for s in range(2):
            stage = Stage.objects.create(
                organization=org, journey=journey, name_fr=f"Étape {j}.{s}", rank=s
            )
            for t in range(2 if j < 2 else 1 if s == 0 else 0):
                touchpoints.append(
                    (
                        Touchpoint.objects.create(
                            organization=org,
                            stage=stage,
                            code=f"t{j}{s}{t}",
                            channel=Channel.BRANCH,
                            name_fr=f"Point {j}.{s}.{t}",
                        ).pk,
                        survey.pk,
                    )
                )
        surveys.append(survey)
    # No password: the benchmark signs them in with the test client's force_login.
    executive = User.objects.create_user(email="exec@bench.test")
    manager = User.objects.create_user(email="manager@bench.test")
    Membership.objects.create(user=executive, organization=org, unit=hq, role=Role.EXECUTIVE)
    Membership.objects.create(user=manager, organization=org, unit=branches[7], role=Role.MANAGER)
    world.org, world.hq, world.regions, world.branches = org, hq, regions, branches
    world.touchpoints, world.executive, world.manager = touchpoints, executive, manager
    return world


def existing_world() -> World:
    from sillage.accounts.models import Organization, Unit, User

    world = World()
    world.org = Organization.objects.get(slug="bench")
    units = Unit.objects.filter(organization=world.org)
    world.regions = list(units.filter(depth=2).order_by("pk"))
    world.branches = list(units.filter(depth=3).order_by("pk"))
    world.executive = User.objects.get(email="exec@bench.test")
    world.manager = User.objects.get(email="manager@bench.test")
    return world


def write_responses(world: World, offset: int, count: int) -> None:
    """`count` more responses over 24 months before today, through the fast bulk path."""
    from django.db import connection, transaction

    from sillage.feedback.models import Response

    rng = random.Random(offset + 1)
    now = datetime.now(UTC).replace(microsecond=0)
    span = int(timedelta(days=30.4 * MONTHS).total_seconds())
    branch_ids = [b.pk for b in world.branches]
    quality = {b: rng.uniform(-1.5, 1.5) for b in branch_ids}
    columns = (
        "organization_id", "survey_id", "unit_id", "touchpoint_id", "source", "language",
        "submitted_at", "received_at", "answers", "nps", "csat", "ces", "comment",
        "employee_code", "contact_consent", "contact_name", "contact_email", "contact_phone",
    )  # fmt: skip
    table = connection.ops.quote_name(Response._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    postgres = connection.vendor == "postgresql"
    sql = (
        f"COPY {table} ({names}) FROM STDIN"
        if postgres
        else f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    )
    org_id = world.org.pk
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        rows = []
        units = rng.choices(branch_ids, k=size)
        for unit in units:
            moment = now - timedelta(seconds=rng.randrange(span))
            latent = 7.6 + quality[unit] + rng.gauss(0, 2.2)
            nps = min(10, max(0, round(latent)))
            csat = min(5, max(1, round(1 + latent * 0.42))) if rng.random() < 0.85 else None
            ces = min(7, max(1, round(1 + latent * 0.6))) if rng.random() < 0.6 else None
            english = rng.random() < 0.2
            comment = ""
            if rng.random() < 0.3:
                comment = rng.choice(COMMENTS_EN if english else COMMENTS_FR)
            touchpoint, survey = rng.choice(world.touchpoints)
            employee = ""
            if rng.random() < 0.33:
                employee = f"E{unit}-{rng.randrange(EMPLOYEES_PER_BRANCH)}"
            answers = json.dumps({"nps": nps})
            when = moment if postgres else str(moment.replace(tzinfo=None))
            received = now if postgres else str(now.replace(tzinfo=None))
            rows.append(
                (org_id, survey, unit, touchpoint, "import", "en" if english else "fr", when,
                 received, answers, nps, csat, ces, comment, employee, False, "", "", "")
            )  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                with cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, rows)
        done += size
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


def timed(call, repeat: int) -> tuple[float, float]:
    for _ in range(2):
        call()  # warm-up: connections, caches, template loading
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def measure(world: World, repeat: int) -> dict[str, tuple[float, float]]:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from sillage.accounts.models import ApiToken, Role
    from sillage.insights.models import (
        DayRollup,
        OrgDayRollup,
        TouchpointDayRollup,
        UnitDayRollup,
        VerbatimIndex,
    )

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (
                OrgDayRollup,
                UnitDayRollup,
                TouchpointDayRollup,
                DayRollup,
                VerbatimIndex,
            ):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    _token, raw = ApiToken.issue(organization=world.org, name="bench", role=Role.EXECUTIVE)
    api = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    executive, manager = Client(), Client()
    executive.force_login(world.executive)
    manager.force_login(world.manager)
    today = timezone.localdate()
    year_ago = (today - timedelta(days=364)).isoformat()
    region = world.regions[0].pk

    def get(client: Client, url: str, **extra: str):
        def call() -> None:
            response = client.get(url, **extra)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code}")

        return call

    checks = {
        "api nps,csat,ces (org, 90 days)": get(executive, "/api/v1/metrics", **api),
        "api by month × unit (12 months)": get(
            executive,
            f"/api/v1/metrics?metric=nps,csat,ces&group_by=month,unit&from={year_ago}",
            **api,
        ),
        "api by month × unit (24 months, 4,800 rows)": get(
            executive,
            "/api/v1/metrics?metric=nps,csat,ces&group_by=month,unit"
            f"&from={(today - timedelta(days=730)).isoformat()}",
            **api,
        ),
        "api by touchpoint, language=en (12 months)": get(
            executive,
            f"/api/v1/metrics?group_by=touchpoint&language=en&from={year_ago}",
            **api,
        ),
        "dashboard, executive (90 days)": get(executive, "/o/bench/insights/"),
        "dashboard, executive (12 months)": get(executive, "/o/bench/insights/?period=12m"),
        "unit page, region (90 days)": get(executive, f"/o/bench/insights/units/{region}/"),
        "dashboard, branch manager (90 days)": get(manager, "/o/bench/insights/"),
        "verbatims, executive, first page": get(executive, "/o/bench/insights/verbatims/"),
        "verbatims, search 'pret' (accents folded)": get(
            executive, "/o/bench/insights/verbatims/?q=pret"
        ),
    }
    figures: dict[str, tuple[float, float]] = {}
    for name, call in checks.items():
        figures[name] = timed(call, repeat)
    # Memory in a separate pass: tracemalloc slows Python down several times.
    tracemalloc.start()
    for call in checks.values():
        call()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures["peak python memory during requests (MiB)"] = (peak / 2**20, peak / 2**20)
    return figures


def report(kind: str, size: int, insert_s: float, rebuild_s: float, figures: dict) -> None:
    from sillage.insights.models import (
        DayRollup,
        OrgDayRollup,
        TouchpointDayRollup,
        UnitDayRollup,
    )

    print(f"\n--- {kind}, {size:,} responses ---")
    print(f"bulk insert of the new rows: {insert_s:.1f} s; rebuild_rollups: {rebuild_s:.1f} s")
    print(
        f"rollup rows: organisation-day {OrgDayRollup.objects.count():,}; "
        f"unit-day {UnitDayRollup.objects.count():,}; "
        f"touchpoint-day {TouchpointDayRollup.objects.count():,}; "
        f"full {DayRollup.objects.count():,}"
    )
    for name, (p50, p95) in figures.items():
        if "MiB" in name:
            print(f"  {name:<48} {p50:8.1f}")
        else:
            print(f"  {name:<48} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    sys.stdout.flush()


def summary(kind: str, results: list) -> None:
    if len(results) < 2:
        return
    first_size, *_rest, first = results[0]
    last_size, *_rest2, last = results[-1]
    print(f"\n{kind}: p95 at {last_size:,} over p95 at {first_size:,}")
    for name, (_p50, p95) in last.items():
        if "MiB" in name:
            continue
        print(f"  {name:<48} × {p95 / first[name][1]:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: importing past responses from a CSV (check pass, then commit pass).

    .venv/bin/python bench/import_csv.py                 # 100k and 1M rows, SQLite (+ PostgreSQL)
    .venv/bin/python bench/import_csv.py --sizes 100000  # one size
    .venv/bin/python bench/import_csv.py --no-postgres

Generates the CSV files in /tmp (once), then runs each (size, database) in a fresh child
process so that its peak RSS (resource.getrusage ru_maxrss) belongs to that import alone: a
flat peak from 100k to 1M rows shows that memory does not grow with the file. SQLite runs on a
temporary database file; PostgreSQL on `sillage_bench_import` (dropped and recreated) when
127.0.0.1:5432 answers (override with BENCH_POSTGRES_URL).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNITS = 300
TOUCHPOINTS = 12
EMPLOYEES = 400
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/sillage_bench_import"
)
COMMENTS = [
    "",
    "",
    "",
    "Accueil chaleureux, merci à Julie!",
    'Very helpful advisor; "quick" answer',
    "Attente trop longue au comptoir,\nmais conseillère excellente.",
    "Je n'ai pas pu joindre le centre d'appels.",
    "Great app, easy to use",
]


def csv_path(rows: int) -> Path:
    return Path(tempfile.gettempdir()) / f"sillage_bench_import_v2_{rows}.csv"


def generate(rows: int) -> Path:
    path = csv_path(rows)
    if path.exists():
        return path
    rng = random.Random(rows)
    start = datetime(2023, 1, 1, 8, 0, tzinfo=UTC)  # written without zone, as exports do
    tmp = path.with_suffix(".part")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "unit_code",
                "touchpoint_code",
                "submitted_at",
                "nps",
                "csat",
                "ces",
                "comment",
                "external_id",
                "language",
                "employee_code",
            ]
        )
        # Two years of responses in time order, as survey tools export them.
        step = 2 * 365 * 86400 / rows
        for i in range(rows):
            when = start + timedelta(seconds=int(i * step))
            out.writerow(
                [
                    f"U{rng.randrange(UNITS):04d}",
                    f"tp-{rng.randrange(TOUCHPOINTS)}",
                    when.strftime("%Y-%m-%d %H:%M:%S"),
                    rng.randrange(11),
                    rng.choice(["", "1", "2", "3", "4", "5"]),
                    rng.choice(["", "", "3", "5", "7"]),
                    rng.choice(COMMENTS),
                    f"bench-{rows}-{i}",
                    rng.choice(["fr", "fr", "en"]),
                    rng.choice(["", "", f"E{rng.randrange(EMPLOYEES):04d}"]),
                ]
            )
    tmp.rename(path)
    return path


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def postgres_reachable() -> bool:
    import psycopg

    admin = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def recreate_postgres() -> None:
    import psycopg

    admin = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    name = POSTGRES_URL.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def child(rows: int, database: str) -> None:
    """One import in this process: prints a JSON line with the figures."""
    os.environ["SILLAGE_ENV"] = "test"
    # As in production: what follows an import (rollups, text analysis, alert rules) is queued
    # for the task worker, not run inside the import; the rollups are timed on their own below.
    os.environ["TASKS_BACKEND"] = "database"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    workdir = Path(tempfile.mkdtemp(prefix="sillage-bench-"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    if database == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        os.environ["DATABASE_URL"] = POSTGRES_URL
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sillage.accounts.models import Membership, Organization, Unit, User
    from sillage.feedback.importing import services
    from sillage.feedback.models import (
        Channel,
        ImportJob,
        Journey,
        Response,
        Stage,
        Touchpoint,
    )

    org = Organization.objects.create(name="Banc d'essai", slug="banc")
    root = Unit.add(organization=org, parent=None, code="ROOT", name_fr="Siège")
    for i in range(UNITS):
        Unit.add(organization=org, parent=root, code=f"U{i:04d}", name_fr=f"Succursale {i}")
    journey = Journey.objects.create(organization=org, code="j", name_fr="Parcours")
    stage = Stage.objects.create(organization=org, journey=journey, name_fr="Étape")
    for i in range(TOUCHPOINTS):
        Touchpoint.objects.create(
            organization=org, stage=stage, code=f"tp-{i}", channel=Channel.BRANCH, name_fr=f"P{i}"
        )
    for i in range(EMPLOYEES):
        user = User.objects.create_user(email=f"e{i}@banc.test", password=None)
        Membership.objects.create(
            user=user, organization=org, unit=root, role="employee", employee_code=f"E{i:04d}"
        )
    # One response already recorded with an external id, so that the check really looks every
    # id up in the database (an organisation with none skips nothing, but be fair).
    Response.objects.create(
        organization=org,
        unit=root,
        source="api",
        external_id="legacy-1",
        submitted_at=datetime(2022, 1, 1, tzinfo=UTC),
        nps=9,
    )
    path = csv_path(rows)
    with path.open("rb") as fh:
        job = services.import_upload(
            organization=org, user=None, upload=File(fh, name=path.name), name=path.name
        )
    job = ImportJob.objects.select_related("organization").get(pk=job.pk)
    job.status = "validating"
    job.save(update_fields=["status"])
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0 = cpu_seconds()
    started = time.perf_counter()
    services.import_run(job_id=job.pk)
    checked = time.perf_counter()
    cpu1 = cpu_seconds()
    rss_checked = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job.refresh_from_db()
    if job.status != "valid":
        raise SystemExit(f"check failed: {job.status} {job.errors[:3]}")
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    services.import_run(job_id=job.pk)
    committed = time.perf_counter()
    cpu2 = cpu_seconds()
    job.refresh_from_db()
    count = Response.objects.filter(import_job=job).count()  # one COUNT, not timed
    if job.status != "done" or count != rows:
        raise SystemExit(f"commit failed: {job.status} {count} rows {job.errors[:3]}")
    from sillage.insights.services import rollups_refresh_import

    rollup_started = time.perf_counter()
    rollups_refresh_import(import_job_id=job.pk)
    rollups_s = time.perf_counter() - rollup_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "database": database,
                "check_s": round(checked - started, 2),
                "commit_s": round(committed - checked, 2),
                "check_cpu_s": round(cpu1 - cpu0, 2),
                "commit_cpu_s": round(cpu2 - cpu1, 2),
                "rollups_s": round(rollups_s, 2),
                "rss_before_mib": round(rss_before / 1024, 1),
                "rss_checked_mib": round(rss_checked / 1024, 1),
                "peak_rss_mib": round(peak_kib / 1024, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("ROWS", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1])
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    databases = ["sqlite"]
    if not args.no_postgres and postgres_reachable():
        databases.append("postgresql")
    print(
        f"{'database':<11} {'rows':>9} {'check rows/s':>13} {'commit rows/s':>14} "
        f"{'total rows/s':>13} {'per CPU-s':>12} {'peak RSS':>10} {'rollups':>9}"
    )
    print(f"(load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    for rows in sizes:
        generate(rows)
    for database in databases:
        for rows in sizes:
            if database == "postgresql":
                recreate_postgres()
            run = subprocess.run(
                [sys.executable, __file__, "--child", str(rows), database],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if run.returncode:
                last = (run.stderr.strip().splitlines() or ["?"])[-1]
                print(f"{database:<11} {rows:>9,}  failed: {last}")
                continue
            figures = json.loads(run.stdout.strip().splitlines()[-1])
            check, commit = figures["check_s"], figures["commit_s"]
            cpu = figures["check_cpu_s"] + figures["commit_cpu_s"]
            print(
                f"{database:<11} {rows:>9,} {rows / check:>13,.0f} {rows / commit:>14,.0f} "
                f"{rows / (check + commit):>13,.0f} {rows / cpu:>12,.0f} "
                f"{figures['peak_rss_mib']:>6.0f} MiB {figures['rollups_s']:>7.1f} s"
            )


if __name__ == "__main__":
    main()

"""HTTP ingestion benchmark: how many responses per second Sillage records over HTTP.

    .venv/bin/python bench/http_ingest.py [--seconds 15] [--connections 50] [--only sqlite]

Needs gunicorn (a project dependency) and wrk (Debian: `apt-get install -y wrk`). For each
database (a SQLite file in a temporary directory; PostgreSQL database `sillage_bench` on
127.0.0.1 when one answers, dropped and created again), it migrates, creates an
organisation, a unit, a touchpoint, a published survey, a survey link and an API token, starts
gunicorn (sync workers, persistent database connections) on 127.0.0.1, then drives it with
wrk:

  (a) GET /healthz — a trivial Django view and one `SELECT 1`: the ceiling;
  (b) POST /api/v1/responses — one response per call, each with a new external_id;
  (c) POST /s/<link token> — the public survey form, as a customer's browser sends it (the
      minimum fill time is 0 and the per-IP rate limit off for the bench server only).

It prints requests/s, p50 and p99 beside the ceiling, and checks after each write run that
the rows recorded match the successful answers: at least one row per success (nothing lost),
and no more rows than requests sent (nothing doubled). Requests still in flight when wrk stops
may be recorded without their answer being read, hence "between". Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "sillage_bench"

# The bench server's settings: the project's, with the public form's anti-abuse relaxed (one
# client address sends thousands of answers a second) and persistent connections on SQLite too.
SETTINGS = """
from config.settings import *  # noqa: F403

SILLAGE_SURVEY_MIN_SECONDS = 0
SILLAGE_PUBLIC_RATE_LIMIT = (0, 600)  # 0: no limit
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
"""

# Counts what wrk sent and what came back, across its threads; prints one parsable line.
LUA_COMMON = """
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  sent = 0; ok = 0; other = 0; statuses = {}
end
function response(status, headers, body)
  if status >= 200 and status < 400 then ok = ok + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local total_sent, total_ok, total_other = 0, 0, 0
  for _, t in ipairs(threads) do
    total_sent = total_sent + t:get("sent")
    total_ok = total_ok + t:get("ok")
    total_other = total_other + t:get("other")
  end
  io.write(string.format("BENCH sent=%d ok=%d other=%d rps=%.1f p50=%.2f p99=%.2f\\n",
    total_sent, total_ok, total_other, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""
LUA_GET = """
function request()
  sent = sent + 1
  return wrk.format("GET", "/healthz")
end
"""
LUA_API = """
function request()
  sent = sent + 1
  local body = string.format(
    '{"survey_id": %(survey)d, "unit": %(unit)d, "touchpoint": %(touchpoint)d, '
    .. '"answers": {"nps": 9, "liked": "Service rapide et courtois."}, '
    .. '"external_id": "bench-%%d-%%d"}', tid, sent)
  return wrk.format("POST", "/api/v1/responses", {
    ["Authorization"] = "Bearer %(token)s",
    ["Content-Type"] = "application/json"}, body)
end
"""
LUA_FORM = """
function request()
  sent = sent + 1
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/x-www-form-urlencoded"}, "%(body)s")
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--server-threads",
        type=int,
        default=1,
        metavar="N",
        help="threads per gunicorn worker: 1, sync workers; more, gthread workers",
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="one database only")
    parser.add_argument(
        "--tasks",
        choices=["database", "immediate"],
        default="database",
        help="database: follow-up work (rollups…) queued for a `db_worker` running beside "
        "gunicorn, as in production; immediate: run inside each request",
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=0,
        metavar="N",
        help="run the task worker under `nice -n N`, below the web server's priority",
    )
    parser.add_argument(
        "--in-process",
        type=int,
        default=0,
        metavar="N",
        help="also time N requests of each kind in one process (config.wsgi called directly, real "
        "commits): the CPU a request costs without HTTP server, network or neighbours",
    )
    parser.add_argument("--fixture", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--time-requests", metavar="FIXTURE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fixture:
        print(json.dumps(make_fixture()))
        return
    if args.time_requests:
        time_requests(json.loads(args.time_requests), args.in_process)
        return
    for tool in ("wrk", str(GUNICORN)):
        if subprocess.run(["which", tool], capture_output=True).returncode:  # noqa: S607
            sys.exit(f"{tool} is missing (wrk: apt-get install -y wrk)")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(
        f"gunicorn: {args.workers} {worker_kind(args)} workers; wrk: {args.threads} threads, "
        f"{args.connections} connections, {args.seconds} s per run\n"
    )
    with tempfile.TemporaryDirectory(prefix="sillage-bench-") as work:
        workdir = Path(work)
        (workdir / "bench_settings.py").write_text(SETTINGS)
        databases = [args.only] if args.only else ["sqlite", "postgres"]
        for database in databases:
            url = prepare_database(database, workdir)
            if url is None:
                print(f"{database}: not reachable, skipped\n")
                continue
            run_database(database, url, workdir, args)


def worker_kind(args: argparse.Namespace) -> str:
    if args.server_threads == 1:
        return "sync"
    return f"gthread ({args.server_threads} threads each)"


def prepare_database(database: str, workdir: Path) -> str | None:
    if database == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except psycopg.OperationalError:
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_BENCH_DB


def server_env(url: str, workdir: Path, tasks: str = "database") -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{workdir}{os.pathsep}{ROOT}",
        "SILLAGE_ENV": "development",
        "DEBUG": "0",  # DEBUG keeps every query in memory
        "TASKS_BACKEND": tasks,
        "LOG_LEVEL": "ERROR",
        "PYTHONWARNINGS": "ignore::UserWarning",  # "No directory at var/static": no static here
    }


def run_database(database: str, url: str, workdir: Path, args: argparse.Namespace) -> None:
    env = server_env(url, workdir, args.tasks)
    started = time.perf_counter()
    migrate = subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if migrate.returncode:
        last = (migrate.stderr.strip().splitlines() or ["?"])[-1]
        print(f"== {database}: migrate failed, skipped ({last})\n")
        return
    fixture = json.loads(
        subprocess.run(
            [str(PYTHON), __file__, "--fixture"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    print(f"== {database} (migrated and set up in {time.perf_counter() - started:.1f} s)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "config.wsgi:application",
            f"--workers={args.workers}",
            f"--worker-class={'sync' if args.server_threads == 1 else 'gthread'}",
            f"--threads={args.server_threads}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    worker = None
    if args.tasks == "database":
        niced = ["nice", "-n", str(args.worker_nice)] if args.worker_nice else []
        worker = subprocess.Popen(
            [*niced, str(PYTHON), "manage.py", "db_worker", "--interval", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    try:
        wait_until_up(base + "/healthz")
        counter = RowCounter(url)
        cpu = CpuMeter(server.pid, worker.pid if worker else None)
        ceiling = wrk(args, base, workdir / "get.lua", LUA_COMMON + LUA_GET)
        report("GET /healthz (ceiling)", ceiling, None, cpu=cpu.per_request(ceiling))
        lua = LUA_COMMON + LUA_API % fixture
        before = counter.count("api")
        cpu = CpuMeter(server.pid, worker.pid if worker else None)
        result = wrk(args, base, workdir / "api.lua", lua)
        rows = counter.settled("api", before, result)
        follow_up = counter.follow_up()  # the worker's CPU is read once it has caught up
        report("POST /api/v1/responses", result, ceiling, rows, cpu.per_request(result))
        print(f"  {'':<32} {follow_up}")
        form = form_body(base, fixture["link_token"])
        if form is None:
            print("  POST /s/<token>: TODO — the public survey page does not answer yet")
        else:
            lua = LUA_COMMON + LUA_FORM % {"path": f"/s/{fixture['link_token']}", "body": form}
            before = counter.count("link")
            cpu = CpuMeter(server.pid, worker.pid if worker else None)
            result = wrk(args, base, workdir / "form.lua", lua)
            rows = counter.settled("link", before, result)
            follow_up = counter.follow_up()
            report("POST /s/<token> (public form)", result, ceiling, rows, cpu.per_request(result))
            print(f"  {'':<32} {follow_up}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    # After the runs, so that their rows wait for no follow-up during the ceiling's run.
    if args.in_process:
        timed = subprocess.run(
            [str(PYTHON), __file__, "--time-requests", json.dumps(fixture),
             "--in-process", str(args.in_process)],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        print(timed.stdout, end="")
    print()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - 127.0.0.1
                if answer.status == 200:
                    return
        time.sleep(0.2)
    sys.exit(f"the bench server did not answer at {url}")


def wrk(args: argparse.Namespace, base: str, script: Path, lua: str) -> dict[str, float]:
    script.write_text(lua)
    output = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--timeout=10s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"^BENCH (.*)$", output, re.MULTILINE)
    if match is None:
        sys.exit(f"wrk printed no figures:\n{output}")
    return {key: float(value) for key, value in re.findall(r"(\w+)=([\d.]+)", match[1])}


class CpuMeter:
    """CPU seconds used by the gunicorn workers and by the task worker since creation, read
    from /proc (Linux): what a request costs the machine, apart from the neighbours' load."""

    def __init__(self, server_pid: int, worker_pid: int | None) -> None:
        self.server_pid, self.worker_pid = server_pid, worker_pid
        self.start = self.read()

    @staticmethod
    def _stat(pid: int) -> list[str] | None:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        return text.rsplit(")", 1)[1].split()  # fields from the state on (3rd)

    def _tree(self, root: int) -> float:
        """utime + stime of root and its live children (gunicorn's workers), seconds."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            fields = self._stat(int(entry.name))
            if fields and (int(entry.name) == root or int(fields[1]) == root):
                total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def read(self) -> tuple[float, float]:
        if not Path("/proc/self/stat").exists():
            return (0.0, 0.0)
        worker = self._tree(self.worker_pid) if self.worker_pid else 0.0
        return self._tree(self.server_pid), worker

    def per_request(self, result: dict[str, float]) -> str:
        """Milliseconds of CPU per request sent, in gunicorn and in the task worker."""
        end = self.read()
        sent = max(result["sent"], 1)
        server = 1000 * (end[0] - self.start[0]) / sent
        worker = 1000 * (end[1] - self.start[1]) / sent
        return f"CPU per request: gunicorn {server:.2f} ms, task worker {worker:.2f} ms"


def report(
    label: str,
    result: dict[str, float],
    ceiling: dict[str, float] | None,
    rows: str = "",
    cpu: str = "",
) -> None:
    share = f"  ({100 * result['rps'] / ceiling['rps']:.0f} % of the ceiling)" if ceiling else ""
    print(
        f"  {label:<32} {result['rps']:>8.0f} req/s   p50 {result['p50']:>6.1f} ms   "
        f"p99 {result['p99']:>6.1f} ms{share}"
    )
    failures = int(result["other"])
    print(
        f"  {'':<32} {int(result['ok'])} answered 2xx/3xx, {failures} failed, "
        f"{int(result['sent'])} sent{rows}"
    )
    if cpu:
        print(f"  {'':<32} {cpu}")


class RowCounter:
    """Responses in the bench database, read straight from SQLite or PostgreSQL."""

    SQL = "SELECT count(*), count(DISTINCT external_id) FROM feedback_response WHERE source = %s"

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, source: str) -> tuple[int, int]:
        if self.url.startswith("sqlite:///"):
            with contextlib.closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as db:
                return db.execute(self.SQL.replace("%s", "?"), (source,)).fetchone()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as db:
            return db.execute(self.SQL, (source,)).fetchone()

    def count(self, source: str) -> int:
        return self.rows(source)[0]

    PENDING = "SELECT count(*) FROM feedback_response WHERE follow_up_pending"

    def pending(self) -> int:
        """Responses whose follow-up (rollups, text analysis, alert rules) has not run yet."""
        if self.url.startswith("sqlite:///"):
            with contextlib.closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as db:
                return db.execute(self.PENDING).fetchone()[0]
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as db:
            return db.execute(self.PENDING).fetchone()[0]

    def follow_up(self, timeout: float = 300) -> str:
        """How many responses still wait for their follow-up at the bell, and how long the
        worker takes to catch up."""
        started = time.monotonic()
        waiting = self.pending()
        left = waiting
        while left and time.monotonic() - started < timeout:
            time.sleep(0.5)
            left = self.pending()
        took = time.monotonic() - started
        if left:
            return f"follow-up: {waiting} waiting at the bell, {left} still after {took:.0f} s"
        return f"follow-up: {waiting} waiting at the bell, all done {took:.1f} s later"

    def settled(self, source: str, before: int, result: dict[str, float]) -> str:
        time.sleep(1)  # let the requests wrk abandoned at the bell finish
        rows, distinct = self.rows(source)
        new = rows - before
        ok, sent = int(result["ok"]), int(result["sent"])
        verdict = "OK" if ok <= new <= sent else "MISMATCH"
        if source == "api" and distinct != rows:
            verdict = "DUPLICATE external_id"
        return f"; {new} rows recorded: {verdict} ({ok} ≤ rows ≤ {sent})"


class FormFields(HTMLParser):
    """The hidden fields of the survey form, and whether there is one."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.has_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.has_form = True
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.hidden[attributes["name"] or ""] = attributes.get("value") or ""


def form_body(base: str, token: str) -> str | None:
    """The urlencoded body a browser sends: the page's hidden fields (its signed stamp
    among them) and the answers. None when the page is not there."""
    from urllib.parse import urlencode

    try:
        with urllib.request.urlopen(f"{base}/s/{token}", timeout=5) as answer:  # noqa: S310
            page = answer.read().decode()
    except OSError:
        return None
    fields = FormFields()
    fields.feed(page)
    if not fields.has_form or "sv.stamp" not in fields.hidden:
        return None
    answers = {"nps": "9", "liked": "Service rapide et courtois.", "csat": "5"}
    return urlencode({**fields.hidden, **answers}).replace('"', "%22")


def time_requests(fixture: dict[str, Any], count: int) -> None:
    """Run in a child process: CPU per request in this one process, each request committed,
    through the application gunicorn serves (config.wsgi, its middleware chains included)."""
    import io
    from urllib.parse import urlencode
    from wsgiref.util import setup_testing_defaults

    from config.wsgi import application

    def call(method: str, path: str, body: bytes = b"", **headers: str) -> int:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            **{f"HTTP_{k.upper()}": v for k, v in headers.items() if k != "content_type"},
        }
        if "content_type" in headers:
            environ["CONTENT_TYPE"] = headers["content_type"]
        setup_testing_defaults(environ)
        status: list[int] = []
        result = application(environ, lambda line, _headers, *_: status.append(int(line[:3])))
        b"".join(result)
        result.close()  # type: ignore[attr-defined]
        return status[0]

    environ: dict[str, Any] = {"PATH_INFO": f"/s/{fixture['link_token']}"}
    setup_testing_defaults(environ)
    fields = FormFields()
    fields.feed(b"".join(application(environ, lambda *_: None)).decode())
    form = urlencode({**fields.hidden, "nps": "9", "liked": "Service rapide et courtois.",
                      "csat": "5"}).encode()  # fmt: skip

    def healthz(i: int) -> int:
        return call("GET", "/healthz")

    def api(i: int) -> int:
        body = json.dumps({
            "survey_id": fixture["survey"], "unit": fixture["unit"],
            "touchpoint": fixture["touchpoint"], "external_id": f"in-process-{i}",
            "answers": {"nps": 9, "liked": "Service rapide et courtois."},
        }).encode()  # fmt: skip
        return call("POST", "/api/v1/responses", body, content_type="application/json",
                    authorization=f"Bearer {fixture['token']}")  # fmt: skip

    def form_post(i: int) -> int:
        return call("POST", f"/s/{fixture['link_token']}", form,
                    content_type="application/x-www-form-urlencoded")  # fmt: skip

    print(f"  in one process ({count} requests each, best of 3 series, CPU per request):")
    for label, run in (("GET /healthz", healthz), ("POST /api/v1/responses", api),
                       ("POST /s/<token>", form_post)):  # fmt: skip
        best = float("inf")
        for series in range(4):  # the first warms up
            started = time.process_time()
            for i in range(count):
                status = run(series * count + i)
                if status not in (200, 201, 303):
                    sys.exit(f"{label}: HTTP {status}")
            if series:
                best = min(best, (time.process_time() - started) / count)
        print(f"  {label:<32} {1000 * best:>8.2f} ms")


def make_fixture() -> dict[str, Any]:
    """Run in a child process against the bench database: what the runs need."""
    import django

    django.setup()
    from sillage.accounts.models import ApiToken, Organization, Role, Unit
    from sillage.feedback.models import (
        Channel,
        Journey,
        Question,
        QuestionType,
        Stage,
        Survey,
        SurveyLink,
        Touchpoint,
    )
    from sillage.feedback.services import survey_publish

    org = Organization.objects.create(name="Banc d'essai", slug="bench")
    unit = Unit.add(organization=org, parent=None, code="B1", name_fr="Succursale d'essai")
    journey = Journey.objects.create(organization=org, code="visite", name_fr="Visite")
    stage = Stage.objects.create(organization=org, journey=journey, name_fr="Comptoir")
    touchpoint = Touchpoint.objects.create(
        organization=org, stage=stage, code="comptoir", channel=Channel.BRANCH, name_fr="Comptoir"
    )
    survey = Survey.objects.create(
        organization=org, name_fr="Visite", name_en="Visit", touchpoint=touchpoint
    )
    questions = [
        ("nps", QuestionType.NPS, "", None, None),
        ("liked", QuestionType.LONG_TEXT, "nps", 9, 10),
        ("csat", QuestionType.CSAT, "", None, None),
    ]
    for rank, (key, kind, show_if_key, low, high) in enumerate(questions):
        Question.objects.create(
            survey=survey,
            key=key,
            rank=rank,
            type=kind,
            text_fr=key,
            text_en=key,
            required=key == "nps",
            show_if_key=show_if_key,
            show_if_min=low,
            show_if_max=high,
        )
    survey_publish(survey=survey, user=None)
    link = SurveyLink.objects.create(
        organization=org, survey=survey, unit=unit, touchpoint=touchpoint
    )
    _token, raw = ApiToken.issue(organization=org, name="bench", role=Role.CX_LEAD)
    return {
        "token": raw,
        "unit": unit.pk,
        "touchpoint": touchpoint.pk,
        "survey": survey.pk,
        "link_token": link.token,
    }


if __name__ == "__main__":
    main()

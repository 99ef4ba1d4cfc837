"""Production settings: hardened, and refusing to start without real secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "Zq8#pLr2!vN6@tY4$wE0^uI3&oP9*aS5(dF7)gH1"


def manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SILLAGE_ENV", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SILLAGE_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="sillage.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", ["", "short", "dev-only-insecure-key-never-use-in-production"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    result = manage(
        "check", SILLAGE_ENV="production", SECRET_KEY=key, ALLOWED_HOSTS="sillage.example.com"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_requires_allowed_hosts():
    result = manage("check", SILLAGE_ENV="production", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    # The test database is in memory (no WAL there), so check what a file database gets.
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        connection_ = sqlite3.connect(Path(folder) / "x.sqlite3")
        for statement in options["init_command"].split(";"):
            if statement.strip():
                connection_.execute(statement)
        assert connection_.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        connection_.close()


def test_security_headers_on_pages(client, db):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_postgresql_plans_a_repeated_statement_once(db):
    """Prepared statements: the sixth run of a statement on a connection reuses its plan."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT COUNT(*) FROM accounts_organization WHERE id = %s", [0])
        cursor.execute(
            "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s AND NOT from_sql",
            ["%FROM accounts_organization WHERE id = $1%"],
        )
        assert cursor.fetchone()[0] == 1


def settings_options(**env):
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARED_STATEMENTS"}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    url = "postgres://sillage@db.example:5432/sillage"
    assert '"prepare_threshold": 5' in settings_options(DATABASE_URL=url)
    off = settings_options(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0")
    assert "prepare_threshold" not in off
    assert "server_side_binding" not in off

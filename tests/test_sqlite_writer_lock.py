"""SQLite writers queue on a lock file (sillage/db/sqlite3): taken at BEGIN, released at
COMMIT or ROLLBACK, whatever happens in between."""

import fcntl
import os
import threading
import time

import pytest
from django.db import connection

from sillage.db.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backend only")


def wrapper(path, alias):
    settings = {
        **connection.settings_dict,
        "ENGINE": "sillage.db.sqlite3",
        "NAME": str(path),
        "TEST": {},
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 5,
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }
    return DatabaseWrapper(settings, alias=alias)


def lock_is_free(path) -> bool:
    """Whether another process could take the writer lock now."""
    fd = os.open(f"{path}.writer-lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def begin(db):
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(db, how):
    getattr(db, how)()
    db.set_autocommit(True)


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """A database file of its own (not the test database), with two columns."""
    path = tmp_path / "lock.sqlite3"
    with django_db_blocker.unblock():
        first = wrapper(path, "first")
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        yield path, first
        first.close()


@pytest.mark.parametrize("how", ["commit", "rollback"])
def test_the_lock_is_held_from_begin_to_the_end_of_the_transaction(database, how):
    path, db = database
    assert lock_is_free(path)
    begin(db)
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO t (v) VALUES ('a')")
    assert not lock_is_free(path)
    end(db, how)
    assert lock_is_free(path)


def test_closing_a_connection_in_a_transaction_lets_go(database):
    path, db = database
    begin(db)
    assert not lock_is_free(path)
    db.close()
    assert lock_is_free(path)


def test_a_second_writer_waits_for_the_first_and_loses_nothing(database):
    path, first = database
    order = []

    def write_later():
        second = wrapper(path, "second")
        begin(second)  # waits for the first writer
        order.append("second began")
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('second')")
        end(second, "commit")
        second.close()

    begin(first)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t (v) VALUES ('first')")
    thread = threading.Thread(target=write_later)
    thread.start()
    time.sleep(0.2)
    assert order == []  # still waiting
    order.append("first committed")
    end(first, "commit")
    thread.join(timeout=5)
    assert order == ["first committed", "second began"]
    with first.cursor() as cursor:
        cursor.execute("SELECT v FROM t ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]


def test_a_failed_begin_lets_go(database, monkeypatch):
    path, db = database

    def broken(self):
        raise RuntimeError("BEGIN failed")

    monkeypatch.setattr(
        "django.db.backends.sqlite3.base.DatabaseWrapper._start_transaction_under_autocommit",
        broken,
    )
    with pytest.raises(RuntimeError):
        begin(db)
    assert lock_is_free(path)


def test_the_project_uses_it_for_sqlite():
    assert connection.settings_dict["ENGINE"] == "sillage.db.sqlite3"


def test_a_lone_statement_queues_on_the_lock_without_a_transaction(database):
    """`writer_lock()`: one INSERT in autocommit (SQLite commits it as it ends) waits for a
    writer's transaction like a transaction would, and lets go after it."""
    path, first = database
    order = []

    def insert_alone():
        second = wrapper(path, "second")
        with second.writer_lock():
            order.append("second has the lock")
            assert not second.in_atomic_block
            with second.cursor() as cursor:
                cursor.execute("INSERT INTO t (v) VALUES ('alone') RETURNING id")
                cursor.fetchone()
        order.append("second let go")
        second.close()

    begin(first)
    thread = threading.Thread(target=insert_alone)
    thread.start()
    time.sleep(0.2)
    assert order == []  # waits for the first writer
    end(first, "commit")
    thread.join(timeout=5)
    assert order == ["second has the lock", "second let go"]
    assert lock_is_free(path)
    with first.cursor() as cursor:
        cursor.execute("SELECT v FROM t")
        assert [row[0] for row in cursor.fetchall()] == ["alone"]  # committed


def test_a_transaction_inside_a_lone_statements_lock_does_not_let_go_early(database):
    path, db = database
    with db.writer_lock():
        begin(db)  # e.g. a task queued by an on_commit callback
        end(db, "commit")
        assert not lock_is_free(path)  # still the lone statement's
    assert lock_is_free(path)

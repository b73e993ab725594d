"""The demo district, built once per test run and shared by every worker that runs its tests.

The first worker to need it builds it, under a lock in the run's folder; the others wait for it
and load the result: a build costs some 40 s of CPU, a load under a second. The demo's tests
then spread over the workers like any other tests (the root conftest's scheduler), each in its
own transaction rolled back after it.

- SQLite: the worker's in-memory test database is saved aside, the demo is written into it and
  committed, and a copy is left in the run's folder; another worker copies that file into its
  own database (SQLite's backup API). When the package ends, each puts its own database back.
- PostgreSQL: the demo is built in a database of the run, made from the worker's own
  (CREATE DATABASE … TEMPLATE); each worker runs the demo's tests on a copy of that one, then
  drops the copy and goes back to its own database. The run's database is dropped when the run
  ends (root conftest, `drop_run_demo_database`)."""

import fcntl
import sqlite3
from contextlib import closing, contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from conftest import run_database_name, run_folder

PASSWORD = "demo-test-pw-2023"


@contextmanager
def _locked(path: Path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build() -> str:
    """Build the demo in the connected database and commit it; what `manage.py demo` printed."""
    from conftest import FAST_HASHERS, ensure_rules

    ensure_rules()  # a browser test's flush before this one took them away
    out = StringIO()
    # The demo users' shared password hashed as every test's are (PBKDF2 costs half a second of
    # CPU a hash, and a check of it as much: test_demo_logins checks it twice).
    hashers = override_settings(PASSWORD_HASHERS=FAST_HASHERS)
    with transaction.atomic(), foreign_keys_checked_once(), hashers:
        call_command("demo", password=PASSWORD, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="package")
def demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district in the test database for the package's tests; yields what
    `manage.py demo` printed."""
    folder = run_folder(request.config, tmp_path_factory)
    printed = folder / "demo.txt"
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with _on_postgresql(folder, printed) as out:
                yield out
        else:
            with _on_sqlite(folder, printed, tmp_path_factory) as out:
                yield out


@contextmanager
def _on_sqlite(folder: Path, printed: Path, tmp_path_factory):
    connection.ensure_connection()
    own = connection.connection
    aside = sqlite3.connect(tmp_path_factory.mktemp("before-demo") / "db.sqlite3")
    own.backup(aside)
    try:
        shared = folder / "demo.sqlite3"
        with _locked(folder / "demo.lock"):
            if not printed.exists():
                out = _build()
                with closing(sqlite3.connect(shared)) as copy:
                    own.backup(copy)
                printed.write_text(out)
            else:
                with closing(sqlite3.connect(shared)) as copy:
                    copy.backup(own)
        yield printed.read_text()
    finally:
        aside.backup(own)
        aside.close()


@contextmanager
def _on_postgresql(folder: Path, printed: Path):
    own = connection.settings_dict["NAME"]
    shared = run_database_name(folder, "demo")
    mine = f"{own}_demo"

    def use(name):
        connection.close()
        connection.settings_dict["NAME"] = name

    try:
        with _locked(folder / "demo.lock"):
            if not printed.exists() or not _exists(shared):
                use(own)
                connection.close()
                _create(shared, template=own)
                use(shared)
                out = _build()
                printed.write_text(out)
                connection.close()
            _create(mine, template=shared)
        use(mine)
        yield printed.read_text()
    finally:
        use(own)
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{mine}"')


def _exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _create(name: str, *, template: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')


@contextmanager
def foreign_keys_checked_once(tables: list[str] | None = None):
    """PostgreSQL checks a deferred foreign key with one trigger call per row written: for the
    demo's ~1.700.000 references, about 20 s of the server's time, half the build. Where the
    test database's user may (a superuser: the cluster `make test` starts), the triggers are
    off while the demo is built and every foreign key of every table is checked afterwards with
    one query each, which finds the same rows in about a second; elsewhere, and on SQLite (its
    check at the end of each test is one pass already), the build runs as it is. `tables`:
    those whose references are checked (every table by default)."""
    if connection.vendor != "postgresql" or not _replica_role():
        yield
        return
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
    dangling = _dangling_references(tables)
    assert not dangling, f"the demo writes rows that point nowhere: {dangling}"


def _replica_role() -> bool:
    """Turn PostgreSQL's triggers off until the transaction ends, if this user may."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def _dangling_references(tables: list[str] | None = None) -> list[str]:
    """'table.column -> table.column (n rows)' for each foreign key some row of `tables` (every
    table by default) breaks."""
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table in tables or connection.introspection.table_names(cursor):
            relations = connection.introspection.get_relations(cursor, table)
            for column, (target_column, target_table, *_) in relations.items():
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} AS r WHERE r.{quote(column)} IS NOT NULL"  # noqa: S608
                    f" AND NOT EXISTS (SELECT 1 FROM {quote(target_table)} AS t"
                    f" WHERE t.{quote(target_column)} = r.{quote(column)})"
                )
                (count,) = cursor.fetchone()
                if count:
                    found.append(f"{table}.{column} -> {target_table}.{target_column} ({count})")
    return found

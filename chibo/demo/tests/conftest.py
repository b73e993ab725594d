"""The demo district, built once per test run and shared by every worker that runs its tests.

The first worker to need it builds it, under a lock in the run's folder; another would wait for
it and load the result: a build costs some 40 s of CPU, a load under a second. Under
pytest-xdist the demo's tests all go to one worker (the root conftest's scheduler), each in its
own transaction rolled back after it.

- SQLite: the worker's in-memory test database is saved aside, the demo is written into it and
  committed, and a copy is left in the run's folder; another worker copies that file into its
  own database (SQLite's backup API). When the package ends, each puts its own database back.
- PostgreSQL: the demo is built in a database of the run, made from the worker's own
  (CREATE DATABASE … TEMPLATE); each worker runs the demo's tests on a copy of that one, then
  drops the copy and goes back to its own database. The run's database is dropped when the run
  ends (root conftest, `drop_run_demo_database`).

`make test` runs the SQLite suite, then the PostgreSQL one, and builds the demo once for both:
it gives both a folder in CHIBO_TEST_DEMO_SHARE, where the SQLite suite leaves its built demo
(and says when it ends without one); the PostgreSQL suite waits for it (should the two ever run
side by side) and copies its rows in (COPY, foreign-key triggers off: the rows were checked by
SQLite as they were written; the plain indexes made after the rows), some 13 s less of the
client's CPU than a build and 5 s less of the server's. The demo's tests then run on PostgreSQL
as on SQLite. Either suite run alone builds its own demo, as before; the builder's PostgreSQL
paths keep their tests on a few rows (chibo/demo/test_rows.py)."""

import fcntl
import os
import sqlite3
import time
from contextlib import closing, contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from conftest import run_database_name, run_folder

SHARE = "CHIBO_TEST_DEMO_SHARE"  # `make test`: where the SQLite suite's demo waits for the other
SHARE_WAIT = 20 * 60  # seconds: more than the SQLite suite takes to build it on a busy machine

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
                _offer(shared, out)
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
        ContentType.objects.clear_cache()  # a loaded demo's content types have its own ids

    try:
        with _locked(folder / "demo.lock"):
            if not printed.exists() or not _exists(shared):
                use(own)
                connection.close()
                _create(shared, template=own)
                use(shared)
                # (the copy turns the foreign-key triggers off: a superuser's, as in `make test`)
                source = _offered() if _replica_role() else None
                out = _load(source) if source else _build()
                printed.write_text(out)
                connection.close()
            _create(mine, template=shared)
        use(mine)
        yield printed.read_text()
    finally:
        use(own)
        ContentType.objects.clear_cache()  # the ids of the database left
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{mine}"')


def _share() -> Path | None:
    folder = os.environ.get(SHARE)
    return Path(folder) if folder else None


def _offer(built: Path, printed: str) -> None:
    """SQLite: leave the built demo in the share for the PostgreSQL suite (`ready` last)."""
    share = _share()
    if share is None:
        return
    (share / "demo.txt").write_text(printed)
    with closing(sqlite3.connect(built)) as source, closing(sqlite3.connect(share / "tmp")) as c:
        source.backup(c)
    (share / "tmp").rename(share / "demo.sqlite3")
    (share / "ready").touch()


def say_no_demo_is_coming() -> None:
    """The SQLite suite ended without building the demo (none of its tests asked for it, or the
    build failed): the PostgreSQL suite stops waiting and builds its own."""
    share = _share()
    if share is not None and not (share / "ready").exists():
        (share / "none").touch()


def _offered() -> Path | None:
    """PostgreSQL: the SQLite suite's demo, once it is there; None if it is not coming."""
    share = _share()
    if share is None:
        return None
    deadline = time.monotonic() + SHARE_WAIT
    while time.monotonic() < deadline:
        if (share / "ready").exists():
            return share / "demo.sqlite3"
        if (share / "none").exists():
            return None
        time.sleep(0.5)
    return None


def _load(source: Path) -> str:
    """Copy every row of the SQLite demo into the connected PostgreSQL database (migrated the
    same way: the same tables and columns), in place of what it held; what the build printed."""
    from chibo.demo.rows import indexes_built_after

    with closing(sqlite3.connect(source)) as rows_from, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            tables = _columns(cursor)
            cursor.execute("TRUNCATE " + ", ".join(map(connection.ops.quote_name, tables)))
        with indexes_built_after(*_models()):
            for table, columns in tables.items():
                copy_rows(rows_from, table, columns)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
            for sql in connection.ops.sequence_reset_sql(no_style(), _models()):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, as after a build (and its copies)
    return (source.parent / "demo.txt").read_text()


def _models() -> list:
    """The models that have a table of their own (m2m tables included)."""
    every = apps.get_models(include_auto_created=True)
    return [m for m in every if m._meta.managed and not m._meta.proxy]


def _columns(cursor) -> dict[str, list[str]]:
    """{table: its columns in order} of the connected PostgreSQL database, but its migrations'
    history (its own)."""
    cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name <> 'django_migrations'"
        " ORDER BY table_name, ordinal_position"
    )
    columns: dict[str, list[str]] = {}
    for table, column in cursor.fetchall():
        columns.setdefault(table, []).append(column)
    return columns


def copy_rows(rows_from: sqlite3.Connection, table: str, columns: list[str]) -> None:
    """COPY the rows of `table` in the SQLite database `rows_from` into the same table of the
    connected PostgreSQL database (text COPY: the server reads SQLite's 0/1, ISO dates and times,
    32-digit uuids and JSON text as the columns' types)."""
    quote = connection.ops.quote_name
    names = ", ".join(map(quote, columns))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {quote(table)} ({names}) FROM STDIN"  # noqa: S608
        ) as copy,
    ):
        for row in rows_from.execute(f"SELECT {names} FROM {quote(table)}"):  # noqa: S608
            copy.write_row(row)


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

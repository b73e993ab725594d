"""The demo district, built once for the package inside a transaction rolled back at the end."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

PASSWORD = "demo-test-pw-2023"


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """Build the demo once; roll it back after the package so other tests see an empty DB.
    Yields what `manage.py demo` printed."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            with foreign_keys_checked_once():
                call_command("demo", password=PASSWORD, stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@contextmanager
def foreign_keys_checked_once():
    """PostgreSQL checks a deferred foreign key with one trigger call per row written: for the
    demo's ~1.700.000 references, about 20 s of the server's time, half the build. Where the
    test database's user may (a superuser: the cluster `make test` starts), the triggers are
    off while the demo is built and every foreign key of every table is checked afterwards with
    one query each, which finds the same rows in about a second; elsewhere, and on SQLite (its
    check at the end of each test is one pass already), the build runs as it is."""
    if connection.vendor != "postgresql" or not _replica_role():
        yield
        return
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
    dangling = _dangling_references()
    assert not dangling, f"the demo writes rows that point nowhere: {dangling}"


def _replica_role() -> bool:
    """Turn PostgreSQL's triggers off until the transaction ends, if this user may."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def _dangling_references() -> list[str]:
    """'table.column -> table.column (n rows)' for each foreign key some row breaks."""
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
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

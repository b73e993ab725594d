"""Rows written straight into a table, many at a time: the demo's build and the workbook's
import write hundreds of thousands of rows, which the ORM's bulk_create would turn into model
instances one by one.

On PostgreSQL the rows go through COPY, which the server takes as one stream: an INSERT per
row costs it a statement each (the demo's build spent some 50 s of the server's CPU on them,
COPY about a fifth of that). Elsewhere (SQLite) as INSERTs of many rows each, as many as the
backend's limit on parameters allows: SQLite's executemany steps the statement once a row,
some 40% slower. Those INSERTs go to sqlite3 as they are, in its own "?" style: Django's cursor
would rewrite every "%s" of a statement of thousands of them with a regular expression first
(1,4 s of the 7 s the workbook's import of the demo spends in SQLite), unless someone watches the
queries (a debug cursor, a test counting them, an execute wrapper), who then sees them go
through Django's cursor as usual."""

import itertools
import sqlite3
from contextlib import contextmanager

from django.db import connection

ROWS_PER_INSERT = 500


@contextmanager
def row_writer(table: str, columns: list[str]):
    """A function that writes a sequence of rows (tuples of database values, in the order of
    `columns`) into `table`; names as the model has them, quoted here."""
    quote = connection.ops.quote_name
    table_sql = quote(table)
    columns_sql = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # (names from the model, quoted)
            copy_sql = f"COPY {table_sql} ({columns_sql}) FROM STDIN"  # noqa: S608
            # A refused row is Django's IntegrityError, as an INSERT's would be.
            with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:

                def write(rows):
                    for row in rows:
                        copy.write_row(row)

                yield write
            return
        insert = f"INSERT INTO {table_sql} ({columns_sql}) VALUES "  # noqa: S608
        per = max(1, min(ROWS_PER_INSERT, connection.ops.bulk_batch_size(columns, [()])))
        watched = bool(connection.queries_logged or connection.execute_wrappers)
        mark = "%s" if watched or connection.vendor != "sqlite" else "?"
        marks = "(" + ", ".join([mark] * len(columns)) + ")"
        full = insert + ", ".join([marks] * per)  # the statement of a whole chunk, once
        if mark == "?":
            raw = cursor.cursor  # sqlite3's cursor, below Django's "%s" rewriting

            def execute(sql, values):
                with connection.wrap_database_errors:
                    sqlite3.Cursor.execute(raw, sql, values)
        else:
            execute = cursor.execute

        def write(rows):
            rows = list(rows)
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                values = list(itertools.chain.from_iterable(chunk))
                sql = full if len(chunk) == per else insert + ", ".join([marks] * len(chunk))
                execute(sql, values)

        yield write


# At least this many rows written by the transaction, and more than a tenth of the rows the
# statistics know (autovacuum's own threshold for a new ANALYZE), make a table's statistics stale.
ANALYZE_MIN_ROWS = 1000


def analyze_written_tables() -> list[str]:
    """ANALYZE, on PostgreSQL, the tables this transaction has filled: those where it inserted at
    least ANALYZE_MIN_ROWS rows and more than a tenth of what their statistics count. Returns
    their names (none elsewhere: SQLite's planner is left as it is).

    Inside the transaction, ANALYZE counts the rows it inserted. Without it, a table analyzed
    or vacuumed while empty says "0 rows in 1 page", PostgreSQL takes it for one row however many
    the transaction wrote, and the deferred foreign-key checks at the commit may read a whole
    index for each row written (bench/results/workbook-import-stale-statistics-postgresql.md)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.schemaname, s.relname FROM pg_stat_xact_user_tables s"
            " JOIN pg_class c ON c.oid = s.relid"
            " WHERE s.n_tup_ins >= %s AND s.n_tup_ins > 0.1 * GREATEST(c.reltuples, 0)"
            " ORDER BY s.relname",
            [ANALYZE_MIN_ROWS],
        )
        tables = cursor.fetchall()
        if tables:
            quote = connection.ops.quote_name
            names = ", ".join(f"{quote(schema)}.{quote(name)}" for schema, name in tables)
            cursor.execute(f"ANALYZE {names}")  # noqa: S608 (names from the catalog, quoted)
    return [name for _schema, name in tables]

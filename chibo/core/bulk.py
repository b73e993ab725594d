"""Rows written straight into a table, many at a time: the demo's build and the workbook's
import write hundreds of thousands of rows, which the ORM's bulk_create would turn into model
instances one by one.

On PostgreSQL the rows go through COPY, which the server takes as one stream: an INSERT per
row costs it a statement each (the demo's build spent some 50 s of the server's CPU on them,
COPY about a fifth of that). Elsewhere (SQLite) through executemany, which SQLite runs as one
prepared statement."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def row_writer(table: str, columns: list[str]):
    """A function that writes a list of rows (tuples of database values, in the order of
    `columns`) into `table`; names as the model has them, quoted here."""
    quote = connection.ops.quote_name
    table_sql = quote(table)
    columns_sql = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table_sql} ({columns_sql}) VALUES ({marks})"  # noqa: S608

            def write(rows):
                cursor.executemany(sql, rows)

            yield write
            return
        # (names from the model, quoted)
        with cursor.cursor.copy(f"COPY {table_sql} ({columns_sql}) FROM STDIN") as copy:  # noqa: S608

            def write(rows):
                for row in rows:
                    copy.write_row(row)

            yield write

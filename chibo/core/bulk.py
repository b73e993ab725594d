"""Rows written straight into a table, many at a time: the demo's build and the workbook's
import write hundreds of thousands of rows, which the ORM's bulk_create would turn into model
instances one by one.

On PostgreSQL the rows go through COPY, which the server takes as one stream: an INSERT per
row costs it a statement each (the demo's build spent some 50 s of the server's CPU on them,
COPY about a fifth of that). Elsewhere (SQLite) as INSERTs of many rows each, as many as the
backend's limit on parameters allows: SQLite's executemany steps the statement once a row,
some 40% slower."""

import itertools
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
            with cursor.cursor.copy(copy_sql) as copy:

                def write(rows):
                    for row in rows:
                        copy.write_row(row)

                yield write
            return
        insert = f"INSERT INTO {table_sql} ({columns_sql}) VALUES "  # noqa: S608
        marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per = max(1, min(ROWS_PER_INSERT, connection.ops.bulk_batch_size(columns, [()])))

        def write(rows):
            rows = list(rows)
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                values = list(itertools.chain.from_iterable(chunk))
                cursor.execute(insert + ", ".join([marks] * len(chunk)), values)

        yield write

"""core.bulk.row_writer: rows written many to a statement (COPY on PostgreSQL), the same whether
someone watches the queries or not, and a refused row raised as Django's IntegrityError (the
workbook's import reports it as a conflict with the data, nothing written)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from chibo.core.bulk import ROWS_PER_INSERT, row_writer
from chibo.core.models import AuditEvent

COLUMNS = ["at", "action", "object_type", "object_id", "object_repr", "changes", "note"]
TABLE = AuditEvent._meta.db_table


def _rows(n: int, action="create"):
    at = "2026-01-02 03:04:05+00:00"
    return [(at, action, "bulk.test", str(i), f"dòng {i}", "{}", "") for i in range(n)]


def _written():
    return sorted(
        AuditEvent.objects.filter(object_type="bulk.test").values_list("object_id", "object_repr"),
        key=lambda r: int(r[0]),
    )


@pytest.mark.django_db
def test_rows_are_written_in_statements_of_many_rows_watched_or_not():
    n = ROWS_PER_INSERT + 7
    with row_writer(TABLE, COLUMNS) as write:
        write(_rows(n))
    assert _written() == [(str(i), f"dòng {i}") for i in range(n)]
    AuditEvent.objects.filter(object_type="bulk.test").delete()

    with CaptureQueriesContext(connection) as watched, row_writer(TABLE, COLUMNS) as write:
        write(_rows(n))
    assert _written() == [(str(i), f"dòng {i}") for i in range(n)]
    if connection.vendor == "sqlite":  # (COPY is not a query Django's cursor sees)
        inserts = [q for q in watched.captured_queries if q["sql"].startswith("INSERT")]
        assert len(inserts) == 2  # 500 rows, then 7


@pytest.mark.django_db
def test_a_refused_row_is_djangos_integrity_error():
    rows = _rows(3)
    rows[1] = (*rows[1][:1], None, *rows[1][2:])  # no action: NOT NULL
    with pytest.raises(IntegrityError), transaction.atomic(), row_writer(TABLE, COLUMNS) as write:
        write(rows)
    assert _written() == []

"""The builder's own ways of writing, on a few rows, on either database.

`make test` builds the whole district once, on SQLite, and the PostgreSQL suite copies its rows
(conftest.py): what the builder does differently on PostgreSQL is tested here instead, where it
is cheap - the values `insert` hands to COPY, the catalogue query of `indexes_built_after`, the
deferred foreign-key checks and the statistics of `_after_bulk_load`, and the triggers turned
off while the tests' demo is built (`foreign_keys_checked_once`). Each test runs the same on
SQLite, through that database's own path.

Outside chibo/demo/tests: a test there may run with the package's demo in the database (its
fixture stays until the package ends), where _after_bulk_load's ANALYZE and the foreign-key
check after each test that writes read two million rows. The tests still read only their own
rows and check the references of their own tables."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from chibo.core.models import AuditEvent
from chibo.demo.builder import _after_bulk_load
from chibo.demo.rows import ids, indexes_built_after, insert, insert_objects
from chibo.demo.tests.conftest import _dangling_references, foreign_keys_checked_once
from chibo.targets.models import Target, TargetProgress

pytestmark = pytest.mark.django_db

NOWHERE = 10**9  # no target has this id
MONTH = datetime.date(2024, 3, 1)
WITHDRAWN = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC)
PROGRESS = TargetProgress._meta.db_table
TARGET_FIELDS = ("cell", "year", "name", "unit", "yearly_value", "withdrawn_at")


def _targets(cell) -> list[tuple]:
    return [
        (cell.pk, 2024, "Hộ nghèo giảm", "hộ", Decimal("3.50"), None),
        (cell.pk, 2024, "Thu đảng phí", "%", Decimal("100"), WITHDRAWN),
        (cell.pk, 2025, "Hộ nghèo giảm", "hộ", Decimal("0.25"), None),
    ]


def _values(queryset, *leave_out):
    fields = [
        f.attname
        for f in queryset.model._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at", "recorded_at", "at", *leave_out)
    ]
    return sorted(queryset.values_list(*fields))


def test_insert_writes_what_bulk_create_writes(tree):
    cell = tree.cell_a
    before = timezone.now()
    assert insert(Target, TARGET_FIELDS, _targets(cell)) == 3
    written = Target.objects.filter(cell=cell)
    # The same rows through the ORM, in a second cell: the same values, but the cell.
    other = tree.cell_b
    Target.objects.bulk_create(
        Target(**dict(zip(TARGET_FIELDS, (other, *row[1:]), strict=True))) for row in _targets(cell)
    )
    assert _values(written, "cell_id") == _values(Target.objects.filter(cell=other), "cell_id")
    assert sorted(written.values_list("year", "yearly_value", "withdrawn_at", "measure")) == [
        (2024, Decimal("3.50"), None, "sum"),
        (2024, Decimal("100.00"), WITHDRAWN, "sum"),
        (2025, Decimal("0.25"), None, "sum"),
    ]
    stamps = set(written.values_list("created_at", "updated_at"))
    assert len(stamps) == 1  # the time of the write, the same for every row
    ((created, updated),) = stamps
    assert before <= created == updated <= timezone.now()

    # A month (a date), JSON and a default left out of the tuples.
    target = written.get(year=2025)
    insert(TargetProgress, ("target", "month", "value"), [(target.pk, MONTH, Decimal("1.5"))])
    progress = TargetProgress.objects.filter(target=target)
    assert list(progress.values_list("target", "month", "value", "note")) == [
        (target.pk, MONTH, Decimal("1.50"), "")
    ]
    changes = {"demo": {"tên": "Mai Sơn", "số": [1, 2.5, None, True]}}
    fields = ("action", "object_type", "object_id", "object_repr", "changes")
    insert(AuditEvent, fields, [("import", "demo.test", "1", "dòng", changes)])
    assert AuditEvent.objects.get(object_type="demo.test").changes == changes


def test_insert_objects_and_their_ids_read_back_by_key(tree):
    cell = tree.cell_a
    objs = [
        Target(cell=cell, year=2024, name=name, unit="hộ", yearly_value=Decimal(k), order=k)
        for k, name in enumerate(["Một", "Hai", "Ba"])
    ]
    assert insert_objects(Target, objs) == 3
    keys = [("Ba",), ("Một",), ("Hai",)]
    rows = Target.objects.filter(cell=cell)  # (the table's rows: the demo may be there too)
    pks = ids(rows.values_list("pk", "name"), keys)
    assert [Target.objects.get(pk=pk).name for pk in pks] == ["Ba", "Một", "Hai"]
    assert _values(Target.objects.filter(pk__in=pks).order_by()) == sorted(
        (cell.pk, 2024, name, "hộ", Decimal(k), "sum", k, None)
        for k, name in enumerate(["Một", "Hai", "Ba"])
    )
    with pytest.raises(ValueError, match="not told apart"):
        ids(rows.values_list("pk", "year"), keys)


def _indexes(model) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def test_indexes_built_after_drops_the_plain_ones_and_makes_them_again(tree):
    models = (Target, TargetProgress, AuditEvent)
    before = {m: _indexes(m) for m in models}
    plain = {"target_unique_name", "audit_object_idx"}  # a partial unique index; a Meta index
    assert plain <= set(before[Target]) | set(before[AuditEvent])
    with indexes_built_after(*models):
        during = {m: _indexes(m) for m in models}
        insert(Target, TARGET_FIELDS, _targets(tree.cell_a))
    # The primary keys stay; the Meta indexes and the foreign keys' indexes go.
    assert not plain & (set(during[Target]) | set(during[AuditEvent]))
    for model in models:
        keys = {n: c for n, c in before[model].items() if c["primary_key"]}
        assert keys and {n: c for n, c in during[model].items() if n in keys} == keys
        references = {f.column for f in model._meta.concrete_fields if f.is_relation}

        def indexed(constraints):
            return {c["columns"][0] for c in constraints.values() if c["index"] and not c["unique"]}

        assert references <= indexed(before[model])
        assert not references & indexed(during[model])
    assert {m: _indexes(m) for m in models} == before
    assert Target.objects.filter(cell=tree.cell_a).count() == 3

    # A partial unique index made again refuses the rows that break it, as the insert would.
    duplicate = _targets(tree.cell_a)[0]
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_built_after(Target):
        insert(Target, TARGET_FIELDS, [duplicate])
    assert {m: _indexes(m) for m in models} == before


def _progress_pointing_nowhere():
    insert(TargetProgress, ("target", "month", "value"), [(NOWHERE, MONTH, Decimal(1))])


def test_after_bulk_load_counts_the_rows_and_checks_their_references(tree):
    insert(Target, TARGET_FIELDS, _targets(tree.cell_a))
    _after_bulk_load()
    # The planner's statistics count the rows this transaction wrote.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [Target._meta.db_table],
            )
            assert cursor.fetchone()[0] == Target.objects.count()
        else:
            cursor.execute(
                "SELECT DISTINCT substr(stat, 1, instr(stat, ' ') - 1) FROM sqlite_stat1"
                " WHERE tbl = %s AND idx <> %s",  # (the partial index: the 2 rows it holds)
                [Target._meta.db_table, "target_unique_name"],
            )
            assert cursor.fetchall() == [(str(Target.objects.count()),)]

    # A row that points nowhere fails the build before it ends: PostgreSQL's deferred checks
    # fire in _after_bulk_load (left pending, they would fire again in every test's savepoint);
    # SQLite checks as the build's transaction commits (check_constraints here).
    with pytest.raises(IntegrityError), transaction.atomic():
        _progress_pointing_nowhere()
        _after_bulk_load()
        if connection.vendor == "sqlite":
            connection.check_constraints([PROGRESS])


def test_the_tests_demo_fails_on_a_row_that_points_nowhere(tree):
    """foreign_keys_checked_once: where PostgreSQL's user may turn the triggers off (a
    superuser, as in `make test`), they are off while the demo is built and every foreign key
    is checked after it with one query; elsewhere the database's own check refuses the row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW is_superuser")
            replica = cursor.fetchone()[0] == "on"
        else:
            replica = False
    with transaction.atomic():
        _progress_pointing_nowhere()
        assert _dangling_references([PROGRESS]) == [
            "targets_targetprogress.target_id -> targets_target.id (1)"
        ]
        transaction.set_rollback(True)
    assert _dangling_references([PROGRESS]) == []

    with pytest.raises((AssertionError, IntegrityError)) as refused, transaction.atomic():
        with foreign_keys_checked_once([PROGRESS]):
            _progress_pointing_nowhere()
        connection.check_constraints([PROGRESS])  # (the commit's, where the triggers stayed on)
    if replica:
        assert refused.type is AssertionError
        assert "targets_targetprogress.target_id -> targets_target.id (1)" in str(refused.value)
    # The triggers are back on after it: the same row is refused by PostgreSQL's own check.
    with pytest.raises(IntegrityError), transaction.atomic():
        _progress_pointing_nowhere()
        connection.check_constraints([PROGRESS])

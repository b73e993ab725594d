"""The demo's rows written straight into their tables.

bulk_create builds a model instance for every row and compiles every value through the ORM:
some 60–90 µs a row here, against some 8–14 µs for a tuple handed to cursor.executemany, and
the demo writes about a million rows. `insert` writes tuples (core.bulk: COPY on PostgreSQL),
ten thousand at a time, each date, time, datetime, decimal and JSON value prepared by its field
as bulk_create would; a field the tuples leave out gets what a new instance would hold (its
default, blank or NULL; the time of the write for auto_now and auto_now_add). No model's save()
or signal runs, as with bulk_create. Nothing is inserted with a conflict ignored: a row that
breaks a constraint fails the build. Primary keys are not returned: `ids` reads them back by the
rows' natural keys.
"""

from contextlib import contextmanager
from itertools import batched
from operator import attrgetter

from django.db import connection
from django.utils import timezone

from chibo.core.bulk import row_writer

ROWS = 10000  # rows per executemany
# values the database adapter cannot take as Python holds them: prepared by their field
TYPED = {"DateField", "DateTimeField", "DecimalField", "TimeField"}
# callable defaults that give the same value every time (for a row left out of the tuples)
CONSTANT_DEFAULTS = (dict, list)


def insert(model, names, rows) -> int:
    """Insert `rows` (iterables of values for the fields `names`, foreign keys as ids) into the
    model's table; returns the number of rows written."""
    fields = [model._meta.get_field(n) for n in names]
    now = timezone.now()
    rest = []  # (field, value) for every other concrete field but the primary key
    for field in model._meta.concrete_fields:
        if field.primary_key or field in fields:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif (
            field.has_default()
            and callable(field.default)
            and field.default not in CONSTANT_DEFAULTS
        ):
            raise ValueError(f"{model.__name__}.{field.name}: give it, its default varies")
        else:
            value = field.get_default()
        rest.append((field, field.get_db_prep_save(value, connection)))
    tail = tuple(value for _field, value in rest)
    fields += [field for field, _value in rest]
    n = len(names)
    cached = [
        (k, f.get_db_prep_save) for k, f in enumerate(fields[:n]) if f.get_internal_type() in TYPED
    ]
    uncached = [
        (k, f.get_db_prep_save)
        for k, f in enumerate(fields[:n])
        if f.get_internal_type() == "JSONField"
    ]
    ready = [{} for _ in cached]  # prepared values: the same dates come again and again
    count = 0
    with row_writer(model._meta.db_table, [f.column for f in fields]) as write:
        for chunk in batched(rows, ROWS):
            if cached or uncached:
                chunk = [list(row) for row in chunk]
                for row in chunk:
                    for (k, prep), cache in zip(cached, ready, strict=True):
                        value = row[k]
                        if value not in cache:
                            cache[value] = prep(value, connection)
                        row[k] = cache[value]
                    for k, prep in uncached:
                        row[k] = prep(row[k], connection)
            if tail:
                chunk = [(*row, *tail) for row in chunk]
            write(chunk)
            count += len(chunk)
    return count


def insert_objects(model, objs) -> int:
    """Insert unsaved instances of `model` (built where a writer needs the model's own methods,
    as Member.refresh_derived): every field but the primary key and the write's timestamps."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    get = attrgetter(*(f.attname for f in fields))
    return insert(model, [f.name for f in fields], map(get, objs))


def ids(rows, keys) -> list[int]:
    """The primary keys of the rows just inserted, in the order of `keys`: `rows` yields
    (pk, *key) for every row of the table (the demo builds into an empty database)."""
    pk_of = {tuple(key): pk for pk, *key in rows}
    if len(pk_of) != len(keys):
        raise ValueError("the demo's rows are not told apart by their keys")
    return [pk_of[key] for key in keys]


@contextmanager
def indexes_built_after(*models):
    """The indexes of the models' tables that back no constraint (foreign keys' and the
    models' Meta indexes, partial unique ones too), dropped while the rows go in and made again,
    as they were, once they are all there: one sort per index rather than an insert into each
    for every row (the demo's meetings: some 1.700.000 rows, ~20% of their write on either
    database). The primary keys and unique constraints stay: a row that breaks one still fails
    at once, and a partial unique index made again fails the build as the insert would have."""
    with connection.cursor() as cursor:
        indexes = [
            item for model in models for item in _plain_indexes(cursor, model._meta.db_table)
        ]
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    if indexes and connection.vendor == "postgresql":
        # PostgreSQL makes no index on a table whose rows' foreign-key checks are pending in the
        # transaction ("pending trigger events"): they fire now, each once, as they would at
        # the end of the build (_after_bulk_load).
        connection.check_constraints()
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


def _plain_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, the statement that makes it) of each index of `table` that backs no constraint."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = %s::regclass AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            " ORDER BY i.relname",
            [connection.ops.quote_name(table)],
        )
    elif connection.vendor == "sqlite":  # (automatic indexes, those of constraints, have no sql)
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
            " AND sql IS NOT NULL ORDER BY name",
            [table],
        )
    else:
        return []
    return list(cursor.fetchall())

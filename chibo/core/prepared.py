"""A query that runs on every request, its SQL built once per database.

Django builds a query's SQL anew each time it runs one: for the statements every signed-in
request runs (the user with the roles it holds, the session) that costs more CPU than the
database takes to answer (about 2 ms a request; 7–8% of the test suite's CPU on either
database). Such a query is written with the ORM as any other, with stand-in values where its
arguments go; its SQL and parameters are taken once per database, and each run puts the
arguments, converted by their fields as the ORM converts them, where the stand-ins were.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Field, Model, QuerySet


class Prepared:
    """`build(**stand_ins)` gives the queryset; `fields` says how each argument is converted
    for the database (a model field of the column it is compared with). The stand-ins must be
    values no constant of the query has (a day in year 1, a negative id)."""

    def __init__(
        self, build: Callable[..., QuerySet], *, stand_ins: dict, fields: dict[str, Field]
    ):
        if stand_ins.keys() != fields.keys():
            raise ImproperlyConfigured("each stand-in needs the field that converts its argument")
        self._build = build
        self._stand_ins = stand_ins
        self._fields = fields
        self._compiled: dict[tuple[str, str], tuple[type[Model], str, list]] = {}

    def _compile(self, using: str):
        connection = connections[using]
        queryset = self._build(**self._stand_ins).using(using)
        sql, params = queryset.query.get_compiler(using).as_sql()
        converted = {
            name: self._convert(name, value, connection) for name, value in self._stand_ins.items()
        }
        slots, found = [], set()
        for param in params:
            name = next(
                (n for n, v in converted.items() if type(v) is type(param) and v == param), None
            )
            slots.append((name, param))
            found.add(name)
        missing = converted.keys() - found
        if missing:
            raise ImproperlyConfigured(f"stand-ins not found in the query's parameters: {missing}")
        return queryset.model, sql, slots

    def _convert(self, name: str, value, connection):
        return self._fields[name].get_db_prep_value(value, connection, prepared=False)

    def raw(self, using: str, **arguments):
        """The query with `arguments`, as a RawQuerySet (an annotation is an attribute of each
        object, as with the ORM's query)."""
        connection = connections[using]
        key = (using, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using)
        model, sql, slots = compiled
        converted = {
            name: self._convert(name, value, connection) for name, value in arguments.items()
        }
        params = tuple(param if name is None else converted[name] for name, param in slots)
        return model._default_manager.db_manager(using).raw(sql, params)

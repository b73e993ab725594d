"""The change log as a reader reads it: an audit event's changes are stored as raw data (field
names, ids, ISO dates, choice codes: `chair: — → 6737`, `attendance: {'6739': 'present'}`); here
each becomes a row with the field's label, people's and organizations' names, dd/mm/yyyy dates
and choice labels, in the user's language.

A change keyed by a model field reads that field (its verbose name, its choices, its related
model). A key that is not a field (a meeting's roll call) is described once by the app that
writes it, with `describe`. Related rows are read in one query per related model for all the
events shown.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from chibo.core import vn
from chibo.core.forms import MAX_ID, digits

EMPTY = "—"
ROWS_SHOWN = 6  # a change with more items (a roll call of 30) shows these, the rest folded


@dataclass(frozen=True)
class Described:
    """How a key reads when it is no model field (or a field whose own label would not do): its
    label; `keys`, the model whose rows its ids are (a value that is an id, or the keys of a
    mapping {id: value}), named by their str; `choices`, what a mapping's values are codes of."""

    label: object
    keys: type[models.Model] | None = None
    choices: object = None  # a Choices class, or None
    field: models.Field | None = None  # reads as this field of another model (its label too)
    alone: bool = False  # the value alone, never "— → value" (the day a change took effect)


_DESCRIBED: dict[tuple[str, str], Described] = {}
_NOTES: dict[tuple[str, str], object] = {}


def describe(
    model: type[models.Model],
    key: str,
    *,
    label=None,
    keys=None,
    choices=None,
    field=None,
    alone=False,
) -> None:
    """Register how the change `key` of `model`'s audit events reads: with `label`, or as
    `field` (a field of another model the event records too: a member's status change carries
    the StatusChange's kind and decision), its label, choices and dates."""
    if label is None and field is None:
        raise ValueError("describe() needs a label or a field")
    _DESCRIBED[(model._meta.label_lower, key)] = Described(label, keys, choices, field, alone)


def note(model: type[models.Model], code: str, text) -> None:
    """Register how the note `code` of `model`'s audit events reads (an app that writes a code
    as the note, "generate", shows it in the reader's language)."""
    _NOTES[(model._meta.label_lower, code)] = text


@dataclass
class Row:
    label: str
    before: str | None  # None: a value written at creation, with no before
    after: str
    items: list[tuple[str, str, str]] = field(default_factory=list)  # a mapping's changed entries

    @property
    def shown_items(self):
        return self.items[:ROWS_SHOWN]

    @property
    def folded_items(self):
        return self.items[ROWS_SHOWN:]


@dataclass
class Entry:
    event: object  # core.models.AuditEvent
    rows: list[Row]

    @property
    def note(self) -> str:
        text = _NOTES.get((self.event.object_type, self.event.note))
        return str(text) if text is not None else self.event.note


def _model_of(event):
    try:
        return apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _pairs(event):
    """(key, before, after, is_pair) of the event's changes, as stored."""
    for key, value in (event.changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            # a creation's [None, value]: the value alone
            yield key, value[0], value[1], not (event.action == "create" and value[0] is None)
        else:
            yield key, None, value, False


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _shown(f) -> bool:
    """A field nobody types (the row's id, its timestamps, a tree's path, a name's parts kept
    for sorting) is left out of the log: the event itself says when and who."""
    return f is None or (f.editable and not f.primary_key)


def _plain(value, f, names) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if f is not None:
        if f.is_relation and f.many_to_one:
            return names.get((f.related_model, str(value)), f"#{value}")
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(f, models.BooleanField):
            return _("Có") if value else _("Không")
        try:
            if isinstance(f, models.DateTimeField):
                return vn.moment_text(datetime.datetime.fromisoformat(str(value)))
            if isinstance(f, models.DateField):
                return vn.day_text(datetime.date.fromisoformat(str(value)[:10]))
            if isinstance(f, models.TimeField):
                return str(value)[:5]
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, int):
        return vn.format_int(value)
    if isinstance(value, list):
        return ", ".join(_plain(v, None, names) for v in value) or EMPTY
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):  # a key that is no field: a day
        try:
            return vn.day_text(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def entries(events) -> list[Entry]:
    """The events with their changes as labelled, readable rows (see the module's docstring)."""
    events = list(events)
    wanted = defaultdict(set)  # related model -> pks to name
    for event in events:
        model = _model_of(event)
        for key, before, after, _pair in _pairs(event):
            f = _field(model, key)
            described = _DESCRIBED.get((event.object_type, key))
            if f is not None and f.is_relation and f.many_to_one:
                for v in (before, after):
                    if v not in (None, ""):
                        wanted[f.related_model].add(str(v))
            elif described and described.keys is not None:
                for v in (before, after):
                    if isinstance(v, dict | list):
                        wanted[described.keys].update(str(k) for k in v)
                    elif v not in (None, ""):
                        wanted[described.keys].add(str(v))
    names = {}
    for related, pks in wanted.items():
        if isinstance(related._meta.pk, models.IntegerField):
            pks = [pk for pk in pks if digits(pk) and int(pk) <= MAX_ID]
        for row in related._default_manager.filter(pk__in=pks):
            names[(related, str(row.pk))] = str(row)
    result = []
    for event in events:
        model = _model_of(event)
        rows = []
        for key, before, after, pair in _pairs(event):
            f = _field(model, key)
            described = _DESCRIBED.get((event.object_type, key))
            if described is None and not _shown(f):
                continue
            if described is not None:
                pair = pair and not described.alone
                rows.append(_described_row(described, before, after, pair, names))
                continue
            label = capfirst(str(f.verbose_name)) if f is not None else key
            rows.append(
                Row(
                    label=label,
                    before=_plain(before, f, names) if pair else None,
                    after=_plain(after, f, names),
                )
            )
        result.append(Entry(event=event, rows=rows))
    return result


def _described_row(described, before, after, pair, names) -> Row:
    if described.field is not None:
        f = described.field
        label = capfirst(str(described.label or f.verbose_name))
        return Row(
            label=label,
            before=_plain(before, f, names) if pair else None,
            after=_plain(after, f, names),
        )
    label = capfirst(str(described.label))
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        labels = dict(described.choices.choices) if described.choices is not None else {}

        def value(v):
            return EMPTY if v in (None, "") else str(labels.get(v, v))

        def name(k):
            if described.keys is None:
                return str(k)
            return names.get((described.keys, str(k)), f"#{k}")

        items = sorted(
            (
                (name(k), value(before.get(k)), value(after.get(k)))
                for k in set(before) | set(after)
                if before.get(k) != after.get(k)
            ),
            key=lambda item: vn.text_sort_key(item[0]),
        )
        count = _("%(n)s thay đổi") % {"n": vn.format_int(len(items))}
        return Row(label=label, before=None, after=count, items=items)
    if described.keys is not None:

        def plain(v):
            if isinstance(v, list):  # ids: each by its name
                return ", ".join(plain(one) for one in v) or EMPTY
            return EMPTY if v in (None, "") else names.get((described.keys, str(v)), f"#{v}")

    else:

        def plain(v):
            return _plain(v, None, names)

    return Row(label=label, before=plain(before) if pair else None, after=plain(after))

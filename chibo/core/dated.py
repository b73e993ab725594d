"""The one rule of time for dated rows, and the one way to end one.

Every relation that can change (a member's cell, a position, a village post, a role, a term, an
organization's period, a village's serving cell...) is a row with a start and an end: the
interval includes its start and excludes its end, and a null end means "still running". So the
end is the first day the row no longer holds, and a row ending on the day the next one starts
does not overlap it. A change made today never rewrites the past: it ends the running row on the
day of the change and opens another.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text

# The start field that goes with each end field name in chibo's models.
START_OF = {"end": "start", "valid_to": "valid_from", "effective_to": "effective_from"}


def in_force_q(on: datetime.date, start="start", end="end") -> Q:
    """Rows whose [start, end) interval holds `on` (end null = still running)."""
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": on}))


def overlap_q(start: datetime.date, end: datetime.date | None, f_start="start", f_end="end") -> Q:
    """Rows whose [start, end) interval shares at least one day with [start, end)."""
    q = Q(**{f"{f_end}__isnull": True}) | Q(**{f"{f_end}__gt": start})
    if end is not None:
        q &= Q(**{f"{f_start}__lt": end})
    return q


def holds(on: datetime.date, start: datetime.date, end: datetime.date | None) -> bool:
    """Whether [start, end) holds `on`: in_force_q for a row already in memory."""
    return start <= on and (end is None or on < end)


class DatedQuerySet(models.QuerySet):
    """`.in_force(on)` for a model whose interval fields are `start_field`/`end_field`."""

    start_field = "start"
    end_field = "end"

    def in_force(self, on: datetime.date):
        return self.filter(in_force_q(on, self.start_field, self.end_field))


class ValidFromToQuerySet(DatedQuerySet):
    start_field = "valid_from"
    end_field = "valid_to"


def _end(row, on: datetime.date, field_start: str, field_end: str, key: str):
    """Set `row`'s end to `on` in memory, after the checks of end_dated_row; its old end."""
    start, old = getattr(row, field_start), getattr(row, field_end)
    if old is not None and old <= on:
        raise ValidationError({key: _("Mục này đã kết thúc ngày %(d)s.") % {"d": day_text(old)}})
    if start is not None and on <= start:
        raise ValidationError(
            {key: _("Ngày kết thúc phải sau ngày bắt đầu (%(d)s).") % {"d": day_text(start)}}
        )
    setattr(row, field_end, on)
    return old


@transaction.atomic
def end_dated_row(
    *,
    row: models.Model,
    on: datetime.date,
    actor,
    field_end: str = "end",
    field_start: str | None = None,
    note: str = "",
    action: str = AuditEvent.Action.UPDATE,
    error_field: str | None = None,
):
    """End `row` on `on`, the first day it no longer holds, and audit it.

    The caller locks the row (select_for_update) and checks who may end it; this runs in the
    caller's transaction. Refuses (ValidationError, in Vietnamese, keyed by `error_field`, by
    default `field_end`) an end on or before the row's start, and an end on or after the end the
    row already has (an end may be brought forward, never pushed back or set twice). Saves the end
    field alone (and `updated_at` when the model has one). Returns the row.
    """
    field_start = field_start or START_OF[field_end]
    old = _end(row, on, field_start, field_end, error_field or field_end)
    fields = [field_end]
    if any(f.name == "updated_at" for f in row._meta.concrete_fields):
        fields.append("updated_at")
    row.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=action,
        obj=row,
        changes={field_end: [old.isoformat() if old else None, on.isoformat()]},
        note=note,
    )
    return row


def end_dated_rows(
    *,
    rows: list[models.Model],
    on: datetime.date,
    actor,
    field_end: str = "end",
    note: str = "",
    action: str = AuditEvent.Action.UPDATE,
    error_field: str | None = None,
):
    """end_dated_row for many rows of one model, all ending on `on`: the same checks (the
    first refusal is raised, nothing written), one UPDATE and one audit event a row, saved
    together. The caller locks the rows. Returns the rows, ended."""
    if not rows:
        return rows
    field_start = START_OF[field_end]
    key = error_field or field_end
    events = []
    for row in rows:
        old = _end(row, on, field_start, field_end, key)
        events.append(
            audit.event(
                actor=actor,
                action=action,
                obj=row,
                changes={field_end: [old.isoformat() if old else None, on.isoformat()]},
                note=note,
            )
        )
    model = type(rows[0])
    values = {field_end: on}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
        for row in rows:
            row.updated_at = values["updated_at"]
    model._base_manager.filter(pk__in=[row.pk for row in rows]).update(**values)
    audit.record_many(events)
    return rows


def set_to_replace(rows, valid_from, valid_to, *, replace: bool, clash_message):
    """For a versioned set over [valid_from, valid_to) among `rows` (a queryset of rows with
    valid_from/valid_to, locked here): the running set it replaces from `valid_from` when
    `replace` (one that began before and has no end), or None. Any other row sharing a day is
    refused: ValidationError on valid_from with `clash_message(row, may_replace)`, where
    `may_replace` says the clash could be ended by ticking "replace"."""
    overlapping = list(
        rows.select_for_update().filter(overlap_q(valid_from, valid_to, "valid_from", "valid_to"))
    )
    replaced = None
    if replace:
        replaced = next(
            (s for s in overlapping if s.valid_to is None and s.valid_from < valid_from), None
        )
        overlapping = [s for s in overlapping if s is not replaced]
    if overlapping:
        clash = overlapping[0]
        may_replace = clash.valid_to is None and clash.valid_from < valid_from and not replace
        raise ValidationError({"valid_from": clash_message(clash, may_replace)})
    return replaced

"""Audit trail: every service that changes data calls record() inside its transaction."""

import datetime
from decimal import Decimal

from django.db import models

from chibo.core.models import AuditEvent


def _plain(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # One instant, one text: a time read back (UTC) and the same time from a form (the
        # local zone) are no change.
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj, fields=None) -> dict:
    """The object's concrete field values as JSON-safe data."""
    data = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        data[f.name] = _plain(getattr(obj, f.attname))
    return data


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    keys = set(before) | set(after)
    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(keys)
        if before.get(k) != after.get(k) and k not in ("updated_at", "created_at")
    }


def event(
    *, actor, action, obj=None, changes=None, note="", object_type="", object_id="", label=""
) -> AuditEvent:
    """An unsaved event about `obj` (or, for a batch that is no row, about `object_type` and
    `object_id`, shown as `label`): record() saves one, record_many() a service's many."""
    if obj is not None:
        object_type, object_id, label = obj._meta.label_lower, str(obj.pk), str(obj)
    return AuditEvent(
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=label[:200],
        changes=changes or {},
        note=note[:300],
    )


def record(*, actor, action, obj, changes=None, note="") -> AuditEvent:
    made = event(actor=actor, action=action, obj=obj, changes=changes, note=note)
    made.save()
    return made


def record_many(events: list[AuditEvent]) -> None:
    """Save the events a service built with event(), inside its transaction, in few queries."""
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def events_for(obj):
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-at", "-id")
    )


def data_generation() -> int:
    """The id of the latest audit event of a change: it grows with every audited change.

    What is computed from the data (indicators, the organizations a filter offers) can be kept
    until it grows. Sign-ins are audited too but change no data: they do not count.
    """
    return (
        AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )

"""Audit trail: every service that changes data calls record() inside its transaction."""

import datetime
from decimal import Decimal

from django.db import models

from chibo.core.models import AuditEvent


def _plain(value):
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


def record(*, actor, action, obj, changes=None, note="") -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes or {},
        note=note[:300],
    )


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

"""Writes of a member's own pages: progress reports on tasks, calendar feed tokens.

Each runs in one transaction and takes the acting user; writes to tasks and feeds leave an audit
row in the same transaction. `actor=None` is the system (demo builder, commands): it skips the
checks a signed-in user is held to.

Progress reports follow these rules (task_progress_report):

1. Who: the member who owns the task (through the user linked to that member, while the user
   holds a current role), or a user with a write role on the task's cell (the secretary, the
   commune staff). Anyone else: the same refusal as for a missing task.
2. When: only while the task is open. A task reviewed at a meeting (done, done late, not done)
   is closed; its result belongs to that meeting's record, so it takes no more reports.
3. What: progress is a whole percentage from 0 to 100, the note at most 500 characters.
4. Progress may go down (work undone, an estimate corrected), but only with a note that says why.
5. A report must say something: the same progress again needs a note.
6. 100% does not close the task: the next meeting reviews it and sets its result.
7. Reports after the deadline are accepted; the task stays marked overdue until reviewed.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.accounts.scope import Scope
from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.organizations.models import Organization

from ..models import CalendarFeed, Task, TaskUpdate

NOTE_MAX = 500


class NotAllowed(ValidationError):
    """The actor may not do this; views answer it as a missing object (404)."""


# --- tasks --------------------------------------------------------------------------------------


def is_task_owner(user, task: Task) -> bool:
    """The user is linked to the member who owns the task and still holds a role."""
    if user is None or not getattr(user, "member_id", None):
        return False
    if task.owner_kind != Task.Owner.MEMBER or task.owner_member_id != user.member_id:
        return False
    scope = Scope.for_user(user)
    return scope.superuser or bool(scope.grants)


def may_report(user, task: Task) -> bool:
    """Rule 1 above: the owner, or a write role on the task's cell."""
    return is_task_owner(user, task) or Scope.for_user(user).can_write(task.cell)


def closed_message(task: Task) -> str:
    return _("Nhiệm vụ này đã được đánh giá (%(state)s), không nhận thêm báo cáo tiến độ.") % {
        "state": task.get_state_display().lower()
    }


@transaction.atomic
def task_progress_report(*, task: Task, progress, note: str = "", actor) -> TaskUpdate:
    """Record a progress report on an open task (rules 1–7 of the module docstring): a TaskUpdate
    row, the task's progress set to the reported value, an audit row. Raises NotAllowed for
    someone who may not report, ValidationError for bad input or a closed task. The actor is
    required: the report records who made it."""
    if actor is None:
        raise ValueError("a progress report needs the user who makes it")
    locked = Task.objects.select_for_update(of=("self",)).select_related("cell").get(pk=task.pk)
    if not may_report(actor, locked):
        raise NotAllowed(_("Bạn không được báo cáo tiến độ nhiệm vụ này."))
    if locked.state != Task.State.OPEN or locked.reviewed_at_id is not None:
        raise ValidationError(closed_message(locked))
    note = (note or "").strip()
    errors = {}
    if isinstance(progress, bool) or not isinstance(progress, int):
        try:
            progress = int(str(progress).strip())
        except (TypeError, ValueError):
            errors["progress"] = _("Tiến độ phải là một số nguyên từ 0 đến 100.")
    if "progress" not in errors and not 0 <= progress <= 100:
        errors["progress"] = _("Tiến độ phải là một số nguyên từ 0 đến 100.")
    if len(note) > NOTE_MAX:
        errors["note"] = _("Nội dung báo cáo dài quá %(n)s ký tự.") % {"n": NOTE_MAX}
    if not errors:
        if progress < locked.progress and not note:
            errors["note"] = _("Tiến độ thấp hơn lần báo cáo trước (%(old)s%%): hãy ghi lý do.") % {
                "old": locked.progress
            }
        elif progress == locked.progress and not note:
            errors["note"] = _("Tiến độ không đổi: hãy ghi nội dung đã làm hoặc vướng mắc.")
    if errors:
        raise ValidationError(errors)
    old = locked.progress
    update = TaskUpdate.objects.create(task=locked, user=actor, progress=progress, note=note)
    locked.progress = progress
    locked.save(update_fields=["progress", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes={"progress": [old, progress]},
        note=note,
    )
    task.progress = progress
    return update


# --- calendar feeds ------------------------------------------------------------------------------


def token_hash(raw: str) -> str:
    """What is stored for a feed token: only its SHA-256, so a copy of the database does not
    give away working feed URLs (the URL is shown once, at creation)."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(
    *, user, cell: Organization | None = None, actor
) -> tuple[CalendarFeed, str]:
    """A new secret feed of `user`: of one cell (the user must read it) or, without a cell, the
    user's own (see selectors.personal_feed_cells). A feed of the same kind made before is
    revoked: one working URL per user and cell. Returns the feed and the raw token, which is not
    stored and cannot be shown again."""
    if actor is not None and actor.pk != user.pk:
        raise NotAllowed(_("Bạn chỉ tạo được lịch của chính mình."))
    scope = Scope.for_user(user)
    if cell is not None:
        if cell.kind != Organization.Kind.CELL or not scope.covers(cell):
            raise NotAllowed(_("Bạn không xem được lịch sinh hoạt của chi bộ này."))
    elif not (scope.superuser or scope.grants):
        raise NotAllowed(_("Tài khoản của bạn không còn vai trò nào."))
    now = timezone.now()
    previous = list(
        CalendarFeed.objects.select_for_update().filter(
            user=user, cell=cell, revoked_at__isnull=True
        )
    )
    for old in previous:
        _revoke(old, now=now, actor=actor, note=_("Thay bằng đường dẫn mới"))
    raw = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(token=token_hash(raw), user=user, cell=cell)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=feed,
        changes={"cell": [None, cell.pk if cell else None]},
    )
    return feed, raw


def _revoke(feed: CalendarFeed, *, now: datetime.datetime, actor, note=""):
    feed.revoked_at = now
    feed.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=feed,
        changes={"revoked_at": [None, now.isoformat()]},
        note=note,
    )


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, actor) -> CalendarFeed:
    """Revoke a feed of the actor's: its URL answers 404 from now on. Revoking twice is a no-op."""
    if actor is not None and feed.user_id != actor.pk:
        raise NotAllowed(_("Không tìm thấy lịch."))
    locked = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if locked.revoked_at is None:
        _revoke(locked, now=timezone.now(), actor=actor)
    feed.revoked_at = locked.revoked_at
    return locked

"""The commune's review of a meeting record: confirm it, or return it with a comment.

held → confirmed, or held → returned (the secretary completes it and records it again). Only
commune staff or the organization board's admins whose scope covers the cell may review; the
write is conditional on the version the reviewer saw, so two reviewers (or a reviewer and the
secretary saving the record) never overwrite each other unseen.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.accounts.models import Role
from chibo.accounts.scope import Scope
from chibo.core import audit
from chibo.core.models import AuditEvent

from .. import notices
from ..models import CellMeeting

REVIEW_ROLES = (Role.ORG_ADMIN, Role.COMMUNE_STAFF)
COMMENT_MAX = 1000


def can_review(scope: Scope, cell_path: str) -> bool:
    """Whether the scope's user may confirm or return the records of the cell at `cell_path`:
    a superuser, or an admin or commune staff role at the cell's node or above it."""
    if scope.superuser:
        return True
    return any(g.role in REVIEW_ROLES and cell_path.startswith(g.path) for g in scope.grants)


def _check(meeting: CellMeeting, actor, version):
    if actor is None or not can_review(Scope.for_user(actor), meeting.cell.path):
        raise PermissionDenied
    if version is not None and version != meeting.version:
        raise ValidationError(_conflict(), code="conflict")
    if meeting.status != CellMeeting.Status.HELD:
        raise ValidationError(
            _("Chỉ xác nhận hoặc trả lại được biên bản đã ghi và đang chờ xác nhận."),
            code="status",
        )


def _conflict() -> str:
    return _("Biên bản vừa được người khác thay đổi. Hãy tải lại trang, xem lại rồi thực hiện lại.")


def _review(meeting: CellMeeting, *, actor, status, comment, version) -> CellMeeting:
    version = meeting.version if version is None else version
    _check(meeting, actor, version)
    now = timezone.now()
    before = audit.snapshot(meeting, ("status", "review_comment", "reviewed_by", "version"))
    changed = CellMeeting.objects.filter(
        pk=meeting.pk, version=version, status=CellMeeting.Status.HELD
    ).update(
        status=status,
        reviewed_by=actor,
        reviewed_at=now,
        review_comment=comment,
        version=F("version") + 1,
        updated_at=now,
    )
    if not changed:
        raise ValidationError(_conflict(), code="conflict")
    meeting.refresh_from_db()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        obj=meeting,
        changes=audit.diff(
            before, audit.snapshot(meeting, ("status", "review_comment", "reviewed_by", "version"))
        ),
        note=comment,
    )
    return meeting


@transaction.atomic
def meeting_confirm(*, meeting: CellMeeting, actor, version: int | None = None) -> CellMeeting:
    """Confirm a recorded meeting (held → confirmed). `version` is the one the reviewer saw
    (default: the instance's); a record changed since raises ValidationError(code="conflict").
    Raises PermissionDenied outside the actor's review scope."""
    meeting = _review(
        meeting, actor=actor, status=CellMeeting.Status.CONFIRMED, comment="", version=version
    )
    notices.minutes_confirmed(meeting, actor)
    return meeting


@transaction.atomic
def meeting_return(
    *, meeting: CellMeeting, actor, comment: str, version: int | None = None
) -> CellMeeting:
    """Return a recorded meeting to its cell with a comment (held → returned), and tell whoever
    recorded it (or, for a record without a recorder, the cell's secretaries) in the app, and
    by e-mail where an address is known, after the commit."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Hãy ghi rõ cần bổ sung, sửa chữa gì khi trả lại biên bản.")}
        )
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _("Ý kiến dài quá %(n)s ký tự.") % {"n": COMMENT_MAX}})
    meeting = _review(
        meeting, actor=actor, status=CellMeeting.Status.RETURNED, comment=comment, version=version
    )
    notices.minutes_returned(meeting, actor)
    return meeting

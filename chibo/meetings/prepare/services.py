"""The committee's preparation of a meeting: the agenda (items are removed, not deleted), the
materials (checked by content and size, kept under MEDIA_ROOT with safe names, withdrawn not
deleted) and the invitations (in-app and by e-mail after the commit)."""

import hashlib
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.accounts.models import Notification, User
from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text

from .. import materials, notices, schedule, selectors
from ..lifecycle import check_open, lock
from ..models import AgendaItem, CellMeeting, Material, Section

INVITATION = notices.INVITATION


def _check_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Hãy ghi nội dung.")})
    return title[:300]


# --- agenda -----------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(*, meeting: CellMeeting, section: str, title: str, actor) -> AgendaItem:
    """Add an item at the end of a section of the meeting's agenda."""
    locked = lock(meeting)
    check_open(locked)
    if section not in Section.values:
        raise ValidationError({"section": _("Phần không hợp lệ.")})
    title = _check_title(title)
    items = list(locked.agenda.all())
    rank = list(Section.values).index(section)
    # After the last item of this section or of an earlier one; later sections move down by one.
    before = [i for i in items if list(Section.values).index(i.section) <= rank]
    order = max((i.order for i in before), default=0) + 1
    shifted = [i for i in items if i.order >= order]
    for i in shifted:
        i.order += 1
    AgendaItem.objects.bulk_update(shifted, ["order"])
    item = AgendaItem.objects.create(meeting=locked, section=section, order=order, title=title)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=item,
        changes=audit.snapshot(item, ["meeting", "section", "order", "title"]),
    )
    return item


@transaction.atomic
def agenda_item_edit(*, item: AgendaItem, title: str, actor) -> AgendaItem:
    check_open(lock(item.meeting))
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    before = audit.snapshot(item, ["title"])
    item.title = _check_title(title)
    changes = audit.diff(before, audit.snapshot(item, ["title"]))
    if changes:
        item.save(update_fields=["title"])
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=item, changes=changes)
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor, restore=False) -> AgendaItem:
    """Take an item off the agenda (kept, marked removed), or put it back."""
    check_open(lock(item.meeting))
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.removed != (not restore):
        item.removed = not restore
        item.save(update_fields=["removed"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=item,
            changes={"removed": [restore, not restore]},
        )
    return item


# --- materials --------------------------------------------------------------------------------


def materials_late(meeting: CellMeeting, posted_at=None, rule=None) -> bool:
    """Whether the materials were (or would be, now) posted later than the rule's days ahead."""
    posted_at = posted_at or meeting.materials_posted_at or timezone.now()
    rule = rule or schedule.rule_for(meeting.cell, meeting.month)
    days = rule.materials_days_ahead if rule else 1
    return (meeting.scheduled_date - timezone.localdate(posted_at)).days < days


def materials_late_message(meeting: CellMeeting, rule=None) -> str:
    rule = rule or schedule.rule_for(meeting.cell, meeting.month)
    days = rule.materials_days_ahead if rule else 1
    return _(
        "Tài liệu gửi muộn: quy định gửi trước buổi sinh hoạt ít nhất %(n)s ngày (họp ngày %(d)s)."
    ) % {"n": days, "d": day_text(meeting.scheduled_date)}


@transaction.atomic
def material_attach(*, meeting: CellMeeting, upload, name: str, actor) -> Material:
    """Attach a file to the meeting, after checking its size and content (materials.check:
    raises ValidationError with the message for the user). The file is stored under MEDIA_ROOT
    as <month>/<random>/<ascii-name>.<ext>; the name shown is `name` or the uploaded file's."""
    locked = lock(meeting)
    check_open(locked)
    try:
        kind = materials.check(upload)
    except materials.MaterialRejected as e:
        raise ValidationError({"file": str(e)}) from None
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    display = " ".join((name or "").split()) or os.path.splitext(os.path.basename(upload.name))[0]
    upload.name = materials.stored_name(upload, kind)
    material = Material(
        meeting=locked,
        name=display[:200],
        content_type=kind.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    material.file.save(upload.name, upload, save=False)
    # A file written for a row that then fails to save is removed, not left orphaned.
    path = material.file.path
    try:
        material.save()
        if locked.materials_posted_at is None:
            locked.materials_posted_at = timezone.now()
            locked.save(update_fields=["materials_posted_at", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=material,
            changes=audit.snapshot(material, ["meeting", "name", "content_type", "size", "sha256"]),
        )
    except Exception:
        if os.path.exists(path):
            os.remove(path)
        raise
    return material


@transaction.atomic
def material_withdraw(*, material: Material, actor) -> Material:
    """Withdraw a material: no longer listed nor served; the file and the row are kept."""
    check_open(lock(material.meeting))
    material = Material.objects.select_for_update().get(pk=material.pk)
    if material.withdrawn_at is None:
        material.withdrawn_at = timezone.now()
        material.save(update_fields=["withdrawn_at"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=material,
            changes={"withdrawn_at": [None, material.withdrawn_at.isoformat()]},
        )
    return material


# --- invitations ------------------------------------------------------------------------------


def invitees(meeting: CellMeeting) -> list[User]:
    """Who is invited: members of the cell on the meeting's day who have an active account,
    and the officials assigned to follow the cell that day. Three queries."""
    return _invitees(meeting)[0]


def _invitees(meeting: CellMeeting) -> tuple[list[User], set[int]]:
    """(invitees, the ids of the cell's members on the meeting's day)."""
    roll = selectors.roll_call(meeting.cell, meeting.scheduled_date)
    users = {
        u.pk: u
        for u in User.objects.filter(
            member_id__in=[e.member.pk for e in roll], is_active=True
        ).order_by("pk")
    }
    for f in selectors.follow_assignments(meeting.cell, meeting.scheduled_date):
        if f.official.is_active:
            users.setdefault(f.official_id, f.official)
    return list(users.values()), {e.member.pk for e in roll}


def invitation_text(meeting: CellMeeting) -> str:
    what = (
        _("sinh hoạt chuyên đề")
        if meeting.kind == CellMeeting.Kind.THEMATIC
        else _("sinh hoạt chi bộ tháng %(m)s") % {"m": f"{meeting.month:%m/%Y}"}
    )
    text = _("Mời dự %(what)s của %(cell)s ngày %(d)s") % {
        "what": what,
        "cell": meeting.cell.name,
        "d": day_text(meeting.scheduled_date),
    }
    if meeting.place:
        text += _(" tại %(p)s") % {"p": meeting.place}
    if meeting.topic:
        text += _("; chuyên đề: %(t)s") % {"t": meeting.topic}
    return (text + ".")[:300]


@transaction.atomic
def meeting_invite(*, meeting: CellMeeting, actor) -> list[Notification]:
    """Invite the cell's members with an account and the assigned officials: one in-app
    notification each (once per meeting: inviting again reaches only the newcomers) and an
    e-mail, sent after the commit, to those with an address. Returns the new notifications."""
    locked = lock(meeting)
    check_open(locked)
    already = notices.invited_users(locked).count()
    text = invitation_text(locked)
    users, member_ids = _invitees(locked)
    subject = _("Giấy mời sinh hoạt chi bộ ngày %(d)s") % {"d": day_text(locked.scheduled_date)}
    new = notices.invite(locked, users, member_ids=member_ids, text=text, email_subject=subject)
    locked.invitations_sent_at = timezone.now()
    locked.save(update_fields=["invitations_sent_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes={"invited": [already, already + len(new)]},
        note=_("Gửi giấy mời"),
    )
    return new

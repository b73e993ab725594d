"""What a meeting's steps tell the people they wait on, through chibo.accounts.notifications:
an invitation (the cell's members, the followed cell's officials), minutes to review (the commune
staff over the cell), minutes confirmed or returned (whoever recorded them), a task assigned to a
member and a task due or late (its owner; sent by `manage.py notify_tasks`).

Keys make each notice once per person and thing ("meeting:12:review", "task:7:due"), so calling
again is harmless; a record returned, corrected and saved again brings the review notice back
unread. The services that cause each step call these inside their transaction.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from chibo.accounts import notifications
from chibo.accounts.models import Role, RoleAssignment
from chibo.core.dates import today
from chibo.core.vn import day_text

from .models import CellMeeting, Task

INVITATION = "invitation"
MINUTES_REVIEW = "minutes_review"
MINUTES_CONFIRMED = "minutes_confirmed"
MINUTES_RETURNED = "returned"  # the kind's value before the notifications moved to accounts
TASK_ASSIGNED = "task_assigned"
TASK_DUE = "task_due"
TASK_LATE = "task_late"
DUE_SOON_DAYS = 3  # a task's owner hears of it this many days before its deadline


def meeting_key(meeting_id: int, kind: str) -> str:
    return f"meeting:{meeting_id}:{kind}"


def task_key(task_id: int, kind: str) -> str:
    return f"task:{task_id}:{kind}"


def _month_of(meeting: CellMeeting) -> str:
    if meeting.kind == CellMeeting.Kind.THEMATIC:
        return _("sinh hoạt chuyên đề ngày %(d)s") % {"d": day_text(meeting.scheduled_date)}
    return _("sinh hoạt tháng %(m)s") % {"m": f"{meeting.month:%m/%Y}"}


# --- invitations ---------------------------------------------------------------------------------


def invite(meeting: CellMeeting, users, *, member_ids, text: str, email_subject: str):
    """Invite `users` to `meeting` (once each); the cell's members (`member_ids`) open it on
    their own page, the officials on the meeting's page. Returns the new notifications."""
    own = reverse("meetings:my") + f"#meeting-{meeting.pk}"
    page = reverse("meetings:detail", args=[meeting.pk])

    def url(user):
        return own if user.member_id in member_ids else page

    return notifications.notify_many(
        recipients=users,
        kind=INVITATION,
        url=url,
        text=text,
        key=meeting_key(meeting.pk, INVITATION),
        email_subject=email_subject,
    )


def invited_users(meeting: CellMeeting):
    """The notifications of those invited to `meeting`, with their users."""
    return notifications.Notification.objects.filter(
        key=meeting_key(meeting.pk, INVITATION)
    ).select_related("user")


def was_told_of(user, meeting: CellMeeting) -> bool:
    """Whether `user` was invited to `meeting` or told of its record (a guest's way to its
    materials)."""
    return notifications.Notification.objects.filter(
        user=user, key__startswith=f"meeting:{meeting.pk}:"
    ).exists()


# --- the record and its review -------------------------------------------------------------------


def reviewers(meeting: CellMeeting, on: datetime.date | None = None):
    """The commune staff over the meeting's cell on `on` (the users who confirm or return it)."""
    on = on or today()
    return [
        ra.user
        for ra in RoleAssignment.objects.current(on)
        .filter(
            role=Role.COMMUNE_STAFF,
            organization__path__in=meeting.cell.ancestor_paths(),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    ]


def minutes_to_review(meeting: CellMeeting):
    """Tell the commune staff over the cell that the meeting's minutes wait for their review
    (again, unread, when a returned record comes back)."""
    text = _("Biên bản %(what)s của %(cell)s chờ Đảng ủy xem xét, xác nhận.") % {
        "what": _month_of(meeting),
        "cell": meeting.cell.name,
    }
    url = reverse("meetings:meeting_review", args=[meeting.pk])
    for user in reviewers(meeting):
        notifications.notify(
            recipient=user,
            kind=MINUTES_REVIEW,
            url=url,
            text=text,
            key=meeting_key(meeting.pk, MINUTES_REVIEW),
            renew=True,
        )


def _recorders(meeting: CellMeeting):
    """Whoever recorded the meeting; for a record without a recorder, the cell's secretaries."""
    if meeting.recorded_by_id:
        return [meeting.recorded_by]
    return [
        ra.user
        for ra in RoleAssignment.objects.current(today())
        .filter(role=Role.CELL_SECRETARY, organization=meeting.cell, user__is_active=True)
        .select_related("user")
    ]


def _reviewed(meeting: CellMeeting, actor, *, kind, text, url, email_subject=""):
    # The review is done: the staff's "to review" notices are settled, whoever reviewed it.
    notifications.settle(key=meeting_key(meeting.pk, MINUTES_REVIEW))
    for user in _recorders(meeting):
        if user.pk == getattr(actor, "pk", None):
            continue
        notifications.notify(
            recipient=user,
            kind=kind,
            url=url,
            text=text,
            key=meeting_key(meeting.pk, kind),
            renew=True,
            email_subject=email_subject,
        )


def minutes_confirmed(meeting: CellMeeting, actor):
    text = _("Đảng ủy đã xác nhận biên bản %(what)s của %(cell)s.") % {
        "what": _month_of(meeting),
        "cell": meeting.cell.name,
    }
    url = reverse("meetings:detail", args=[meeting.pk])
    _reviewed(meeting, actor, kind=MINUTES_CONFIRMED, text=text, url=url)


def minutes_returned(meeting: CellMeeting, actor):
    text = _("Biên bản sinh hoạt tháng %(m)s của %(cell)s bị trả lại: %(c)s") % {
        "m": f"{meeting.month:%m/%Y}",
        "cell": meeting.cell.name,
        "c": meeting.review_comment,
    }
    url = reverse("meetings:record", args=[meeting.pk])
    subject = _("Biên bản sinh hoạt chi bộ bị trả lại")
    _reviewed(meeting, actor, kind=MINUTES_RETURNED, text=text, url=url, email_subject=subject)


# --- tasks ---------------------------------------------------------------------------------------


def tasks_assigned(tasks, actor=None):
    """Tell each member who was given one of `tasks` (once per task and owner)."""
    for task in tasks:
        if task.owner_kind != Task.Owner.MEMBER or task.owner_member_id is None:
            continue
        text = _("Anh/chị được giao nhiệm vụ “%(t)s”, thời hạn %(d)s.") % {
            "t": task.title,
            "d": day_text(task.deadline),
        }
        notifications.notify(
            recipient=task.owner_member,
            kind=TASK_ASSIGNED,
            url=reverse("meetings:task", args=[task.pk]),
            text=text,
            key=task_key(task.pk, f"{TASK_ASSIGNED}:{task.owner_member_id}"),
        )


def tasks_due(on: datetime.date) -> int:
    """Tell the owners of open member tasks due within DUE_SOON_DAYS of `on`, or past their
    deadline, once each (due, then late). Returns the number of new notifications."""
    soon = on + datetime.timedelta(days=DUE_SOON_DAYS)
    tasks = (
        Task.objects.filter(
            state=Task.State.OPEN,
            owner_kind=Task.Owner.MEMBER,
            deadline__lte=soon,
            owner_member__user__is_active=True,
            cell__valid_to__isnull=True,
        )
        .select_related("owner_member__user")
        .order_by("deadline", "pk")
    )
    sent = 0
    for task in tasks:
        late = task.deadline < on
        kind = TASK_LATE if late else TASK_DUE
        if late:
            text = _("Nhiệm vụ “%(t)s” đã quá hạn %(d)s mà chưa được đánh giá hoàn thành.")
        else:
            text = _("Nhiệm vụ “%(t)s” đến hạn ngày %(d)s.")
        note = notifications.notify(
            recipient=task.owner_member,
            kind=kind,
            url=reverse("meetings:task", args=[task.pk]),
            text=text % {"t": task.title, "d": day_text(task.deadline)},
            key=task_key(task.pk, kind),
        )
        sent += note is not None
    return sent

"""The daily reminders of a member's way in and life: what is due on a day, who is told, and the
settling of each when it is done.

Four kinds, each computed from the dated data on a day by one selector:
- probation ending within PROBATION_NOTICE_DAYS (or ended) and the cell has not yet resolved on
  recognition: the cell's secretary and the commune staff over the cell;
- a ceremony overdue (the rule's working days after the admission decision passed without one):
  the cell's secretary and the organization board over it (the upper committee's staff);
- a candidate waiting at one step before the ceremony longer than the rule in force says
  (AdmissionRule.waiting_alert_months): the cell's secretary and the commune staff over it;
- a member due a party-age badge at the next award date: the commune (grassroots) staff and the
  organization board over the member's cell.

`send(on)` puts them in the inboxes through accounts.notifications.notify_many, each with a key
("remind:ceremony:12"), so running it twice on a day, or daily, tells each person once. The
services settle a reminder when its thing is done: a step recorded (services.step_record calls
`settle_step`), a badge awarded (members.badges.services). The home pages list the user's open
reminders (accounts.notifications.open_reminders).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.accounts import notifications
from chibo.accounts.models import Role, RoleAssignment
from chibo.core.dates import today
from chibo.core.vn import day_text
from chibo.members.badges import selectors as badges
from chibo.organizations.models import Organization

from . import rules
from .models import AdmissionStep, Candidate, Step
from .selectors import StepRow, _ended_by, holidays, rules_all

PREFIX = notifications.REMINDER_PREFIX
PROBATION = "probation_ending"
CEREMONY = "ceremony_overdue"
WAITING = "waiting_long"
BADGE = "badge_due"
KINDS = (PROBATION, CEREMONY, WAITING, BADGE)
LABELS = {
    PROBATION: gettext_lazy("Sắp hết thời gian dự bị"),
    CEREMONY: gettext_lazy("Quá hạn tổ chức lễ kết nạp"),
    WAITING: gettext_lazy("Chờ lâu ở một bước"),
    BADGE: gettext_lazy("Đến đợt xét tặng Huy hiệu Đảng"),
}
PROBATION_NOTICE_DAYS = 30

# Who is told of each kind: the cell's own secretary, and the staff holding the other roles at
# an organization over the cell (or at the cell itself).
RECIPIENTS = {
    PROBATION: (Role.CELL_SECRETARY, Role.COMMUNE_STAFF),
    CEREMONY: (Role.CELL_SECRETARY, Role.ORG_ADMIN),
    WAITING: (Role.CELL_SECRETARY, Role.COMMUNE_STAFF),
    BADGE: (Role.COMMUNE_STAFF, Role.ORG_ADMIN),
}


@dataclass(frozen=True)
class Reminder:
    kind: str
    key: str
    cell_path: str
    url: str
    text: str


def reaches(role: str, org_path: str, reminder: Reminder) -> bool:
    """Whether a role held at the organization of `org_path` is told of `reminder`."""
    if role not in RECIPIENTS[reminder.kind]:
        return False
    if role == Role.CELL_SECRETARY:
        return org_path == reminder.cell_path
    return reminder.cell_path.startswith(org_path)


# --- the keys ------------------------------------------------------------------------------------


KEY_PARTS = {PROBATION: "probation", CEREMONY: "ceremony", WAITING: "waiting", BADGE: "badge"}


def probation_key(candidate_id: int, end: datetime.date) -> str:
    # The end is in the key: an extension moves it, and the new end is reminded of again.
    return f"{PREFIX}probation:{candidate_id}:{end.isoformat()}"


def ceremony_key(candidate_id: int) -> str:
    return f"{PREFIX}ceremony:{candidate_id}"


def waiting_key(candidate_id: int, step: str) -> str:
    return f"{PREFIX}waiting:{candidate_id}:{step}"


# --- the candidates on the way in on a day -------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    pk: int
    full_name: str
    listed_on: datetime.date
    cell_name: str
    cell_path: str


def _in_progress(on: datetime.date):
    """(candidate row, progress) of every candidate on the way in on `on`, in open cells. Two
    queries, and the rules and holidays."""
    active = Candidate.objects.filter(listed_on__lte=on, cell__valid_to__isnull=True).exclude(
        _ended_by(on)
    )
    rows = [
        _Row(*r)
        for r in active.order_by("listed_on", "pk").values_list(
            "pk", "full_name", "listed_on", "cell__name", "cell__path"
        )
    ]
    steps = defaultdict(list)
    if rows:
        for row in AdmissionStep.objects.filter(
            on__lte=on, candidate__in=active.values("pk")
        ).values_list("candidate_id", "kind", "on", "number", "until"):
            steps[row[0]].append(StepRow(*row))
    all_rules, days_off = rules_all(), holidays()
    return [
        (
            r,
            rules.progress(
                steps[r.pk], listed_on=r.listed_on, as_of=on, rules=all_rules, holidays=days_off
            ),
        )
        for r in rows
    ]


def _candidate_url(pk: int) -> str:
    return reverse("admissions:candidate", args=[pk])


def probation_ending(on: datetime.date) -> list[Reminder]:
    """Probationary members whose probation ends within PROBATION_NOTICE_DAYS of `on` (or has
    ended) and whose cell has not yet resolved to propose their recognition."""
    horizon = on + datetime.timedelta(days=PROBATION_NOTICE_DAYS)
    out = []
    for r, p in _in_progress(on):
        if not p.in_probation or Step.CELL_RECOGNITION in p.done or p.probation_end > horizon:
            continue
        text = _(
            "Đảng viên dự bị %(name)s (%(cell)s) hết thời gian dự bị ngày %(d)s: chi bộ xét, "
            "đề nghị công nhận đảng viên chính thức."
        ) % {"name": r.full_name, "cell": r.cell_name, "d": day_text(p.probation_end)}
        out.append(
            Reminder(
                PROBATION,
                probation_key(r.pk, p.probation_end),
                r.cell_path,
                _candidate_url(r.pk),
                text,
            )
        )
    return out


def ceremonies_overdue(on: datetime.date) -> list[Reminder]:
    """Candidates admitted by a decision whose ceremony was not held within the rule's working
    days, as of `on`."""
    out = []
    for r, p in _in_progress(on):
        if rules.Flag.CEREMONY_OVERDUE not in p.flags:
            continue
        text = _("Quá hạn tổ chức lễ kết nạp %(name)s (%(cell)s): hạn cuối ngày %(d)s.") % {
            "name": r.full_name,
            "cell": r.cell_name,
            "d": day_text(p.ceremony_deadline),
        }
        out.append(Reminder(CEREMONY, ceremony_key(r.pk), r.cell_path, _candidate_url(r.pk), text))
    return out


def waiting_long(on: datetime.date) -> list[Reminder]:
    """Candidates waiting at one step before the ceremony longer than the rule in force on `on`
    allows (AdmissionRule.waiting_alert_months)."""
    out = []
    for r, p in _in_progress(on):
        if rules.Flag.WAITING not in p.flags:
            continue
        text = _("%(name)s (%(cell)s): %(step)s từ ngày %(d)s.") % {
            "name": r.full_name,
            "cell": r.cell_name,
            "step": rules.waiting_label(p.next_step),
            "d": day_text(p.waiting_since),
        }
        out.append(
            Reminder(
                WAITING, waiting_key(r.pk, p.next_step), r.cell_path, _candidate_url(r.pk), text
            )
        )
    return out


def next_award(on: datetime.date):
    """(the first award date on or after `on`, the one before it or None, the rule of that day);
    None when no badge rule is in force."""
    dates = (
        badges.award_dates(on.year - 1)
        + badges.award_dates(on.year)
        + badges.award_dates(on.year + 1)
    )
    previous = None
    for day, rule in dates:
        if day >= on:
            return day, previous, rule
        previous = day
    return None


def badges_due(on: datetime.date) -> list[Reminder]:
    """Members due a party-age badge at the first award date on or after `on` (not yet awarded
    it), in every organization tree."""
    award = next_award(on)
    if award is None:
        return []
    day, previous, rule = award
    due = []
    for root in Organization.objects.filter(parent__isnull=True, valid_to__isnull=True):
        due.extend(badges.due_at(root, day, previous, rule))
    paths = dict(
        Organization.objects.filter(pk__in={d.member.cell_id for d in due}).values_list(
            "pk", "path"
        )
    )
    out = []
    for d in due:
        text = _(
            "%(name)s (%(cell)s) đủ %(y)s năm tuổi Đảng: xét tặng Huy hiệu %(y)s năm tuổi Đảng "
            "đợt %(d)s."
        ) % {
            "name": d.member.full_name,
            "cell": d.member.cell.name,
            "y": d.years,
            "d": day_text(day),
        }
        out.append(
            Reminder(
                BADGE,
                badges.reminder_key(d.member.pk, d.years),
                paths.get(d.member.cell_id, ""),
                reverse("members:badge_award", args=[d.member.pk]),
                text,
            )
        )
    return out


SELECTORS = {
    PROBATION: probation_ending,
    CEREMONY: ceremonies_overdue,
    WAITING: waiting_long,
    BADGE: badges_due,
}


# --- sending and settling ------------------------------------------------------------------------


def _holders(on: datetime.date) -> list[tuple[str, str, object]]:
    """(role, organization path, user) of every role that hears of a reminder, held on `on` at
    an open organization by an active user. One query."""
    roles = {role for kinds in RECIPIENTS.values() for role in kinds}
    return [
        (ra.role, ra.organization.path, ra.user)
        for ra in RoleAssignment.objects.held(on)
        .filter(role__in=roles, user__is_active=True)
        .select_related("user", "organization")
        .order_by("user_id", "pk")
    ]


def send(on: datetime.date, *, settle: bool | None = None) -> dict[str, tuple[int, int, int]]:
    """Tell each reminder of `on` to the holders of its roles, once per person and key, and,
    for today (or with `settle`), settle the reminders of each kind no longer due. {kind:
    (reminders due, new notifications, notifications settled)}. A day in the past settles
    nothing: what was due then may be due again today, and a settled key is never sent again."""
    settle = on == today() if settle is None else settle
    holders = _holders(on)
    out = {}
    for kind in KINDS:
        due = SELECTORS[kind](on)
        sent = 0
        for reminder in due:
            users = [u for role, path, u in holders if reaches(role, path, reminder)]
            if users:
                sent += len(
                    notifications.notify_many(
                        recipients=users,
                        kind=kind,
                        url=reminder.url,
                        text=reminder.text,
                        key=reminder.key,
                    )
                )
        gone = 0
        if settle:
            gone = notifications.settle_gone(
                prefix=f"{PREFIX}{KEY_PARTS[kind]}:", keep={r.key for r in due}
            )
        out[kind] = (len(due), sent, gone)
    return out


def settle_step(*, candidate_id: int, kind: str, done: dict, all_rules) -> None:
    """Settle the reminders a step of `kind` just recorded answers (`done`: the candidate's steps,
    this one included): the wait at that step; the ceremony; the cell's consideration of the
    recognition (any decision about the probation ends it)."""
    keys = [waiting_key(candidate_id, kind)]
    if kind == Step.STOPPED:
        keys += [waiting_key(candidate_id, s) for s in rules.BEFORE_CEREMONY]
        keys.append(ceremony_key(candidate_id))
    if kind == Step.CEREMONY:
        keys.append(ceremony_key(candidate_id))
    ceremony = done.get(Step.CEREMONY)
    if ceremony is not None and kind in (
        Step.CELL_RECOGNITION,
        Step.RECOGNITION,
        Step.EXTENSION,
        Step.REMOVAL,
    ):
        rule = rules.rule_on(all_rules, ceremony.on)
        keys.append(probation_key(candidate_id, rules.probation_end(ceremony.on, rule)))
        extension = done.get(Step.EXTENSION)
        if extension is not None and extension.until and kind != Step.EXTENSION:
            keys.append(probation_key(candidate_id, extension.until))
    for key in keys:
        notifications.settle(key=key)

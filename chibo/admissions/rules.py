"""The admission rules applied to a candidate's steps: pure functions, no queries.

Selectors load the steps, the rules in force and the public holidays in bulk and hand them in;
services call the same functions before they write, so a page flags exactly what a write would
refuse or mark late.
"""

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core.templatetags.vn import vndate
from chibo.members.rules import add_months

from .models import AdmissionRule, Step

# The way in, in order: each step is recorded after the one before it.
PIPELINE: tuple[str, ...] = (
    Step.COURSE,
    Step.APPLICATION,
    Step.SPONSORS,
    Step.MASS_ORG,
    Step.CELL_RESOLUTION,
    Step.GRASSROOTS_RESOLUTION,
    Step.DECISION,
    Step.CEREMONY,
    Step.CELL_RECOGNITION,
    Step.RECOGNITION,
)
BEFORE_CEREMONY = PIPELINE[: PIPELINE.index(Step.CEREMONY)]
# Steps that end the candidacy: official member, removed from the probationary members,
# or no longer considered before the ceremony.
ENDING = (Step.RECOGNITION, Step.REMOVAL, Step.STOPPED)
# Steps whose document carries a number (certificate, resolution, decision); the application,
# the sponsors' letters, the mass organization's recommendation and the ceremony may have none.
NUMBERED = (
    Step.COURSE,
    Step.CELL_RESOLUTION,
    Step.GRASSROOTS_RESOLUTION,
    Step.DECISION,
    Step.CELL_RECOGNITION,
    Step.RECOGNITION,
    Step.EXTENSION,
    Step.REMOVAL,
)
WEEKEND = (5, 6)  # Saturday, Sunday


class Flag:
    CEREMONY_OVERDUE = "ceremony_overdue"
    CEREMONY_LATE = "ceremony_late"
    WAITING = "waiting"
    RECOGNITION_DUE = "recognition_due"


FLAG_LABELS = {
    Flag.CEREMONY_OVERDUE: gettext_lazy("Quá hạn tổ chức lễ kết nạp"),
    Flag.CEREMONY_LATE: gettext_lazy("Lễ kết nạp tổ chức muộn"),
    Flag.WAITING: gettext_lazy("Chờ lâu ở một bước"),
    Flag.RECOGNITION_DUE: gettext_lazy("Hết thời gian dự bị, chưa công nhận chính thức"),
}


# What a candidate waits for, by the next step to record (the board's columns).
WAITING_LABELS = {
    Step.COURSE: gettext_lazy("Chưa học lớp nhận thức về Đảng"),
    Step.APPLICATION: gettext_lazy("Chờ đơn xin vào Đảng"),
    Step.SPONSORS: gettext_lazy("Chờ đảng viên giới thiệu"),
    Step.MASS_ORG: gettext_lazy("Chờ đoàn thể nhận xét, giới thiệu"),
    Step.CELL_RESOLUTION: gettext_lazy("Chờ nghị quyết chi bộ"),
    Step.GRASSROOTS_RESOLUTION: gettext_lazy("Chờ nghị quyết đảng ủy cơ sở"),
    Step.DECISION: gettext_lazy("Chờ quyết định kết nạp"),
    Step.CEREMONY: gettext_lazy("Chờ lễ kết nạp"),
    Step.CELL_RECOGNITION: gettext_lazy("Đang dự bị"),
    Step.RECOGNITION: gettext_lazy("Chờ quyết định công nhận chính thức"),
}


def waiting_label(step: str) -> str:
    return str(WAITING_LABELS[step])


# --- rules in force and working days -------------------------------------------------------


def rule_on(rules: Sequence[AdmissionRule], on: datetime.date) -> AdmissionRule:
    """The rule in force on `on` among `rules` (any order); the earliest one before them all."""
    ordered = sorted(rules, key=lambda r: r.effective_from)
    if not ordered:
        raise AdmissionRule.DoesNotExist("No admission rule")
    chosen = ordered[0]
    for rule in ordered:
        if rule.effective_from <= on:
            chosen = rule
    return chosen


def is_working_day(day: datetime.date, holidays: frozenset[datetime.date]) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


@functools.lru_cache(maxsize=4096)
def add_working_days(start: datetime.date, days: int, holidays: frozenset[datetime.date]):
    """The `days`-th working day after `start` (Monday to Friday, public holidays excluded).
    Cached: a board asks it for each decision, and the same days come again."""
    day = start
    left = days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def ceremony_deadline(decision_on: datetime.date, rule: AdmissionRule, holidays) -> datetime.date:
    """The last day the ceremony may be held: the rule's working days after the decision."""
    return add_working_days(decision_on, rule.ceremony_working_days, holidays)


def probation_end(ceremony_on: datetime.date, rule: AdmissionRule) -> datetime.date:
    """The first day the member may be official: the ceremony + the rule's months (a month
    without that day ends on its last day, as members.rules.probation_end)."""
    return add_months(ceremony_on, rule.probation_months)


# --- where a candidate stands -----------------------------------------------------------------


@dataclass
class Progress:
    """Where a candidate stands on `as_of`, from the steps recorded on or before it."""

    as_of: datetime.date
    done: dict  # Step value -> the step (any object with .kind, .on, .number, .until)
    next_step: str | None  # the pipeline step to record next; None once the candidacy ended
    ended: str | None  # Step.RECOGNITION, REMOVAL or STOPPED when the candidacy ended
    waiting_since: datetime.date
    ceremony_deadline: datetime.date | None = None
    probation_end: datetime.date | None = None  # first day the member may be official
    flags: list[str] = field(default_factory=list)
    missing_numbers: list[str] = field(default_factory=list)  # numbered steps without a number

    @property
    def active(self) -> bool:
        return self.ended is None

    @property
    def in_probation(self) -> bool:
        return Step.CEREMONY in self.done and self.ended is None

    @property
    def missing(self) -> list[str]:
        """The pipeline steps not yet recorded, in order."""
        if self.ended:
            return []
        return [s for s in PIPELINE if s not in self.done]

    @property
    def waiting_days(self) -> int:
        return (self.as_of - self.waiting_since).days

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[f]) for f in self.flags]


def progress(
    steps: Iterable,
    *,
    listed_on: datetime.date,
    as_of: datetime.date,
    rules: Sequence[AdmissionRule],
    holidays: frozenset[datetime.date],
) -> Progress:
    """The candidate's progress on `as_of` from their `steps` (those after it are ignored)."""
    done = {s.kind: s for s in steps if s.on <= as_of}
    ended = next((k for k in ENDING if k in done), None)
    next_step = None if ended else next((s for s in PIPELINE if s not in done), None)
    dates = [s.on for s in done.values()]
    waiting_since = max([listed_on, *dates])
    p = Progress(
        as_of=as_of, done=done, next_step=next_step, ended=ended, waiting_since=waiting_since
    )
    p.missing_numbers = [k for k in NUMBERED if k in done and not done[k].number]
    decision = done.get(Step.DECISION)
    ceremony = done.get(Step.CEREMONY)
    if decision is not None:
        p.ceremony_deadline = ceremony_deadline(decision.on, rule_on(rules, decision.on), holidays)
        if ceremony is None and ended is None and as_of > p.ceremony_deadline:
            p.flags.append(Flag.CEREMONY_OVERDUE)
        if ceremony is not None and ceremony.on > p.ceremony_deadline:
            p.flags.append(Flag.CEREMONY_LATE)
    if ceremony is not None:
        p.probation_end = earliest_recognition(done, rules)
        if ended is None and as_of >= p.probation_end and Step.RECOGNITION not in done:
            p.flags.append(Flag.RECOGNITION_DUE)
    if ended is None and next_step in BEFORE_CEREMONY:
        alert = rule_on(rules, as_of).waiting_alert_months
        if as_of >= add_months(waiting_since, alert):
            p.flags.append(Flag.WAITING)
    return p


def earliest_recognition(done: dict, rules: Sequence[AdmissionRule]) -> datetime.date:
    """The first day of official membership: the end of probation, or the end of an extension
    of the consideration when one was decided."""
    ceremony = done[Step.CEREMONY]
    end = probation_end(ceremony.on, rule_on(rules, ceremony.on))
    extension = done.get(Step.EXTENSION)
    if extension is not None and extension.until and extension.until > end:
        end = extension.until
    return end


# --- what a new step must satisfy ---------------------------------------------------------------


def allowed_steps(p: Progress) -> list[str]:
    """The steps that may be recorded next, given the progress on the day of the last step."""
    if p.ended:
        return []
    allowed = [p.next_step] if p.next_step else []
    if Step.CEREMONY in p.done:
        if Step.EXTENSION not in p.done and Step.RECOGNITION not in p.done:
            allowed.append(Step.EXTENSION)
        allowed.append(Step.REMOVAL)
    else:
        allowed.append(Step.STOPPED)
    return allowed


def step_errors(
    kind: str,
    on: datetime.date,
    *,
    number: str,
    until: datetime.date | None,
    done: dict,
    issuer: str = "",
    rules: Sequence[AdmissionRule],
    today: datetime.date,
) -> dict[str, str]:
    """{field: message} of what refuses a step of `kind` on `on` after the steps `done` (every
    step recorded so far); empty when it may be recorded. The sponsors are checked by the
    service, which reads their memberships."""
    errors = {}
    if on > today:
        errors["on"] = _("Ngày %(d)s ở tương lai.") % {"d": vndate(on)}
    ended = next((k for k in ENDING if k in done), None)
    if ended:
        return {"kind": _("Hồ sơ đã kết thúc (%(s)s).") % {"s": Step(ended).label}}
    if kind in done:
        return {"kind": _("Bước «%(s)s» đã được ghi.") % {"s": Step(kind).label}}
    if kind in PIPELINE:
        before = PIPELINE[: PIPELINE.index(kind)]
        missing = [s for s in before if s not in done]
        if missing:
            return {
                "kind": _("Chưa ghi bước trước: %(s)s.") % {"s": Step(missing[0]).label},
            }
    elif kind == Step.STOPPED and Step.CEREMONY in done:
        return {"kind": _("Đã kết nạp: hãy ghi quyết định xóa tên nếu không công nhận.")}
    elif kind in (Step.EXTENSION, Step.REMOVAL) and Step.CEREMONY not in done:
        return {"kind": _("Chưa tổ chức lễ kết nạp.")}
    last = max((s.on for s in done.values()), default=None)
    if kind == Step.CEREMONY and on < done[Step.DECISION].on:
        errors["on"] = _("Lễ kết nạp %(c)s trước ngày quyết định kết nạp %(d)s.") % {
            "c": vndate(on),
            "d": vndate(done[Step.DECISION].on),
        }
    elif kind in (Step.CELL_RECOGNITION, Step.RECOGNITION):
        first = earliest_recognition(done, rules)
        if on < first:
            errors["on"] = _(
                "Chưa đủ thời gian dự bị: lễ kết nạp %(c)s, sớm nhất được xét công nhận "
                "chính thức từ %(e)s."
            ) % {"c": vndate(done[Step.CEREMONY].on), "e": vndate(first)}
    if "on" not in errors and last is not None and on < last:
        errors["on"] = _("Ngày %(d)s trước bước đã ghi gần nhất (%(l)s).") % {
            "d": vndate(on),
            "l": vndate(last),
        }
    if kind in NUMBERED and not number.strip():
        errors["number"] = _("Hãy ghi số văn bản.")
    if kind == Step.REMOVAL and not issuer.strip():
        errors["issuer"] = _("Hãy ghi cấp ủy ra quyết định.")
    if kind == Step.EXTENSION and (until is None or until <= on):
        errors["until"] = _("Hãy ghi ngày kéo dài đến, sau ngày quyết định.")
    return errors

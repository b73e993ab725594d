"""When a cell meets: the meeting-day rule in force for a month and the Sunday / holiday shifts.

Contract (the rules are data: MeetingRule, Holiday, AgendaTemplate, ScoreSheet):

* Which rule. Among the rules of the cell's type whose organization lies on the cell's path (as
  of the month's first day) or that have no organization (global), the nearest organization
  above the cell wins (a commune's own rule beats the district's, which beats the global one);
  among the rules of that organization, the latest with ``effective_from`` on or before the
  month's first day. So a month has one rule: a rule dated in the middle of a month applies from
  the next month (a rule change never moves a meeting inside the month it was announced in).
* The day. ``rule.day`` of the month. If that day is a Holiday, ``on_holiday`` decides; otherwise,
  if it is a Sunday, ``on_sunday`` decides. KEEP leaves the day; BEFORE moves it to the nearest
  working day before, AFTER to the nearest working day after.
* Working day. Residential cells meet in the village, in the evening or at the weekend, so for
  them a working day is Monday to Saturday and not a Holiday. Agency cells meet in office hours:
  Monday to Friday and not a Holiday. (So an agency cell whose 25th is a Sunday, with BEFORE,
  meets on Friday the 23rd, not on the Saturday.)
* The meeting stays in its month: if no working day exists in the chosen direction before the
  month ends (or starts), the shift goes the other way.

The same nearest-organization, latest-in-force choice picks the AgendaTemplate and the ScoreSheet
of a meeting (without the cell type).
"""

import datetime
from dataclasses import dataclass, field

from chibo.organizations.models import PATH_STEP, Organization
from chibo.organizations.selectors import path_as_of

from .models import AgendaTemplate, DayShift, Holiday, MeetingRule, ScoreSheet

ONE_DAY = datetime.timedelta(days=1)
SUNDAY = 6
# Where no rule governs a cell: the days after the scheduled day before a record is overdue.
DEFAULT_OVERDUE_DAYS = MeetingRule._meta.get_field("overdue_after_days").default


def first_of_month(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def last_of_month(d: datetime.date) -> datetime.date:
    nxt = (d.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - ONE_DAY


def add_months(d: datetime.date, n: int) -> datetime.date:
    """The first day of the month `n` months after `d`'s month."""
    index = d.year * 12 + d.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def quarter_of(d: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter holding `d`."""
    start = datetime.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    return start, last_of_month(add_months(start, 2))


def ancestor_ids(path: str) -> list[int]:
    """Organization ids on a tree path, from the root down (the path is the ids, 8 digits each)."""
    return [int(path[i : i + PATH_STEP - 1]) for i in range(0, len(path), PATH_STEP)]


def nearest_in_force(rows, ids: list[int], month: datetime.date):
    """Of `rows` (with organization_id and effective_from), the one of the deepest organization in
    `ids` (else a global row), latest in force on `month`'s first day; None if none."""
    depth = {pk: i for i, pk in enumerate(ids)}
    best, best_key = None, None
    for row in rows:
        if row.effective_from > month:
            continue
        if row.organization_id is None:
            level = -1
        elif row.organization_id in depth:
            level = depth[row.organization_id]
        else:
            continue
        key = (level, row.effective_from)
        if best_key is None or key > best_key:
            best, best_key = row, key
    return best


@dataclass
class Schedule:
    """The rules, holidays, agenda templates and score sheets, loaded once (four small tables) so
    a district's month of meetings is computed without a query per cell."""

    rules: list[MeetingRule]
    holidays: set[datetime.date]
    templates: list[AgendaTemplate] = field(default_factory=list)
    sheets: list[ScoreSheet] = field(default_factory=list)

    @classmethod
    def load(cls, *, rules=True, holidays=True, templates=False, sheets=False) -> "Schedule":
        return cls(
            rules=list(MeetingRule.objects.all()) if rules else [],
            holidays=set(Holiday.objects.values_list("date", flat=True)) if holidays else set(),
            templates=list(AgendaTemplate.objects.all()) if templates else [],
            sheets=list(ScoreSheet.objects.all()) if sheets else [],
        )

    def rule_for(self, cell_type: str, path: str, month: datetime.date) -> MeetingRule | None:
        rows = [r for r in self.rules if r.cell_type == cell_type]
        return nearest_in_force(rows, ancestor_ids(path), first_of_month(month))

    def template_for(self, path: str, month: datetime.date) -> AgendaTemplate | None:
        return nearest_in_force(self.templates, ancestor_ids(path), first_of_month(month))

    def sheet_for(self, path: str, month: datetime.date) -> ScoreSheet | None:
        return nearest_in_force(self.sheets, ancestor_ids(path), first_of_month(month))

    def is_working_day(self, d: datetime.date, cell_type: str) -> bool:
        last = 5 if cell_type == Organization.CellType.RESIDENTIAL else 4  # Saturday / Friday
        return d.weekday() <= last and d not in self.holidays

    def shift(self, d: datetime.date, how: str, cell_type: str) -> datetime.date:
        if how == DayShift.KEEP:
            return d
        start, end = first_of_month(d), last_of_month(d)
        steps = [-ONE_DAY, ONE_DAY] if how == DayShift.BEFORE else [ONE_DAY, -ONE_DAY]
        for step in steps:
            x = d + step
            while start <= x <= end:
                if self.is_working_day(x, cell_type):
                    return x
                x += step
        return d  # a month without a single working day: keep the rule's day

    def day_for(self, cell_type: str, path: str, month: datetime.date) -> datetime.date | None:
        """The scheduled day of a cell's regular meeting in `month`; None without a rule."""
        rule = self.rule_for(cell_type, path, month)
        if rule is None:
            return None
        return self.apply(rule, first_of_month(month).replace(day=rule.day), cell_type)

    def apply(self, rule: MeetingRule, d: datetime.date, cell_type: str) -> datetime.date:
        if d in self.holidays and rule.on_holiday != DayShift.KEEP:
            return self.shift(d, rule.on_holiday, cell_type)
        if d.weekday() == SUNDAY and rule.on_sunday != DayShift.KEEP:
            return self.shift(d, rule.on_sunday, cell_type)
        return d


def _cell_path(cell: Organization, month: datetime.date) -> str:
    return path_as_of(cell, first_of_month(month)) or cell.path


def rule_for(cell: Organization, month: datetime.date) -> MeetingRule | None:
    """The MeetingRule in force for `cell` in `month` (see the module's contract)."""
    return Schedule.load(holidays=False).rule_for(cell.cell_type, _cell_path(cell, month), month)


def meeting_day(cell: Organization, month: datetime.date) -> datetime.date | None:
    """The day `cell`'s regular meeting of `month` is scheduled on, shifts applied (see the
    module's contract); None if no rule applies."""
    return Schedule.load().day_for(cell.cell_type, _cell_path(cell, month), month)


def sheet_for(cell: Organization, month: datetime.date) -> ScoreSheet | None:
    schedule = Schedule.load(rules=False, holidays=False, sheets=True)
    return schedule.sheet_for(_cell_path(cell, month), month)

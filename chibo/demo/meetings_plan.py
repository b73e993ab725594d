"""Planning the demo's meetings (issue 4): what meetings.build_meetings writes.

`plan_meetings` is pure like plan.make_plan, given the meeting days and score sheets the rules
in the database give (chibo.meetings.schedule.Schedule, read once by `schedule_of`). It draws
from generators of its own (seeded from the demo seed, so the rest of the demo does not depend
on it) and makes, for every village cell (the 293, and the merged ones for their months before
the merger) and every agency cell, over the 36 months April 2020 – March 2023 (the article's),
then, given a `today`, each month to today's (`_later`: the same, each cell's month from a
generator of its own; the last months' statuses as those of early 2023 were):

- the regular meeting of each month on the rule's day (village cells on the 24th, a Sunday kept;
  agency cells on the 25th, on the Friday before a Sunday; both after a holiday),
  recorded (status confirmed; held, not yet confirmed, in March 2023; some of February still
  waiting; a few returned in the first quarter of 2023); about 3% held two to five days late;
  a few never recorded (status planned, so overdue), more in February and March 2023;
- a thematic part (a topic on the regular meeting) or a separate thematic meeting once a quarter
  in most cells, a few cells missing it in some quarter;
- the roll call of the cell's members on the day, as chibo.meetings.selectors.roll_call reads
  it (official and probationary members summoned, exempt members outside the base), 85–95%
  present, the others absent with a reason (ốm, đi làm ăn xa, việc gia đình) or, a few, without;
  the meeting's counts are those of the summoned rows;
- chair the cell's secretary on the day where the committees' data has one (else the deputy or
  the longest-serving official member), minute-taker the deputy, a committee member or a member;
  both present;
- speakers with a gist; guests: the officials following the cell (each attends one of their
  cells' meetings in most months, the least recently visited first: the cells meet on the same
  evening), the commune police in some, with the guidance they left;
- 2–4 tasks per recorded regular meeting for named members, the committee or a mass
  organization, due in the next month, reviewed at the cell's next recorded regular meeting
  (mostly done, some late, a few not done); tasks not reviewed by 31/03/2023 stay open;
- 4–6 targets per village cell and year 2020–2023 with the progress of each month recorded at
  that month's meeting (the admissions target counts the cell's real admissions); agency cells
  get tasks of their own and no targets, and no officials follow them;
- the quality self-score on the sheet in force, per item, summing to the total, and its class.

A cell that merges on 01/07/2025 (mergers.py, Plan.mergers) meets until then, and has no target
for the years after; from that day its members, moved by the reorganization, are on the roll of
the cell it merged into, whose meetings, tasks and targets go on.
"""

import datetime
import hashlib
from bisect import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from random import Random

from chibo.meetings.models import Attendance, CellMeeting, Guest, ScoreItem, ScoreSheet, Task
from chibo.meetings.schedule import Schedule, add_months, last_of_month

from . import data as d
from . import meetings_texts as tx
from .meetings_officials import COMMUNE, POLICE
from .mergers import ON as MERGED_ON
from .roster import ONE_DAY, in_force, person_name
from .specs import EXEMPT as EXEMPT_STATUS
from .specs import D

FIRST_MONTH, MONTHS = D(2020, 4, 1), 36
LAST_MONTH = add_months(FIRST_MONTH, MONTHS - 1)  # March 2023, the month of data.AS_OF
TARGET_YEARS = (2020, 2021, 2022, 2023)
COVID = (D(2021, 5, 1), D(2022, 3, 1))  # months with COVID-19 tasks and topics
T = datetime.time
M = CellMeeting
PRESENT, EXCUSED, UNEXCUSED = (
    Attendance.Presence.PRESENT,
    Attendance.Presence.EXCUSED,
    Attendance.Presence.UNEXCUSED,
)
DONE, LATE, NOT_DONE, OPEN = Task.State.DONE, Task.State.LATE, Task.State.NOT_DONE, Task.State.OPEN
SECRETARY, DEPUTY = "secretary", "deputy_secretary"
STARTS = (T(19, 30), T(20, 0), T(19, 0), T(14, 0))  # villages meet in the evening
AGENCY_STARTS = (T(14, 0), T(15, 0), T(8, 0))  # agencies in office hours
EXEMPT = tx.EXEMPT_REASON


@dataclass(slots=True)
class MeetingSpec:
    cell: str
    month: datetime.date
    kind: str
    scheduled: datetime.date
    sheet: object  # key into schedule_of's sheets
    topic: str = ""
    status: str = M.Status.PLANNED
    held_on: datetime.date | None = None
    start: datetime.time | None = None
    end: datetime.time | None = None
    place: str = ""
    chair: int | None = None  # index in Plan.members
    minute_taker: int | None = None
    summary: str = ""
    conclusions: str = ""
    resolution: str = ""
    points: int | None = None
    quality_class: str = ""
    scores: tuple = ()
    counts: tuple = (0, 0, 0, 0)  # summoned, present, absent excused, absent unexcused
    attendance: list = field(default_factory=list)  # (member, summoned, presence, reason)
    guests: list = field(default_factory=list)  # (kind, cadre, name, organization, guidance)
    speeches: list = field(default_factory=list)  # (member, speaker, gist)
    invited_at: datetime.datetime | None = None  # naive, local time
    recorded_at: datetime.datetime | None = None
    reviewed_at: datetime.datetime | None = None
    review_comment: str = ""
    version: int = 1


@dataclass(slots=True)
class TaskSpec:
    meeting: int  # index in MeetingsPlan.meetings
    cell: str
    title: str
    owner_kind: str
    owner_member: int | None
    owner_name: str
    deadline: datetime.date
    target: int | None  # index in MeetingsPlan.targets
    state: str = OPEN
    reviewed_at: int | None = None
    review_note: str = ""
    progress: int = 0


@dataclass(slots=True)
class TargetSpec:
    cell: str
    year: int
    name: str
    unit: str
    value: Decimal
    order: int
    months: dict = field(default_factory=dict)  # month number -> progress planned
    measure: str = "sum"  # "level" for a rate reached each month (Target.Measure)


@dataclass
class SheetSpec:
    """What the plan needs of a ScoreSheet: its items' codes and maxima, and the sheet (which
    classes a total)."""

    codes: tuple
    maxima: tuple
    sheet: ScoreSheet

    def __post_init__(self):
        # "time" and "attendance" follow from the record; the other items share the rest.
        self.fixed = [(k, c) for k, c in enumerate(self.codes) if c in ("time", "attendance")]
        self.free = [k for k, c in enumerate(self.codes) if c not in ("time", "attendance")]
        self.room = sum(self.maxima[k] for k in self.free)

    def classify(self, points: int) -> str:
        return self.sheet.classify(points)


@dataclass
class MeetingsPlan:
    meetings: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    progress: list = field(default_factory=list)  # (target, month, value, meeting)

    def summary(self) -> dict:
        status = Counter(str(m.status) for m in self.meetings)
        return {
            "meetings": len(self.meetings),
            "by_status": dict(sorted(status.items())),
            "thematic": sum(1 for m in self.meetings if m.kind == M.Kind.THEMATIC),
            "attendance": sum(len(m.attendance) for m in self.meetings),
            "guests": sum(len(m.guests) for m in self.meetings),
            "speeches": sum(len(m.speeches) for m in self.meetings),
            "tasks": len(self.tasks),
            "targets": len(self.targets),
            "target_progress": len(self.progress),
        }

    def digest(self) -> str:
        """A short hash of every meeting's day, status, counts and score, for determinism."""
        h = hashlib.sha256()
        for m in self.meetings:
            h.update(f"{m.cell}|{m.month}|{m.kind}|{m.held_on}|{m.status}|{m.counts}|".encode())
            h.update(f"{m.points}|{len(m.guests)}\n".encode())
        for t in self.tasks:
            h.update(f"{t.meeting}|{t.owner_member}|{t.state}|{t.reviewed_at}\n".encode())
        return h.hexdigest()[:16]


def months() -> list[datetime.date]:
    return [add_months(FIRST_MONTH, k) for k in range(MONTHS)]


def later_months(today: datetime.date | None) -> list[datetime.date]:
    """The months after the article's, April 2023 to today's month (none before)."""
    out, month = [], add_months(LAST_MONTH, 1)
    while today is not None and month <= today:
        out.append(month)
        month = add_months(month, 1)
    return out


def meeting_cells(plan) -> list:
    """(cell code, village or None, end of the cell) of every cell that met in the period, by
    code: the village cells (the merged ones until their merger, those of 01/07/2025 too) and
    the agency cells."""
    merging = {m.cell for m in plan.mergers}
    cells = [(v.cell, v, MERGED_ON if v.cell in merging else v.valid_to) for v in plan.villages]
    cells += [(o.code, None, o.valid_to) for o in plan.orgs if o.cell_type == "agency"]
    return sorted(c for c in cells if c[2] is None or c[2] > FIRST_MONTH)


def schedule_of(plan, orgs, schedule: Schedule | None = None, today=None):
    """((cell code, month) -> (day, sheet key), sheet key -> SheetSpec) from the rules in the
    database: the day each cell's regular meeting is scheduled on and the score sheet in force,
    April 2020 to today's month."""
    schedule = schedule or Schedule.load(sheets=True)
    items = defaultdict(list)
    for item in ScoreItem.objects.order_by("sheet_id", "order"):
        items[item.sheet_id].append(item)
    sheets, days = {}, {}
    for code, _village, _end in meeting_cells(plan):
        cell = orgs[code]
        for month in months() + later_months(today):
            day = schedule.day_for(cell.cell_type, cell.path, month)
            sheet = schedule.sheet_for(cell.path, month)
            if sheet is not None and sheet.pk not in sheets:
                rows = items[sheet.pk]
                sheets[sheet.pk] = SheetSpec(
                    tuple(i.code for i in rows),
                    tuple(i.max_points for i in rows),
                    sheet,
                )
            if day is not None:
                days[(code, month)] = (day, sheet.pk if sheet else None)
    return days, sheets


def plan_meetings(plan, oplan, days, sheets, today=None) -> MeetingsPlan:
    """`plan`: the demo Plan; `oplan`: meetings_officials.plan_officials(plan); `days`, `sheets`:
    schedule_of(...); `today`: the meetings go on to its month (none after the article's month
    without it)."""
    return _MeetingsPlanner(plan, oplan, days, sheets, today).run()


@dataclass
class _Cell:
    code: str
    village: object
    end: datetime.date | None
    present: float  # the share of summoned members who usually come
    quality: float  # the usual self-score
    weak: bool
    committee: object  # committees.CellCommittee or None
    targets: dict = field(default_factory=dict)  # year -> [target index]
    poverty: bool = False  # a poverty-reduction target every year
    pending: list = field(default_factory=list)  # tasks to review at the next meeting


class _MeetingsPlanner:
    def __init__(self, plan, oplan, days, sheets, today=None):
        self.plan = plan
        self.rng = Random(f"{plan.seed}:meetings")
        self.days, self.sheets = days, sheets
        self.members = plan.members
        self.birth_year = [m.birth_date.year for m in plan.members]
        self.by_cell = defaultdict(list)  # cell -> (member, start, end, exempt since)
        self.admissions = Counter()  # (cell, year, month) -> members admitted there
        for i, m in enumerate(plan.members):
            exempt = m.status_since if m.status == EXEMPT_STATUS else None
            for ms in m.memberships:
                self.by_cell[ms.cell].append((i, ms.start, ms.end, exempt))
            first = m.memberships[0]
            if first.reason == "admitted":
                self.admissions[(first.cell, m.admission_date.year, m.admission_date.month)] += 1
        # From 01/07/2025 the members of a merged cell are on the roll of the one it merged into
        # (the reorganization moves their open memberships; no membership of the plan ends in a
        # merged cell after that day: later.py).
        for merger in plan.mergers:
            self.by_cell[merger.into_cell] += [
                (i, max(start, MERGED_ON), end, exempt)
                for i, start, end, exempt in self.by_cell[merger.cell]
                if end is None or end > MERGED_ON
            ]
        self.oplan = oplan
        self.villages = {v.cell for v in plan.villages}
        self.out = MeetingsPlan()
        self.held: dict[tuple, int] = {}  # (cell, month) -> recorded regular meeting
        # The last month with meetings and the day the records stop: the article's first, then
        # today's (_later).
        self.today = today or d.AS_OF
        self._period(LAST_MONTH, d.AS_OF)
        self.rolls: dict[str, tuple] = {}  # cell -> (days its roll changes, roll by interval)
        self.month_text: dict[datetime.date, str] = {}

    def _period(self, last_month: datetime.date, as_of: datetime.date):
        """The last month with meetings and the day the records stop, and what follows from
        them, read at every meeting."""
        self.last_month, self.as_of = last_month, as_of
        self.before_last = add_months(last_month, -1)
        self.two_before_last = add_months(last_month, -2)
        self.p_missing = {last_month: 0.05, self.before_last: 0.025}
        self.recorded_by, self.reviewed_by = _at(as_of, T(22, 0)), _at(as_of, T(16, 0))

    def run(self) -> MeetingsPlan:
        cells = []
        for code, village, end in meeting_cells(self.plan):
            c = self._profile(code, village, end)
            cells.append(c)
            self._cell(c)
        self._guests(months(), Random(f"{self.plan.seed}:guests"))
        if self.today > d.AS_OF:
            self._later(cells)
        return self.out

    def _profile(self, code, village, end) -> _Cell:
        rng = self.rng
        weak = rng.random() < 0.06
        present = rng.uniform(0.80, 0.88) if weak else rng.uniform(0.86, 0.95)
        quality = rng.gauss(66, 5) if weak else min(95.0, max(72.0, rng.gauss(85, 4.5)))
        committee = self.plan.committees.cells.get(code)
        return _Cell(code, village, end, present, quality, weak, committee)

    # --- one cell's three years ---------------------------------------------------------------
    def _cell(self, c: _Cell):
        if c.village is not None:
            self._targets(c)
        thematic = self._thematic_plan(c)
        pending: list[int] = []
        for month in months():
            pending, ended = self._month(c, month, thematic, pending)
            if ended:
                break
        for t in pending:
            task = self.out.tasks[t]
            task.progress = self.rng.randint(0, 5) * 10
        # Reviewed after 31/03/2023: only the tasks due after it (a task's state is not dated,
        # and task_completion_rate counts the reviewed tasks due by its date).
        c.pending = [t for t in pending if self.out.tasks[t].deadline > d.AS_OF]

    def _month(self, c: _Cell, month, thematic: dict, pending: list[int]) -> tuple[list, bool]:
        """The cell's meetings of `month`: (the tasks left to review at the next one, whether
        the cell has ended)."""
        rng = self.rng
        entry = self.days.get((c.code, month))
        if entry is None:
            return pending, False
        day, sheet = entry
        if c.end is not None and day >= c.end:
            return pending, True
        spec = MeetingSpec(c.code, month, M.Kind.REGULAR, day, sheet, place=self._place(c))
        self.out.meetings.append(spec)
        index = len(self.out.meetings) - 1
        invited = day - ONE_DAY * rng.randint(1, 3)
        if invited > self.as_of:
            return pending, False  # still to come: planned, invitations not yet sent
        spec.invited_at = _at(invited, T(18, 0))
        if day > self.as_of or rng.random() < self._p_missing(month, c):
            return pending, False  # still to come, or never recorded: planned, overdue
        form, topic = thematic.get(month, (None, ""))
        late = rng.random() < (0.08 if c.weak else 0.03)
        held = min(day + ONE_DAY * rng.randint(2, 5), last_of_month(day), self.as_of)
        spec.held_on = held if late and held > day else day
        if form == "part":
            spec.topic = topic
        self._record(c, spec, minutes=self._minutes(bool(spec.topic)))
        self.held[(c.code, month)] = index
        reviewed = self._review(c, spec, index, pending)
        pending = self._tasks(c, spec, index)
        self._texts(c, spec, reviewed, index)
        self._progress(c, spec, index)
        if form == "separate":
            self._thematic_meeting(c, month, sheet, topic)
        return pending, False

    # --- after the article's date, to today ------------------------------------------------------
    def _later(self, cells: list[_Cell]):
        """April 2023 to today's month, each cell's month drawn from a generator of its own
        (seed, cell, month): a month's meetings do not depend on the day the demo is built,
        except the last months' statuses. The tasks due in April 2023 are reviewed at the next
        meeting; those due by 31/03/2023 and not reviewed then stay open."""
        seed = self.plan.seed
        later = later_months(self.today)
        self._period(later[-1], self.today)
        # The cells merged on 01/07/2025 first: the tasks they leave open pass to the cell they
        # merged into, reviewed at its first meeting after (each cell's months draw from
        # generators of their own, so the order changes no draw).
        into = {m.cell: m.into_cell for m in self.plan.mergers}
        handed: dict[str, list[int]] = defaultdict(list)
        for c in sorted(cells, key=lambda c: c.code not in into):
            if c.end is not None and c.end <= later[0]:
                continue
            if c.village is not None:
                for year in range(d.AS_OF.year + 1, self.today.year + 1):
                    if c.end is not None and c.end <= D(year, 1, 1):
                        break
                    self.rng = Random(f"{seed}:targets:{c.code}:{year}")
                    others = list(tx.TARGETS[3:])
                    self.rng.shuffle(others)
                    self._targets_of_year(c, year, others)
            self.rng = Random(f"{seed}:thematic:{c.code}:later")
            thematic = self._thematic_plan(c, later)
            pending = c.pending
            for month in later:
                self.rng = Random(f"{seed}:meetings:{c.code}:{month:%Y-%m}")
                if month >= MERGED_ON and handed.get(c.code):
                    pending = handed.pop(c.code) + pending
                pending, ended = self._month(c, month, thematic, pending)
                if ended:
                    break
            if c.code in into:
                handed[into[c.code]] += pending
                continue
            self.rng = Random(f"{seed}:open:{c.code}")
            for t in pending:
                self.out.tasks[t].progress = self.rng.randint(0, 5) * 10
        self._guests(later, Random(f"{seed}:guests:later"))

    def _p_missing(self, month, c: _Cell) -> float:
        """Never recorded: 5% in the last month, 2,5% in the one before, else 0,1%."""
        p = self.p_missing.get(month, 0.001)
        return p * (3 if c.weak else 1)

    def _place(self, c: _Cell) -> str:
        return f"Nhà văn hóa {c.village.label}" if c.village else "Phòng họp cơ quan"

    def _minutes(self, thematic: bool) -> int:
        rng = self.rng
        if thematic:
            return rng.randint(100, 119) if rng.random() < 0.04 else rng.randint(120, 165)
        return rng.randint(70, 89) if rng.random() < 0.04 else rng.randint(90, 130)

    def _status(self, spec: MeetingSpec):
        """Confirmed by the commune, except in the last quarter: March held (not yet confirmed),
        some of February still waiting, a few returned with a comment."""
        rng, month = self.rng, spec.month
        r = rng.random()
        if month == self.last_month:
            spec.status = M.Status.RETURNED if r < 0.03 else M.Status.HELD
        elif month == self.before_last:
            spec.status = (
                M.Status.RETURNED if r < 0.03 else M.Status.HELD if r < 0.1 else M.Status.CONFIRMED
            )
        elif month == self.two_before_last and r < 0.01:
            spec.status = M.Status.RETURNED
        else:
            spec.status = M.Status.CONFIRMED
        lag = _pick(rng, (0, 1, 2), (85, 96, 100))
        recorded = _at(spec.held_on + ONE_DAY * lag, T(21, 30) if lag == 0 else T(9, 15))
        spec.recorded_at = min(recorded, self.recorded_by)
        if spec.status in (M.Status.CONFIRMED, M.Status.RETURNED):
            reviewed = _at(spec.recorded_at.date() + ONE_DAY * rng.randint(1, 4), T(9, 0))
            reviewed = min(reviewed, self.reviewed_by)
            spec.reviewed_at = max(reviewed, spec.recorded_at + datetime.timedelta(hours=1))
        if spec.status == M.Status.RETURNED:
            spec.review_comment = rng.choice(tx.RETURN_COMMENTS)
            spec.version = 2

    # --- the record -----------------------------------------------------------------------------
    def _record(self, c: _Cell, spec: MeetingSpec, minutes: int):
        rng = self.rng
        day = spec.held_on
        summoned, exempt = self._roll(c.code, day)
        chair, taker = self._chair_and_taker(c, day, summoned)
        spec.chair, spec.minute_taker = chair, taker
        start = (
            _pick(rng, STARTS, (50, 75, 90, 100))
            if c.village
            else _pick(rng, AGENCY_STARTS, (50, 80, 100))
        )
        end = datetime.datetime.combine(day, start) + datetime.timedelta(minutes=minutes)
        spec.start, spec.end = start, end.time()
        rows, present, excused, unexcused = [], 0, 0, 0
        random, add, year, born = rng.random, rows.append, day.year, self.birth_year
        usual, old = c.present, c.present - 0.08
        for i in summoned:
            age = year - born[i]
            if i in (chair, taker) or random() < (old if age >= 72 else usual):
                add((i, True, PRESENT, ""))
                present += 1
            elif random() < 0.85:
                add((i, True, EXCUSED, self._reason(age)))
                excused += 1
            else:
                add((i, True, UNEXCUSED, ""))
                unexcused += 1
        for i in exempt:
            add(
                (i, False, PRESENT, "")
                if random() < 0.15
                else (i, False, EXCUSED, tx.EXEMPT_REASON)
            )
        spec.attendance = rows
        spec.counts = (len(summoned), present, excused, unexcused)
        self._status(spec)
        self._score(c, spec, minutes)
        self._speeches(spec)

    def _roll(self, cell: str, day: datetime.date) -> tuple[list[int], list[int]]:
        """(summoned, exempt) members of the cell on `day`, as selectors.roll_call reads them
        (the same lists for every day between two of the days the cell's roll changes on)."""
        if cell not in self.rolls:
            entries = self.by_cell[cell]
            changes = {e[k] for e in entries for k in (1, 2, 3) if e[k] is not None}
            self.rolls[cell] = (sorted(changes), {})
        changes, by_interval = self.rolls[cell]
        interval = bisect(changes, day)
        if interval not in by_interval:
            summoned, exempt = [], []
            for i, start, end, exempt_since in self.by_cell[cell]:
                if start <= day and (end is None or end > day):
                    on = exempt if exempt_since is not None and exempt_since <= day else summoned
                    on.append(i)
            by_interval[interval] = (summoned, exempt)
        return by_interval[interval]

    def _chair_and_taker(self, c: _Cell, day, summoned) -> tuple[int | None, int | None]:
        rng = self.rng
        here = set(summoned)
        seats = [p for p in c.committee.in_force(day) if p.member in here] if c.committee else []
        by_title = defaultdict(list)
        for p in seats:
            by_title[p.title].append(p.member)
        chair = (by_title[SECRETARY] or by_title[DEPUTY] or [None])[0]
        if chair is None:
            officials = [i for i in summoned if self._official(i, day)] or summoned
            if not officials:
                return None, None
            chair = min(officials, key=lambda i: (self.members[i].admission_date, i))
        others = [p.member for p in seats if p.member != chair]
        deputies = [i for i in by_title[DEPUTY] if i != chair]
        if deputies:
            taker = deputies[0]
        elif others:
            taker = rng.choice(others)
        else:
            rest = [i for i in summoned if i != chair]
            taker = rng.choice(rest) if rest else None
        return chair, taker

    def _official(self, i: int, day) -> bool:
        official = self.members[i].official_date
        return official is not None and official <= day

    def _reason(self, age: int) -> str:
        """Ốm for the old, đi làm ăn xa for the young, việc gia đình for all."""
        cum = (60, 65, 100) if age >= 65 else (20, 70, 100) if age < 45 else (35, 60, 100)
        return _pick(self.rng, tx.ABSENCE_REASONS, cum)

    def _score(self, c: _Cell, spec: MeetingSpec, minutes: int):
        rng = self.rng
        sheet = self.sheets.get(spec.sheet)
        if sheet is None:
            return
        summoned, present = spec.counts[:2]
        rate = present / summoned if summoned else 1
        total = round(rng.gauss(c.quality, 5))
        if rng.random() < 0.004:
            total = rng.randint(40, 49)
        maxima, free = sheet.maxima, sheet.free
        points = [0] * len(maxima)
        for k, code in sheet.fixed:
            top = maxima[k]
            if code == "time":
                short = minutes < (120 if spec.topic or spec.kind == M.Kind.THEMATIC else 90)
                late = spec.held_on > spec.scheduled
                points[k] = max(1, top - 2 * late - 2 * short)
            else:  # attendance
                points[k] = max(1, min(top, round(top * (rate - 0.5) * 2)))
        room = sheet.room
        rest = min(room, max(0, total - sum(points)))
        share = rest / room if room else 0
        uniform = rng.uniform
        for k in free:
            top = maxima[k]
            points[k] = min(top, max(0, round(top * share + uniform(-1.5, 1.5))))
        diff = rest - sum(points[k] for k in free)
        step = 1 if diff > 0 else -1
        start = rng.randrange(len(free)) if free else 0
        while diff:  # a point more (or less) on each item in turn, within its maximum
            for k in free[start:] + free[:start]:
                if diff and 0 <= points[k] + step <= maxima[k]:
                    points[k] += step
                    diff -= step
        spec.scores = tuple(points)
        spec.points = sum(points)
        spec.quality_class = sheet.classify(spec.points)

    def _speeches(self, spec: MeetingSpec):
        rng = self.rng
        name = self._name
        speeches = []
        if spec.chair is not None:
            if spec.kind == M.Kind.THEMATIC:
                gist = f"Quán triệt chuyên đề: {spec.topic}"
            else:
                gist = rng.choice(tx.CHAIR_GISTS)
            speeches.append((spec.chair, name(spec.chair), gist))
        came = [i for i in _came(spec) if i != spec.chair]
        k = rng.randint(1, 2) if spec.kind == M.Kind.THEMATIC else rng.randint(1, 3)
        for i, gist in zip(
            rng.sample(came, min(k, len(came))), rng.sample(tx.MEMBER_GISTS, k), strict=False
        ):
            speeches.append((i, name(i), gist))
        spec.speeches = speeches

    def _name(self, i: int) -> str:
        return self.members[i].full_name

    # --- tasks ----------------------------------------------------------------------------------
    def _review(self, c: _Cell, spec: MeetingSpec, index: int, pending: list[int]) -> Counter:
        rng = self.rng
        weights = (65, 85, 100) if c.weak else (82, 93, 100)  # cumulated
        result = Counter()
        for t in pending:
            task = self.out.tasks[t]
            task.state = _pick(rng, (DONE, LATE, NOT_DONE), weights)
            task.reviewed_at = index
            if task.state == DONE:
                task.progress = 100
            elif task.state == LATE:
                task.progress = 100
                task.review_note = rng.choice(tx.REVIEW_LATE)
            else:
                task.progress = rng.randint(0, 6) * 10
                task.review_note = rng.choice(tx.REVIEW_NOT_DONE)
            result[task.state] += 1
        return result

    def _tasks(self, c: _Cell, spec: MeetingSpec, index: int) -> list[int]:
        rng = self.rng
        nxt = add_months(spec.month, 1)
        came = _came(spec)
        seats = c.committee.in_force(spec.held_on) if c.committee else []
        if c.village is None:
            word = "cơ quan"
        else:
            word = c.village.label.split(" ")[0] if c.village.kind != "tieu_khu" else "tiểu khu"
        mass_orgs = tx.MASS_ORGS if c.village else tx.AGENCY_MASS_ORGS
        titles = self._task_titles(c, spec.month, nxt.year, rng.randint(2, 4))
        made = []
        for title, target in titles:
            kind = _pick(rng, ("member", "committee", "mass_org"), (70, 82, 100))
            if kind == "committee" and len(seats) < 3:
                kind = "member"
            if kind == "member" and not came:
                kind = "mass_org"
            member = rng.choice(came) if kind == "member" else None
            owner = f"{rng.choice(mass_orgs)} {word}" if kind == "mass_org" else ""
            deadline = nxt.replace(day=rng.randint(5, 20))
            self.out.tasks.append(
                TaskSpec(index, c.code, title, kind, member, owner, deadline, target)
            )
            made.append(len(self.out.tasks) - 1)
        return made

    def _task_titles(self, c: _Cell, month, year: int, n: int) -> list[tuple[str, int | None]]:
        rng = self.rng
        pool: list[tuple[str, int | None]] = []
        for t in c.targets.get(year, []):
            pool += [(title, t) for title in tx.TASKS_BY_TARGET[self.out.targets[t].name]]
        if c.village is None:
            general = list(tx.AGENCY_TASKS)
        else:
            general = [*tx.GENERAL_TASKS, *tx.SEASONAL_TASKS.get(month.month % 12 + 1, ())]
        if COVID[0] <= month <= COVID[1]:
            general += tx.COVID_TASKS
        picked, seen = [], set()
        while len(picked) < n:
            use_target = pool and rng.random() < 0.6
            title, target = rng.choice(pool) if use_target else (rng.choice(general), None)
            if title not in seen:
                seen.add(title)
                picked.append((title, target))
        return picked

    def _texts(self, c: _Cell, spec: MeetingSpec, reviewed: Counter, index: int):
        if spec.month not in self.month_text:
            self.month_text[spec.month] = f"{spec.month:%m/%Y}"
        month = self.month_text[spec.month]
        n = sum(reviewed.values())
        if c.village:
            situation = "Tình hình an ninh trật tự trong bản ổn định, đời sống nhân dân ổn định."
        else:
            situation = "Cán bộ, đảng viên hoàn thành nhiệm vụ chuyên môn được giao."
        if n:
            spec.summary = (
                f"Tháng qua chi bộ triển khai {n} nhiệm vụ: {reviewed[DONE]} hoàn thành, "
                f"{reviewed[LATE]} hoàn thành chậm, {reviewed[NOT_DONE]} chưa hoàn thành. "
                + situation
            )
        else:
            spec.summary = situation
        titles = [t.title for t in self.out.tasks[-4:] if t.meeting == index]
        spec.conclusions = (
            f"Chi bộ thống nhất {len(titles)} nhiệm vụ trọng tâm tháng tới, phân công cụ thể "
            "cho đảng viên, chi ủy và các đoàn thể."
        )
        spec.resolution = f"Nghị quyết tháng {month}: " + "; ".join(titles) + "."

    # --- targets --------------------------------------------------------------------------------
    def _targets(self, c: _Cell):
        rng = self.rng
        others = [t for t in tx.TARGETS[3:]]
        rng.shuffle(others)
        c.poverty = c.village.disadvantaged or rng.random() < 0.45
        for year in TARGET_YEARS:
            self._targets_of_year(c, year, others)

    def _targets_of_year(self, c: _Cell, year: int, others: list):
        """The cell's 4–6 targets of `year`; `others` (the optional targets, in the order they
        are picked) changes a little from a year to the next."""
        rng = self.rng
        # the cell's size on the article's day (its memberships begun by then)
        big = sum(1 for e in self.by_cell[c.code] if e[1] <= d.AS_OF) >= 30
        if rng.random() < 0.3:  # one target changes from a year to the next
            k = rng.randrange(3)
            others[k], others[-1] = others[-1], others[k]
        chosen = [tx.TARGETS[1]]
        if c.poverty:
            chosen.append(tx.TARGETS[0])
        if rng.random() < 0.65:
            chosen.append(tx.TARGETS[2])
        n = rng.randint(4, 6)
        chosen += others[: max(0, n - len(chosen))]
        c.targets[year] = []
        for order, (name, unit, low, high, decimals, season) in enumerate(chosen, 1):
            if season == "admissions":
                value = Decimal(2 if big and rng.random() < 0.3 else 1)
            elif decimals:
                value = Decimal(str(round(rng.uniform(low, high), decimals)))
            else:
                value = Decimal(rng.randint(low, high))
            target = TargetSpec(c.code, year, name, unit, value, order)
            target.measure = "level" if season == "percent" else "sum"
            target.months = self._allocate(c, target, season, decimals)
            self.out.targets.append(target)
            c.targets[year].append(len(self.out.targets) - 1)

    def _allocate(self, c: _Cell, target: TargetSpec, season: str, decimals: int) -> dict:
        """The value reached each month of the target's year (months without progress left out)."""
        rng = self.rng
        if season == "admissions":
            counts = {m: self.admissions[(c.code, target.year, m)] for m in range(1, 13)}
            return {m: Decimal(n) for m, n in counts.items() if n}
        if season == "percent":
            return {
                m: Decimal(100 if rng.random() < 0.85 else rng.randint(90, 99))
                for m in range(1, 13)
            }
        reached = float(target.value) * (
            rng.uniform(0.6, 1.0) if c.weak else rng.uniform(0.85, 1.15)
        )
        weights = {
            m: rng.random() + 0.2
            for m in tx.SEASONS[season]
            if season != "spread" or rng.random() < 0.6
        }
        total = sum(weights.values())
        out = {}
        for m, w in weights.items():
            v = round(reached * w / total, decimals)
            if v > 0:
                out[m] = Decimal(str(v)) if decimals else Decimal(int(v))
        return out

    def _progress(self, c: _Cell, spec: MeetingSpec, index: int):
        for t in c.targets.get(spec.month.year, []):
            value = self.out.targets[t].months.get(spec.month.month)
            if value is not None:
                self.out.progress.append((t, spec.month, value, index))

    # --- thematic meetings ----------------------------------------------------------------------
    def _thematic_plan(self, c: _Cell, all_months: list | None = None) -> dict:
        """month -> ("part" or "separate", topic): one a quarter, a few quarters without;
        `all_months` starts a quarter (the article's 36 months by default)."""
        rng = self.rng
        out = {}
        all_months = all_months or months()
        for q in range(0, len(all_months), 3):
            if rng.random() < (0.12 if c.weak else 0.03):
                continue
            month = rng.choice(all_months[q : q + 3])
            covid = COVID[0] <= month <= COVID[1] and rng.random() < 0.4
            topics = tx.THEMATIC_TOPICS if c.village else tx.AGENCY_TOPICS
            topic = tx.COVID_TOPIC if covid else rng.choice(topics)
            out[month] = ("part" if rng.random() < 0.75 else "separate", topic)
        return out

    def _thematic_meeting(self, c: _Cell, month, sheet, topic):
        rng = self.rng
        day = month.replace(day=rng.randint(8, 15))
        if day > self.as_of:
            return
        spec = MeetingSpec(c.code, month, M.Kind.THEMATIC, day, sheet, topic=topic)
        spec.place = self._place(c)
        spec.invited_at = _at(day - ONE_DAY * rng.randint(2, 5), T(18, 0))
        spec.held_on = day
        self.out.meetings.append(spec)
        self._record(c, spec, minutes=self._minutes(True))
        spec.summary = f"Sinh hoạt chuyên đề: {topic}."
        spec.conclusions = "Đảng viên nhất trí với chuyên đề, liên hệ trách nhiệm bản thân."

    # --- guests ---------------------------------------------------------------------------------
    def _guests(self, all_months: list, rng: Random):
        """Each official attends one of their cells' recorded regular meetings in most months
        of `all_months` (the least recently visited first); the cells meet on the same
        evening."""
        cadres = self.oplan.cadres
        by_cadre = defaultdict(list)
        for f in self.oplan.follows:
            by_cadre[f.cadre].append(f)
        chance = {COMMUNE: 0.9, POLICE: 0.5}
        last_visit: dict[tuple, int] = {}
        for n, month in enumerate(all_months):
            for k, cadre in enumerate(cadres):
                options = []
                for f in by_cadre[k]:
                    index = self.held.get((f.cell, month))
                    if index is None:
                        continue
                    if in_force(f.start, f.end, self.out.meetings[index].held_on):
                        options.append((last_visit.get((k, f.cell), -1), rng.random(), index, f))
                if not options or rng.random() >= chance.get(cadre.kind, 0.85):
                    continue
                _, _, index, f = min(options)
                last_visit[(k, f.cell)] = n
                police = cadre.kind == POLICE
                guidance = rng.choice(tx.POLICE_GUIDANCE if police else tx.GUIDANCE)
                kind = Guest.Kind.COMMUNE_POLICE if police else Guest.Kind.ASSIGNED_OFFICIAL
                self.out.meetings[index].guests.append(
                    (kind, k, cadre.full_name, cadre.office, guidance)
                )
        first, last = all_months[0], all_months[-1]
        for (cell, month), index in self.held.items():
            if first <= month <= last and cell in self.villages and rng.random() < 0.02:
                name = person_name(rng, d.KINH if rng.random() < 0.5 else d.THAI, "male")
                self.out.meetings[index].guests.append(
                    (
                        Guest.Kind.OTHER,
                        None,
                        name,
                        "Trung tâm Dịch vụ nông nghiệp huyện",
                        "Hướng dẫn kỹ thuật chăm sóc cây trồng, vật nuôi trong mùa vụ",
                    )
                )


def _pick(rng: Random, items, cumulated):
    """One of `items`, drawn with the cumulated weights `cumulated` (random.choices without
    building the cumulated weights at every call)."""
    return items[bisect(cumulated, rng.random() * cumulated[-1])]


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time)


def _came(spec: MeetingSpec) -> list[int]:
    """The summoned members present."""
    return [i for i, summoned, presence, _ in spec.attendance if summoned and presence == PRESENT]

"""The demo's training and secretary contest (issue 3), planned from the committees.

`plan_training(planner, committees)` is pure: it draws from its own generator and sets the
theory level members end with (and the one they started from, in the history). As of
31/03/2023 (data.AS_OF) it makes, by construction:

- 15 party-work and government-work courses of the district since 2021 with 967 attendances
  of village cell secretaries and committee members (a few more were absent, and one course of
  2020 is before the window);
- 117 distinct village committee members sent to basic theory classes since 2021 (some failed
  once and passed a later class), every completion raising the level with a TheoryLevelChange,
  so that every village committee member in force has basic theory or more (the others had it
  already on record); agency members in the same classes do not count;
- 64 distinct commune officials and village committee members sent to intermediate theory;
- the 2022 secretary contest: a grassroots round per commune with the secretaries of 264 of the
  293 village cells, and a district round of 22 (each commune's winner), scored with prizes.
  The contest is the district's (CONTEST_ORGANIZER), as in the article; it counts for the
  province above it too.

`write_training` inserts the result in bulk.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from random import Random

from chibo.training.models import (
    Contest,
    Contestant,
    ContestRound,
    Enrollment,
    TheoryLevelChange,
    TrainingCourse,
)

from . import data as d
from .roster import Roster, day_between
from .specs import ACTIVE, D, weighted_sample

BATCH = 1000
PLACE = "Trung tâm Chính trị huyện Mai Sơn"
HALL = "Hội trường Huyện ủy Mai Sơn"
PARTY, GOVERNMENT = "party_work", "government_work"
BASIC, INTERMEDIATE = "basic_theory", "intermediate_theory"
COMPLETED, FAILED, ABSENT = "completed", "failed", "absent"
SINCE = D(2021, 1, 1)

# Party-work and government-work courses: (kind, start, days, title). The first is of 2020,
# before the article's window; the other 15 are the article's.
_PW = "Tập huấn nghiệp vụ công tác đảng cho bí thư, phó bí thư chi bộ"
_SKILLS = "Bồi dưỡng kỹ năng tổ chức sinh hoạt chi bộ cho chi ủy viên"
_HEADS = "Tập huấn kỹ năng điều hành cho bí thư chi bộ kiêm trưởng bản"
_CONGRESS = "Tập huấn chuẩn bị đại hội chi bộ nhiệm kỳ 2023–2025"
WORK_COURSES = (
    (PARTY, D(2020, 9, 14), 3, "Tập huấn nghiệp vụ cho bí thư, phó bí thư chi bộ 2020–2022"),
    (PARTY, D(2021, 3, 15), 3, f"{_PW} thôn, bản, tiểu khu năm 2021 (đợt 1)"),
    (GOVERNMENT, D(2021, 4, 19), 2, f"{_HEADS} năm 2021"),
    (PARTY, D(2021, 6, 14), 3, f"{_PW} thôn, bản, tiểu khu năm 2021 (đợt 2)"),
    (PARTY, D(2021, 8, 16), 2, f"{_SKILLS} năm 2021"),
    (GOVERNMENT, D(2021, 10, 11), 2, "Tập huấn xây dựng nông thôn mới cho bí thư, trưởng bản"),
    (PARTY, D(2021, 11, 22), 3, "Tập huấn nghiệp vụ công tác đảng cho cấp ủy viên chi bộ 2021"),
    (PARTY, D(2022, 3, 7), 3, f"{_PW} năm 2022 (đợt 1)"),
    (GOVERNMENT, D(2022, 4, 11), 2, "Tập huấn thực hiện 12 chính sách của huyện năm 2022"),
    (PARTY, D(2022, 5, 16), 3, f"{_PW} năm 2022 (đợt 2)"),
    (PARTY, D(2022, 7, 11), 2, f"{_SKILLS} năm 2022"),
    (GOVERNMENT, D(2022, 8, 22), 2, "Tập huấn hòa giải, an ninh trật tự ở thôn, bản năm 2022"),
    (PARTY, D(2022, 10, 17), 3, f"{_CONGRESS} (đợt 1)"),
    (PARTY, D(2022, 11, 14), 3, f"{_CONGRESS} (đợt 2)"),
    (PARTY, D(2023, 3, 6), 3, "Bồi dưỡng nghiệp vụ cho bí thư, chi ủy viên nhiệm kỳ 2023–2025"),
    (GOVERNMENT, D(2023, 3, 20), 3, f"{_HEADS} nhiệm kỳ 2023–2025"),
)
# The contest of 2022: the district's, its rounds held by Mai Sơn's communes (grassroots) and
# by the district. The contest indicators read the contests organized at, above or under the
# node asked about, so `indicators` on the root (the province) counts it too.
CONTEST = "Hội thi Bí thư chi bộ giỏi năm 2022"
CONTEST_ORGANIZER = d.DISTRICT[0]
GRASSROOTS_ROUNDS = (D(2022, 5, 9), D(2022, 6, 24))
DISTRICT_ROUND = D(2022, 9, 16)
BASIC_RETAKERS = 5  # village committee members who failed a basic class and passed a later one
AGENCY_PER_BASIC_CLASS = 3  # agency members in each basic class (not "village" members)


@dataclass
class CourseSpec:
    kind: str
    title: str
    organizer: str
    start: datetime.date
    end: datetime.date
    place: str


@dataclass
class EnrollmentSpec:
    course: int
    member: int
    status: str
    certificate: str = ""
    completed_on: datetime.date | None = None


@dataclass
class TheoryChangeSpec:
    member: int
    previous: str
    level: str
    on: datetime.date
    enrollment: int  # index in TrainingPlan.enrollments


@dataclass
class RoundSpec:
    level: str
    held_on: datetime.date
    organizer: str


@dataclass
class ContestantSpec:
    round: int
    cell: str
    member: int
    score: Decimal | None
    prize: str = ""


@dataclass
class TrainingPlan:
    courses: list = field(default_factory=list)
    enrollments: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    contest: dict | None = None
    rounds: list = field(default_factory=list)
    contestants: list = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "courses": len(self.courses),
            "enrollments": len(self.enrollments),
            "theory_changes": len(self.changes),
            "contestants": len(self.contestants),
        }


def plan_training(planner, committees) -> TrainingPlan:
    return _TrainingPlanner(planner, committees).run()


class _TrainingPlanner:
    def __init__(self, p, committees):
        self.p = p
        self.c = committees
        self.rng = Random(f"{p.seed}:training")
        self.members = p.members
        self.roster = Roster(p.members)
        self.village_cells = {s.code for s in p.slots if s.category == "village"}
        self.demo_secretary = p.links["secretary"]
        self.demo_member = p.links["member"]
        self.out = TrainingPlan()
        self.certificates = {}

    def run(self) -> TrainingPlan:
        self._work_courses()
        self._basic_theory()
        self._intermediate_theory()
        self._contest()
        return self.out

    # --- helpers --------------------------------------------------------------------------
    def _village_seats(self, day):
        """(cell, position) of the village cells' seats in force on `day`."""
        return [
            (c.code, s)
            for c in self.c.cells.values()
            if c.category == "village"
            for s in c.in_force(day)
        ]

    def _course(self, kind, title, start, end, place=PLACE, organizer=d.DISTRICT[0]) -> int:
        self.out.courses.append(CourseSpec(kind, title, organizer, start, end, place))
        return len(self.out.courses) - 1

    def _enroll(self, course, member, status, level=None) -> int:
        spec = self.out.courses[course]
        e = EnrollmentSpec(course, member, status)
        if status == COMPLETED:
            e.completed_on = spec.end
            if level is not None:
                key = (spec.kind, spec.start.year)
                self.certificates[key] = self.certificates.get(key, 0) + 1
                prefix = "SC" if spec.kind == BASIC else "TC"
                e.certificate = f"{self.certificates[key]:04d}/{prefix}-{spec.start.year}"
        self.out.enrollments.append(e)
        index = len(self.out.enrollments) - 1
        m = self.members[member]
        if level is not None and status == COMPLETED and m.theory_level != level:
            self.out.changes.append(
                TheoryChangeSpec(member, m.theory_level, level, spec.end, index)
            )
            m.theory_level = level
        return index

    # --- party-work and government-work courses ---------------------------------------------
    def _sizes(self, n: int, total: int) -> list[int]:
        rng = self.rng
        sizes = [total // n] * n
        for k in rng.sample(range(n), total % n):
            sizes[k] += 1
        for _ in range(40):
            a, b = rng.sample(range(n), 2)
            x = rng.randint(0, 8)
            if sizes[a] - x >= 48 and sizes[b] + x <= 82:
                sizes[a] -= x
                sizes[b] += x
        return sizes

    def _work_courses(self):
        rng = self.rng
        counted = [c for c in WORK_COURSES if c[1] >= SINCE]
        assert len(counted) == d.TRAINING_COURSES
        sizes = iter([rng.randint(55, 75)] + self._sizes(len(counted), d.TRAINING_ATTENDANCES))
        for kind, start, days, title in WORK_COURSES:
            end = start + datetime.timedelta(days=days - 1)
            course = self._course(kind, title, start, end, HALL if kind == GOVERNMENT else PLACE)
            seats = self._village_seats(start)
            if kind == GOVERNMENT:
                seats = [(c, s) for c, s in seats if s.title == "secretary"]
            people = sorted({s.member for _c, s in seats})
            n, absent = next(sizes), rng.randint(0, 3)
            chosen = rng.sample(people, n + absent)
            if self.demo_secretary in people and self.demo_secretary not in chosen:
                chosen[-1] = self.demo_secretary
            away = set(chosen[:absent]) - {self.demo_secretary}
            for i in sorted(chosen):
                self._enroll(course, i, ABSENT if i in away else COMPLETED)

    # --- theory -----------------------------------------------------------------------------
    def _basic_theory(self):
        """117 village committee members without theory sent since 2021; the other members in
        force in 2023 without it took the class of 2020 or had basic theory on record."""
        rng, roster = self.rng, self.roster
        classes = [
            self._course(BASIC, self._basic_title(k, s), s, e)
            for k, (s, e) in enumerate(d.BASIC_CLASSES)
        ]
        window = [k for k, c in enumerate(classes) if self.out.courses[c].start >= SINCE]

        def feasible(i):
            return [
                k
                for k in window
                if roster.cell_on(i, self.out.courses[classes[k]].start) in self.village_cells
            ]

        none = [m.theory_level == "none" for m in self.members]
        village = [c for c in self.c.cells.values() if c.category == "village"]
        now = sorted({s.member for _c, s in self._village_seats(d.AS_OF)})
        earlier = {s.member for c in village for s in c.seats if s.start < c.congress_2023}
        before = sorted(earlier - set(now))
        p23 = [i for i in now if none[i] and feasible(i)]
        p20 = [i for i in before if none[i] and self.members[i].status == ACTIVE and feasible(i)]
        if len(p23) >= d.SENT_BASIC:
            sent = weighted_sample(rng, p23, lambda i: 2.0 if i in earlier else 1.0, d.SENT_BASIC)
        else:
            sent = p23 + weighted_sample(rng, p20, lambda i: 1.0, d.SENT_BASIC - len(p23))
        sent_set = set(sent)
        load = dict.fromkeys(window, 0)
        retakers = set(rng.sample([i for i in sent if len(feasible(i)) >= 2], BASIC_RETAKERS))
        plan = {}
        for i in sent:
            options = feasible(i)
            if i in retakers:
                first = rng.choice(options[:-1])
                plan[i] = (first, rng.choice([k for k in options if k > first]))
            else:
                low = min(load[k] for k in options)
                plan[i] = (None, rng.choice([k for k in options if load[k] == low]))
            load[plan[i][1]] += 1
        enrolled = set(sent)
        for k, c in enumerate(classes):
            start = self.out.courses[c].start
            agency = [
                i
                for i, m in enumerate(self.members)
                if none[i]
                and m.status == ACTIVE
                and i not in enrolled
                and roster.cell_on(i, start) not in (None, *self.village_cells)
            ]
            people = [(i, FAILED) for i in sent if plan[i][0] == k]
            people += [(i, COMPLETED) for i in sent if plan[i][1] == k]
            if k not in window:
                # The class of 2020: members without theory then, seated in 2023.
                late = [i for i in now if none[i] and i not in sent_set]
                late = [i for i in late if roster.cell_on(i, start) is not None]
                people += [(i, COMPLETED) for i in late[:35]]
            for i in rng.sample(agency, min(AGENCY_PER_BASIC_CLASS, len(agency))):
                people.append((i, COMPLETED))
            enrolled.update(i for i, _s in people)
            for i, status in sorted(people):
                self._enroll(c, i, status, "basic")
        # The rest of those in force had basic theory on record before the data starts.
        for i in now:
            if self.members[i].theory_level == "none":
                self.members[i].theory_level = "basic"

    def _basic_title(self, k, start):
        return f"Lớp sơ cấp lý luận chính trị khóa {start.year} (lớp {k + 1:02d})"

    def _intermediate_theory(self):
        """The commune officials the committee plan sent, and village secretaries and deputies
        with basic theory to make 64 distinct people; two failed, one did not attend."""
        rng, roster = self.rng, self.roster
        classes = []
        for k, (s, e) in enumerate(d.INTERMEDIATE_CLASSES):
            title = f"Lớp trung cấp lý luận chính trị - hành chính hệ không tập trung khóa {k + 1}"
            classes.append(self._course(INTERMEDIATE, f"{title} ({s.year}–{e.year})", s, e))
        officials = list(self.c.intermediate_officials)
        taken = {i for i, _k in officials}
        seats = [s for c in self.c.cells.values() if c.category == "village" for s in c.seats]
        basic_changed = {ch.member for ch in self.out.changes}
        pool = sorted(
            {
                s.member
                for s in seats
                if s.title in ("secretary", "deputy_secretary")
                and s.member not in taken
                and s.member not in basic_changed
                and s.member != self.demo_secretary
                and self.members[s.member].theory_level == "basic"
                and self.members[s.member].status == ACTIVE
            }
        )

        def feasible(i):
            starts = [self.out.courses[c].start for c in classes]
            return [k for k, s in enumerate(starts) if roster.cell_on(i, s) is not None]

        pool = [i for i in pool if feasible(i)]
        village = rng.sample(pool, d.SENT_INTERMEDIATE - len(officials))
        result = {}
        for k, i in enumerate(village):
            status = FAILED if k < 2 else ABSENT if k == 2 else COMPLETED
            result[i] = (rng.choice(feasible(i)), status)
        for i, cls in officials:
            result[i] = (cls, COMPLETED)
        for i in sorted(result):
            cls, status = result[i]
            self._enroll(classes[cls], i, status, "intermediate")

    # --- the contest ------------------------------------------------------------------------
    def _contest(self):
        rng, roster = self.rng, self.roster
        self.out.contest = {
            "name": CONTEST,
            "organizer": CONTEST_ORGANIZER,
            "year": 2022,
            "max_score": Decimal(100),
        }
        cells = [c for c in self.c.cells.values() if c.category == "village"]
        commune_of = {s.code: s.commune for s in self.p.slots}
        days = {ci: day_between(rng, *GRASSROOTS_ROUNDS) for ci in range(len(d.COMMUNES))}

        def secretary(c):
            return c.holder("secretary", days[commune_of[c.code]])

        entered = [c for c in cells if secretary(c) is not None]
        while True:
            out = set(rng.sample([c.code for c in entered], len(entered) - d.CONTEST_CELLS))
            if {commune_of[c.code] for c in entered if c.code not in out} == set(days):
                break
        winners = []
        for ci in range(len(d.COMMUNES)):
            rnd = len(self.out.rounds)
            self.out.rounds.append(RoundSpec("grassroots", days[ci], f"MS-X{ci + 1:02d}"))
            people = [
                (c.code, secretary(c))
                for c in entered
                if commune_of[c.code] == ci and c.code not in out
            ]
            scored = self._scores(people, 55, 97)
            for k, (cell, i, score) in enumerate(scored):
                prize = ("first", "second", "third")[k] if k < 3 else ""
                if k in (3, 4) and len(scored) >= 8:
                    prize = "consolation"
                self.out.contestants.append(ContestantSpec(rnd, cell, i, score, prize))
            winners.append(
                next(
                    (cell, i) for cell, i, _s in scored if roster.cell_on(i, DISTRICT_ROUND) == cell
                )
            )
        rnd = len(self.out.rounds)
        self.out.rounds.append(RoundSpec("district", DISTRICT_ROUND, d.DISTRICT[0]))
        prizes = ["first"] + ["second"] * 2 + ["third"] * 3 + ["consolation"] * 6
        for k, (cell, i, score) in enumerate(self._scores(winners, 70, 98)):
            prize = prizes[k] if k < len(prizes) else ""
            self.out.contestants.append(ContestantSpec(rnd, cell, i, score, prize))

    def _scores(self, people, low, high):
        """(cell, member, score) best first; scores in quarter points, no ties."""
        scores = self.rng.sample(range(low * 4, high * 4 + 1), len(people))
        scored = [(cell, i, Decimal(s) / 4) for (cell, i), s in zip(people, scores, strict=True)]
        scored = [(cell, i, s.quantize(Decimal("0.01"))) for cell, i, s in scored]
        return sorted(scored, key=lambda r: -r[2])


# --- writing ------------------------------------------------------------------------------------
def write_training(tplan: TrainingPlan, orgs, member_ids) -> dict:
    courses = TrainingCourse.objects.bulk_create(
        [
            TrainingCourse(
                kind=c.kind,
                title=c.title,
                organizer=orgs[c.organizer],
                start=c.start,
                end=c.end,
                place=c.place,
            )
            for c in tplan.courses
        ],
        batch_size=BATCH,
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                course=courses[e.course],
                member_id=member_ids[e.member],
                status=e.status,
                certificate=e.certificate,
                completed_on=e.completed_on,
            )
            for e in tplan.enrollments
        ],
        batch_size=BATCH,
    )
    TheoryLevelChange.objects.bulk_create(
        [
            TheoryLevelChange(
                member_id=member_ids[ch.member],
                previous=ch.previous,
                level=ch.level,
                on=ch.on,
                enrollment=enrollments[ch.enrollment],
            )
            for ch in tplan.changes
        ],
        batch_size=BATCH,
    )
    c = tplan.contest
    contest = Contest.objects.create(
        name=c["name"], organizer=orgs[c["organizer"]], year=c["year"], max_score=c["max_score"]
    )
    rounds = ContestRound.objects.bulk_create(
        [
            ContestRound(
                contest=contest, level=r.level, held_on=r.held_on, organizer=orgs[r.organizer]
            )
            for r in tplan.rounds
        ]
    )
    Contestant.objects.bulk_create(
        [
            Contestant(
                round=rounds[x.round],
                cell=orgs[x.cell],
                member_id=member_ids[x.member],
                score=x.score,
                prize=x.prize,
            )
            for x in tplan.contestants
        ],
        batch_size=BATCH,
    )
    return tplan.summary()

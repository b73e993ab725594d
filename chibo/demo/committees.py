"""The demo's committees (issue 3): terms, positions, village posts, the Nà Bó role model, commune
leaders and officials, the non-local leaders' target and succession plans.

`plan_committees(planner)` is pure like plan.make_plan: it reads the members and cells the
planner made, draws from its own generator (seeded from the demo seed, so the members are the
same with or without it) and may set what a member's record said at the start of the data
(theory level of leaders and committee members, home town of commune leaders). It makes, as of
31/03/2023 (data.AS_OF), by construction:

- a 2020–2022 and a 2023–2025 term for every cell, 2020–2025 for every commune committee;
  the 2023 congresses all held before data.CELL_CONGRESSES_2023 ends, a month before the
  plan's deadline;
- in every cell, seats that pass the services' checks: holders official members of the cell
  for the whole seat; a chi ủy (secretary, deputy, committee members, 3 to 7 seats) exactly in
  the cells with at least 9 official members on their congress day and on 31/03/2023 (238
  village cells), a secretary and perhaps a deputy in the others: no rule flag on 31/03/2023;
- a village head in every village: the cell secretary in 281, another member in 11, a person
  who is not a member in 1; Front committee heads, village police, deputy heads; in Nà Bó the
  pilot model (secretary = head, deputy secretary = Front head, deputy head = police), kept by
  all its villages but two;
- 44 commune leader posts in force, 21 of them held by people who are not local, and the
  district's target of 22 for 2020–2025 (the province, which holds only this district in the
  demo, sets none: its figure is the sum of its districts' targets);
- about 20 commune officials per commune, all meeting the standard, with history: officials who
  did not and left, or met it later (some after the intermediate theory classes);
- planned successors for most positions in force, some positions with none.

`write_committees` inserts the result in bulk.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from random import Random

from chibo.committees.models import (
    CommuneLeader,
    CommuneOfficial,
    ConcurrentRole,
    LeadershipTarget,
    Position,
    RoleModel,
    RoleModelRule,
    SuccessionPlan,
    Term,
)

from . import data as d
from .roster import ONE_DAY, Roster, age_on, day_between, in_force, person_name
from .rows import insert
from .specs import D, unit_name, weighted_sample

BATCH = 1000
SECRETARY, DEPUTY = "secretary", "deputy_secretary"
STANDING, MEMBER = "standing_member", "committee_member"
HEAD, DEPUTY_HEAD = "village_head", "deputy_village_head"
FRONT, POLICE = "front_head", "village_police"
THEORY_RANK = {"none": 0, "basic": 1, "intermediate": 2, "advanced": 3, "bachelor": 3}

CELL_TERMS = ("2020–2022", "2023–2025")
COMMUNE_TERM = "2020–2025"
ROLE_MODEL = "Mô hình Nà Bó: Bí thư kiêm Trưởng bản, Phó Bí thư kiêm Trưởng ban công tác Mặt trận"
ROLE_MODEL_RULES = ((SECRETARY, HEAD, ""), (DEPUTY, FRONT, ""), ("", POLICE, DEPUTY_HEAD))

# Commune officials (cán bộ, công chức xã): posts, the first three held by the leaders.
OFFICIAL_POSTS = (
    "Bí thư Đảng ủy",
    "Chủ tịch UBND",
    "Phó Bí thư Thường trực Đảng ủy",
    "Chủ tịch HĐND",
    "Phó Chủ tịch HĐND",
    "Phó Chủ tịch UBND",
    "Phó Chủ tịch UBND",
    "Chủ tịch Ủy ban MTTQ Việt Nam",
    "Bí thư Đoàn TNCS Hồ Chí Minh",
    "Chủ tịch Hội Liên hiệp Phụ nữ",
    "Chủ tịch Hội Nông dân",
    "Chủ tịch Hội Cựu chiến binh",
    "Chỉ huy trưởng Ban Chỉ huy Quân sự",
    "Công chức Văn phòng - Thống kê",
    "Công chức Văn phòng - Thống kê",
    "Công chức Địa chính - Xây dựng",
    "Công chức Địa chính - Nông nghiệp",
    "Công chức Tài chính - Kế toán",
    "Công chức Tư pháp - Hộ tịch",
    "Công chức Văn hóa - Xã hội",
    "Công chức Văn hóa - Xã hội",
)
NOT_MET = (
    "Chưa tốt nghiệp đại học chuyên ngành phù hợp vị trí việc làm",
    "Trình độ chuyên môn trung cấp, chưa đạt chuẩn đại học",
    "Chưa có chứng chỉ tin học theo quy định",
    "Chưa qua bồi dưỡng quản lý nhà nước",
)
NO_INTERMEDIATE = "Chưa có trình độ trung cấp lý luận chính trị"
STUDYING = "Trình độ chuyên môn trung cấp, đang học đại học"
# Officials sent to the intermediate theory classes (data.INTERMEDIATE_CLASSES), across the
# 22 communes; the training plan adds committee members to reach data.SENT_INTERMEDIATE.
OFFICIALS_TO_INTERMEDIATE = 40


@dataclass
class TermSpec:
    org: str
    name: str
    start: datetime.date
    end: datetime.date
    congress: datetime.date | None


@dataclass
class PositionSpec:
    org: str
    term: int  # index in CommitteePlan.terms
    member: int  # index in Plan.members
    title: str
    start: datetime.date
    end: datetime.date | None = None
    obtained: str = "elected"
    decision: str = ""


@dataclass
class RoleSpec:
    village: str  # village code
    kind: str
    start: datetime.date
    member: int | None = None
    person_name: str = ""
    end: datetime.date | None = None

    @property
    def holder(self):
        return ("m", self.member) if self.member is not None else ("n", self.person_name)


@dataclass
class LeaderSpec:
    commune: str  # commune committee code
    post: str
    full_name: str
    member: int | None
    is_local: bool
    start: datetime.date
    end: datetime.date | None = None


@dataclass
class OfficialSpec:
    commune: str
    full_name: str
    member: int | None
    post: str
    meets: bool
    reason: str
    assessed_on: datetime.date
    start: datetime.date
    end: datetime.date | None = None


@dataclass
class SuccessorSpec:
    org: str
    term_name: str
    title: str
    member: int
    approved_on: datetime.date
    removed_on: datetime.date | None = None
    note: str = ""


@dataclass
class CellCommittee:
    """One cell's two congresses and the seats they gave."""

    code: str
    category: str
    congress_2020: datetime.date
    congress_2023: datetime.date
    seats: list  # PositionSpec, both terms

    def in_force(self, day: datetime.date) -> list[PositionSpec]:
        return [p for p in self.seats if in_force(p.start, p.end, day)]

    def holder(self, title: str, day: datetime.date) -> int | None:
        return next((p.member for p in self.in_force(day) if p.title == title), None)


@dataclass
class CommitteePlan:
    terms: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    role_model: dict | None = None
    leaders: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    officials: list = field(default_factory=list)
    successors: list = field(default_factory=list)
    cells: dict = field(default_factory=dict)  # cell code -> CellCommittee
    # (member, class index) of the commune officials sent to intermediate theory
    intermediate_officials: list = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "terms": len(self.terms),
            "positions": len(self.positions),
            "concurrent_roles": len(self.roles),
            "commune_leaders": len(self.leaders),
            "commune_officials": len(self.officials),
            "succession_plans": len(self.successors),
        }


def plan_committees(planner) -> CommitteePlan:
    """`planner`: plan._Planner after its last step (members, cells and demo links made)."""
    return _CommitteePlanner(planner).run()


class _CommitteePlanner:
    def __init__(self, p):
        self.p = p
        self.rng = Random(f"{p.seed}:committees")
        self.members = p.members
        self.roster = Roster(p.members)
        self.demo_cell = p.demo_cell
        self.demo_secretary = p.links["secretary"]
        self.demo_member = p.links["member"]
        self.parent = {o.code: o.parent for o in p.orgs}
        self.decisions = Counter()
        self.out = CommitteePlan()
        self.pilot = next(i for i, c in enumerate(d.COMMUNES) if c[0] == d.DEMO_COMMUNE)

    def run(self) -> CommitteePlan:
        for slot in self.p.slots:
            self._cell(slot)
        self._village_posts()
        self._communes()
        self._successors()
        self.out.positions = [s for c in self.out.cells.values() for s in c.seats] + [
            s for s in self.out.positions
        ]
        return self.out

    # --- helpers --------------------------------------------------------------------------
    def _term(self, org, name, start, end, congress) -> int:
        self.out.terms.append(TermSpec(org, name, start, end, congress))
        return len(self.out.terms) - 1

    def _decision(self, org: str, year: int, suffix: str) -> str:
        key = (self.parent[org], year, suffix)
        self.decisions[key] += 1
        return f"Quyết định số {self.decisions[key]:02d}-QĐ/{suffix}"

    def _draw(self, candidates, weight):
        return weighted_sample(self.rng, candidates, weight, 1)[0] if candidates else None

    def _seat_weight(self, day: datetime.date, renewal: bool):
        """Who gets elected: working age; with basic theory or more; younger at the renewal of
        2023 (trẻ hóa, chuẩn hóa)."""

        def weight(i):
            m = self.members[i]
            age = age_on(m, day)
            w = 0.2 if age < 25 or age > 68 else 2.0 if 30 <= age <= 58 else 1.0
            if m.theory_level != "none":
                w *= 4.0 if renewal else 1.5
            if renewal and age < 45:
                w *= 1.5
            return w

        return weight

    # --- cells ----------------------------------------------------------------------------
    def _congress_2023(self, code: str, need=None) -> datetime.date:
        """A congress day in the window on which the cell's official members are on the same
        side of the threshold as on 31/03/2023 (so the committee elected then is the one the
        rule asks for on that date)."""
        first, last = d.CELL_CONGRESSES_2023
        days = [first + datetime.timedelta(n) for n in range((last - first).days + 1)]
        k = self.rng.randrange(len(days))
        want = self.roster.official_count(code, d.AS_OF) >= d.COMMITTEE_THRESHOLD
        later = [last + datetime.timedelta(n) for n in range(1, (d.AS_OF - last).days)]
        for day in days[k:] + days[:k][::-1] + later:
            if (self.roster.official_count(code, day) >= d.COMMITTEE_THRESHOLD) == want and (
                need is None or need(day)
            ):
                return day
        return days[k]  # other seeds only: the cell then shows a flag on some days

    def _cell(self, slot):
        code = slot.code
        c20 = max(day_between(self.rng, *d.CELL_CONGRESSES_2020), slot.valid_from)
        need = None
        if code == self.demo_cell:
            s = self.demo_secretary

            def need(day):
                return self.roster.is_official(s, day) and self.roster.joined(s, code) <= day

        c23 = self._congress_2023(code, need)
        t20 = self._term(code, CELL_TERMS[0], c20, c23, c20)  # ends as the next one starts
        t23 = self._term(code, CELL_TERMS[1], c23, d.CELL_TERM_END, c23)
        seats = self._elect(slot, t20, c20, c23, [])
        if slot.category == "village":
            seats = self._mid_term_change(slot, seats, t20, c20, c23)
        seats += self._elect(slot, t23, c23, None, seats)
        self.out.cells[code] = CellCommittee(code, slot.category, c20, c23, seats)

    def _committee_size(self, official: int) -> int:
        if official < 15:
            return 3
        if official < 30:
            return self.rng.choice((3, 5, 5))
        return self.rng.choice((5, 5, 7))

    def _elect(self, slot, term, start, end, previous) -> list[PositionSpec]:
        """The seats a congress on `start` elects, to `end` (None: still held)."""
        rng, code = self.rng, slot.code
        renewal = end is None
        pool = self.roster.eligible(code, start, end, exclude={self.demo_member})
        official = self.roster.official_count(code, start)
        if official >= d.COMMITTEE_THRESHOLD:
            size = min(self._committee_size(official), len(pool))
        else:
            pilot = slot.commune == self.pilot and slot.category == "village"
            size = min(1 + (pilot or rng.random() < 0.6), len(pool))
        if size == 0:
            return []
        outgoing = {p.title: p.member for p in previous if p.end == start}
        stay = [p.member for p in previous if p.end == start and p.member in pool]
        stay = [i for i in stay if rng.random() < 0.65]
        weight = self._seat_weight(start, renewal)
        taken: list[int] = []

        def draw(candidates):
            i = self._draw([c for c in candidates if c not in taken], weight)
            taken.append(i)
            return i

        forced = self.demo_secretary if (renewal and code == self.demo_cell) else None
        if forced is not None:
            taken.append(forced)
        elif outgoing.get(SECRETARY) in stay and rng.random() < 0.8:
            taken.append(outgoing[SECRETARY])
        elif outgoing.get(DEPUTY) in stay:
            taken.append(outgoing[DEPUTY])
        else:
            draw(pool)
        if size >= 2:
            again = [i for i in stay if i not in taken]
            if outgoing.get(DEPUTY) in again:
                taken.append(outgoing[DEPUTY])
            elif again:
                taken.append(again[0])
            else:
                draw(pool)
        for i in stay:
            if len(taken) < size and i not in taken:
                taken.append(i)
        while len(taken) < size:
            draw(pool)
        titles = [SECRETARY, DEPUTY] + [MEMBER] * (size - 2)
        decision = self._decision(code, start.year, "ĐU")
        return [
            PositionSpec(code, term, i, title, start, end, decision=decision)
            for i, title in zip(taken, titles, strict=False)
        ]

    def _mid_term_change(self, slot, seats, term, c20, c23):
        """A few secretaries stood down during 2020–2022 (health, age): the deputy took over,
        elected by the cell's conference, and the deputy's seat stayed empty."""
        sec = next((p for p in seats if p.title == SECRETARY), None)
        dep = next((p for p in seats if p.title == DEPUTY), None)
        if sec is None or dep is None or slot.code == self.demo_cell or self.rng.random() > 0.04:
            return seats
        on = day_between(self.rng, D(2021, 3, 1), D(2022, 10, 31))
        sec.end = dep.end = on
        seats.append(
            PositionSpec(
                slot.code,
                term,
                dep.member,
                SECRETARY,
                on,
                c23,
                decision=self._decision(slot.code, on.year, "ĐU") + " (bầu bổ sung)",
            )
        )
        return seats

    # --- village posts --------------------------------------------------------------------
    def _village_posts(self):
        rng = self.rng
        slots = [s for s in self.p.slots if s.category == "village"]
        others = [s for s in slots if s.commune != self.pilot and s.code != self.demo_cell]
        # The 12 villages whose head is not the secretary: feasible ones (another member to
        # head the village), drawn once.
        feasible = [s for s in others if self._head_candidates(s)]
        special = rng.sample(feasible, d.HEADS_PLANNED + d.HEADS_NOT_MEMBER)
        not_member = {s.code for s in special[: d.HEADS_NOT_MEMBER]}
        planned = {s.code for s in special[d.HEADS_NOT_MEMBER :]}
        pilot = [s for s in slots if s.commune == self.pilot and s.code != self.demo_cell]
        front_off, police_off = (s.code for s in rng.sample(pilot, 2))
        for slot in slots:
            head = (
                "other" if slot.code in planned else "outsider" if slot.code in not_member else ""
            )
            miss = (
                "front" if slot.code == front_off else "police" if slot.code == police_off else ""
            )
            self._posts(slot, head, miss)
        self.out.role_model = {
            "name": ROLE_MODEL,
            "commune": f"MS-X{self.pilot + 1:02d}",
            "effective_from": d.ROLE_MODEL_FROM,
            "rules": ROLE_MODEL_RULES,
        }

    def _head_candidates(self, slot) -> list[int]:
        info = self.out.cells[slot.code]
        sec = info.holder(SECRETARY, d.AS_OF)
        return [
            i
            for i in self.roster.present(
                slot.code, D(2022, 10, 31), exclude={sec, self.demo_member}
            )
            if 25 <= age_on(self.members[i], d.AS_OF) <= 62
        ]

    def _outsider(self, slot) -> str:
        eth = slot.village.ethnicity if self.rng.random() < 0.8 else d.KINH
        return person_name(self.rng, eth, "male" if self.rng.random() < 0.75 else "female")

    def _role(self, village, kind, start, holder, end=None):
        member, name = (holder, "") if isinstance(holder, int) else (None, holder)
        self.out.roles.append(RoleSpec(village, kind, start, member, name, end))

    def _posts(self, slot, head: str, miss: str):
        """Head (with the one before), Front head, police and deputy head of one village."""
        rng, roster, cell = self.rng, self.roster, slot.code
        info = self.out.cells[cell]
        village = slot.village.code
        sec = info.holder(SECRETARY, d.AS_OF)
        dep = info.holder(DEPUTY, d.AS_OF)
        last_day = info.congress_2023 - ONE_DAY
        sec_before = info.holder(SECRETARY, last_day) == sec
        dep_before = info.holder(DEPUTY, last_day) == dep
        pilot = slot.commune == self.pilot
        late = min(info.congress_2023 + datetime.timedelta(days=25), d.AS_OF)
        # The head.
        if head == "other":
            holder = self._draw(self._head_candidates(slot), lambda i: 1.0)
            start = max(
                day_between(rng, D(2019, 6, 1), D(2022, 10, 31)), roster.joined(holder, cell)
            )
        elif head == "outsider":
            holder = self._outsider(slot)
            start = day_between(rng, D(2019, 6, 1), D(2022, 10, 31))
        else:
            holder = sec
            first = D(2019, 6, 1) if sec_before else D(2021, 6, 1)
            start = max(day_between(rng, first, late), roster.joined(sec, cell))
        self._role(village, HEAD, start, holder)
        if start > D(2019, 9, 1):
            before = day_between(rng, D(2016, 6, 1), D(2019, 8, 31))
            people = roster.present(cell, before, start, exclude={self.demo_member})
            people = [i for i in people if i != holder]
            prior = self._draw(people, lambda i: 1.0) if rng.random() < 0.4 else None
            self._role(
                village, HEAD, before, prior if prior is not None else self._outsider(slot), start
            )
        # The Front work committee head.
        if pilot and dep is not None and miss != "front":
            start = day_between(rng, d.ROLE_MODEL_FROM, late) if dep_before else late
            self._role(village, FRONT, max(start, roster.joined(dep, cell)), dep)
        else:
            r = rng.random()
            front = None
            if dep is not None and r < 0.45 and not pilot:
                front = dep
            elif r < 0.7:
                people = roster.present(cell, D(2022, 12, 31), exclude={sec, dep, self.demo_member})
                front = self._draw(people, lambda i: 1.0)
            start = day_between(rng, D(2019, 6, 1), D(2022, 12, 31))
            if front is None:
                self._role(village, FRONT, start, self._outsider(slot))
            else:
                self._role(village, FRONT, max(start, roster.joined(front, cell)), front)
        # Village police and deputy head: one person in the pilot.
        young = [
            i
            for i in roster.present(cell, D(2021, 9, 30), exclude={sec, dep, self.demo_member})
            if age_on(self.members[i], d.AS_OF) <= 45
        ]
        if pilot:
            start = day_between(rng, d.ROLE_MODEL_FROM, D(2022, 6, 30))
            person = self._draw(young, lambda i: 1.0) if rng.random() < 0.4 else None
            person = person if person is not None else self._outsider(slot)
            self._role(village, DEPUTY_HEAD, start, person)
            self._role(village, POLICE, start, self._outsider(slot) if miss == "police" else person)
            return
        police = self._draw(young, lambda i: 1.0) if rng.random() < 0.25 else None
        start = day_between(rng, D(2018, 1, 1), D(2022, 12, 31))
        if police is None:
            self._role(village, POLICE, start, self._outsider(slot))
        else:
            self._role(village, POLICE, max(start, roster.joined(police, cell)), police)
        if rng.random() < 0.5:
            self._role(village, DEPUTY_HEAD, day_between(rng, D(2019, 6, 1), D(2022, 12, 31)),
                       self._outsider(slot))  # fmt: skip

    # --- communes -------------------------------------------------------------------------
    def _communes(self):
        rng = self.rng
        n = len(d.COMMUNES)
        posts = [(ci, post) for ci in range(n) for post in ("party_secretary", "pc_chairman")]
        nonlocal_posts = set(rng.sample(posts, d.NONLOCAL_LEADERS))
        trainees = [2] * n
        for ci in rng.sample(range(n), 2 * n - OFFICIALS_TO_INTERMEDIATE):
            trainees[ci] = 1
        for ci in range(n):
            self._commune(ci, nonlocal_posts, trainees[ci])
        # The district's target; the province has none of its own, so the indicator sums its
        # districts' targets there (`indicators` asks about the root by default).
        self.out.targets = [
            {
                "organization": d.DISTRICT[0],
                "term_name": COMMUNE_TERM,
                "start": D(2020, 7, 1),
                "end": d.COMMUNE_TERM_END,
                "nonlocal_target": d.NONLOCAL_TARGET,
            },
            {
                "organization": d.PROVINCE[0],
                "term_name": "2025–2030",
                "start": d.COMMUNE_TERM_END,
                "end": D(2030, 7, 1),
                "nonlocal_target": d.NONLOCAL_TARGET_2025,
            },
        ]

    def _local(self, ci) -> str:
        name, is_town = d.COMMUNES[ci][:2]
        return f"{unit_name(name, is_town)}, huyện Mai Sơn, tỉnh Sơn La"

    def _leader(self, ci, cells, day, used, local: bool | None) -> int | None:
        """A commune cadre for a leading seat, local or not as asked: the member's home town
        says so (set where none fits: a Sơn La-born member from another commune, or from here)."""
        cands = [i for c in cells for i in self.roster.eligible(c, day, None, used)]
        cands = [i for i in cands if 30 <= age_on(self.members[i], day) <= 55] or cands
        if not cands:
            return None
        here = self._local(ci)
        fits = [i for i in cands if local is None or (self.members[i].hometown == here) == local]
        i = self._draw(fits or cands, lambda i: 1.0)
        m = self.members[i]
        if local is not None and (m.hometown == here) != local:
            if local:
                m.hometown = here
                if m.citizen_id.startswith("014"):
                    m.birthplace = here
            else:
                other = self.rng.choice([k for k in range(len(d.COMMUNES)) if k != ci])
                m.hometown = m.birthplace = self._local(other)
        used.add(i)
        return i

    def _commune(self, ci, nonlocal_posts, n_trainees):
        rng, p = self.rng, self.p
        code = f"MS-X{ci + 1:02d}"
        cc = day_between(rng, *d.COMMUNE_CONGRESSES)
        term = self._term(code, COMMUNE_TERM, cc, d.COMMUNE_TERM_END, cc)
        agency = [s.code for s in p.slots if s.commune == ci and s.category == "commune_agency"]
        office, rest = agency[:1], agency[1:]
        used = {self.demo_member}
        top = []
        for local in (
            (ci, "party_secretary") not in nonlocal_posts,
            (ci, "pc_chairman") not in nonlocal_posts,
            None,
        ):
            i = self._leader(ci, office, cc, used, local)
            top.append(i if i is not None else self._leader(ci, office + rest, cc, used, local))
        sec, chair, deputy = top
        for i, top in ((sec, True), (chair, False), (deputy, False)):
            m = self.members[i]
            if THEORY_RANK[m.theory_level] < 2:
                m.theory_level = "intermediate"
            if top and rng.random() < 0.35:
                m.theory_level = "advanced"
        seats = [(sec, SECRETARY), (chair, DEPUTY), (deputy, DEPUTY)]
        police = [c for c in rest if c.endswith("-C3")]
        for cells in (office + rest, police + office):
            i = self._leader(ci, cells, cc, used, None)
            if i is not None:
                seats.append((i, STANDING))
        for cells in (rest, rest):
            i = self._leader(ci, cells, cc, used, None)
            if i is not None:
                seats.append((i, MEMBER))
        secretaries = [
            c.holder(SECRETARY, cc)
            for c in self.out.cells.values()
            if c.category == "village" and self.parent[c.code] == code
        ]
        secretaries = [
            i
            for i in secretaries
            if i is not None
            and i not in used
            and self.roster.cell_on(i, cc) is not None
            and i in self.roster.eligible(self.roster.cell_on(i, cc), cc, None)
        ]
        for i in rng.sample(secretaries, min(len(secretaries), rng.randint(5, 8))):
            used.add(i)
            seats.append((i, MEMBER))
        decision = self._decision(code, cc.year, "HU")
        self.out.positions += [
            PositionSpec(code, term, i, title, cc, None, decision=decision) for i, title in seats
        ]
        # Leaders: the secretary since the congress, the chairman since the People's Council
        # of 2021 (or 2016); the ones before them by name.
        m = self.members
        prev_congress = day_between(rng, D(2015, 5, 15), D(2015, 6, 30))
        self.out.leaders += [
            LeaderSpec(code, "party_secretary", self._outsider_name(ci), None,
                       rng.random() < 0.6, prev_congress, cc),
            LeaderSpec(code, "party_secretary", m[sec].full_name, sec,
                       (ci, "party_secretary") not in nonlocal_posts, cc),
        ]  # fmt: skip
        council_2016 = day_between(rng, D(2016, 6, 20), D(2016, 6, 30))
        chair_from = council_2016
        if rng.random() < 0.65:
            chair_from = day_between(rng, D(2021, 6, 21), D(2021, 6, 30))
            self.out.leaders.append(
                LeaderSpec(code, "pc_chairman", self._outsider_name(ci), None,
                           rng.random() < 0.7, council_2016, chair_from)
            )  # fmt: skip
        self.out.leaders.append(
            LeaderSpec(code, "pc_chairman", m[chair].full_name, chair,
                       (ci, "pc_chairman") not in nonlocal_posts, chair_from)
        )  # fmt: skip
        self._officials(ci, code, office, {0: (sec, cc), 1: (chair, chair_from), 2: (deputy, cc)},
                        n_trainees)  # fmt: skip

    def _outsider_name(self, ci) -> str:
        mix = d.COMMUNES[ci][3]
        eth = self.rng.choices(list(mix), weights=list(mix.values()))[0]
        return person_name(self.rng, eth, "male" if self.rng.random() < 0.7 else "female")

    def _officials(self, ci, code, office, leaders, n_trainees):
        """About 20 officials in force, all meeting the standard; the history behind some."""
        rng = self.rng
        posts = list(OFFICIAL_POSTS)
        for _ in range(rng.randint(0, 2)):
            dup = [k for k in range(3, len(posts)) if posts.count(posts[k]) > 1]
            posts.pop(rng.choice(dup))
        taken = {i for i, _s in leaders.values()} | {self.demo_member}
        staff = [i for c in office for i in self.roster.eligible(c, D(2020, 12, 31), None, taken)]
        trainees = [i for i in staff if self.members[i].theory_level == "basic"]
        trainees = rng.sample(trainees, min(n_trainees, len(trainees)))
        qualified = [i for i in staff if THEORY_RANK[self.members[i].theory_level] >= 2]
        open_posts = list(range(len(leaders), len(posts)))
        rng.shuffle(open_posts)
        story = {}
        for i in trainees:
            story[open_posts.pop()] = ("trained", i)
        for i in rng.sample(qualified, min(len(qualified), rng.randint(3, 6))):
            story[open_posts.pop()] = ("member", i)
        for kind in ("replaced", "replaced", "retired", "studying"):
            if open_posts and (kind != "replaced" or rng.random() < 0.7):
                story[open_posts.pop()] = (kind, None)
        for k, post in enumerate(posts):
            kind, i = story.get(k, ("", None))
            if k in leaders:
                i, start = leaders[k]
                self._official(code, post, i, start)
            elif kind == "trained":
                cls = rng.randrange(len(d.INTERMEDIATE_CLASSES))
                done = d.INTERMEDIATE_CLASSES[cls][1]
                self.out.intermediate_officials.append((i, cls))
                first = day_between(rng, D(2012, 1, 1), D(2019, 12, 31))
                self._official(code, post, i, first, done, NO_INTERMEDIATE, D(2020, 12, 15))
                self._official(code, post, i, done, assessed=done + datetime.timedelta(days=20))
            elif kind == "member":
                self._official(code, post, i, day_between(rng, D(2012, 1, 1), D(2022, 6, 30)))
            elif kind == "studying":
                name = self._outsider_name(ci)
                first = day_between(rng, D(2012, 1, 1), D(2019, 12, 31))
                met = day_between(rng, D(2021, 1, 15), D(2022, 9, 30))
                self._official(code, post, name, first, met, STUDYING, D(met.year - 1, 12, 15))
                self._official(code, post, name, met, assessed=met + datetime.timedelta(days=15))
            elif kind in ("replaced", "retired"):
                left = day_between(rng, D(2020, 1, 15), D(2022, 10, 31))
                first = day_between(rng, D(2008, 1, 1), D(2016, 12, 31))
                reason = rng.choice(NOT_MET) if kind == "replaced" else None
                assessed = D(left.year - 1, 12, rng.randint(10, 28))
                self._official(code, post, self._outsider_name(ci), first, left, reason, assessed)
                self._official(code, post, self._outsider_name(ci), left)
            else:
                start = day_between(rng, D(2010, 1, 1), D(2022, 6, 30))
                self._official(code, post, self._outsider_name(ci), start)

    def _official(self, code, post, who, start, end=None, reason=None, assessed=None):
        """An official's row: meets the standard unless a reason is given."""
        member = who if isinstance(who, int) else None
        name = self.members[who].full_name if member is not None else who
        if assessed is None:
            assessed = max(start, D(2022, 12, self.rng.randint(5, 28)))
        self.out.officials.append(
            OfficialSpec(
                code, name, member, post, reason is None, reason or "", assessed, start, end
            )
        )

    # --- succession plans -----------------------------------------------------------------
    def _successors(self):
        """For each (organization, title) in force on 31/03/2023, planned successors for the
        term then, most of the time; a few plans later withdrawn."""
        rng = self.rng
        pairs = []
        for c in self.out.cells.values():
            seats = c.in_force(d.AS_OF)
            day = c.congress_2023
            pairs += [(c.code, CELL_TERMS[1], day, [c.code], seats)]
        by_commune = defaultdict(list)
        for s in self.out.positions:
            by_commune[s.org].append(s)
        for ci in range(len(d.COMMUNES)):
            code = f"MS-X{ci + 1:02d}"
            cells = [s.code for s in self.p.slots if s.commune == ci]
            pairs.append((code, COMMUNE_TERM, D(2021, 1, 4), cells, by_commune[code]))
        for org, term_name, first, cells, seats in pairs:
            for title in (SECRETARY, DEPUTY, STANDING, MEMBER):
                holders = {s.member for s in seats if s.title == title}
                if not holders or rng.random() < 0.15:
                    continue
                approved = day_between(
                    rng, min(first + datetime.timedelta(days=10), d.AS_OF), d.AS_OF
                )
                if approved > d.AS_OF - datetime.timedelta(days=20) and rng.random() < 0.5:
                    approved = min(first + datetime.timedelta(days=12), d.AS_OF)
                exclude = holders | {self.demo_member}
                cands = [i for c in cells for i in self.roster.eligible(c, approved, None, exclude)]
                seated = {s.member for s in seats}
                weight = self._successor_weight(approved, seated, title)
                k = 2 if rng.random() < 0.3 else 1
                chosen = weighted_sample(rng, cands, weight, min(k, len(cands))) if cands else []
                for i in chosen:
                    removed, note = None, ""
                    if rng.random() < 0.03 and approved < d.AS_OF - datetime.timedelta(days=10):
                        removed = day_between(rng, approved + ONE_DAY, d.AS_OF)
                        note = "Không còn đủ điều kiện quy hoạch"
                    self.out.successors.append(
                        SuccessorSpec(org, term_name, title, i, approved, removed, note)
                    )

    def _successor_weight(self, day, seated, title):
        def weight(i):
            m = self.members[i]
            age = age_on(m, day)
            w = 3.0 if age < 40 else 2.0 if age < 45 else 1.0 if age < 55 else 0.2
            if title != MEMBER and i in seated:
                w *= 4
            if m.theory_level != "none":
                w *= 2
            return w

        return weight


# --- writing ------------------------------------------------------------------------------------
def write_committees(cplan: CommitteePlan, orgs, member_ids, villages) -> dict:
    """Insert the committee plan; `villages`: village code -> Village."""

    def mid(i):
        return member_ids[i] if i is not None else None

    terms = Term.objects.bulk_create(
        [
            Term(
                organization=orgs[t.org],
                name=t.name,
                start=t.start,
                end=t.end,
                congress_date=t.congress,
            )
            for t in cplan.terms
        ],
        batch_size=BATCH,
    )
    insert(
        Position,
        ("organization", "term", "member", "title", "start", "end", "obtained", "decision"),
        (
            (orgs[s.org].pk, terms[s.term].pk, mid(s.member), s.title, s.start, s.end,
             s.obtained, s.decision)
            for s in cplan.positions
        ),
    )  # fmt: skip
    insert(
        ConcurrentRole,
        ("village", "kind", "member", "person_name", "start", "end"),
        (
            (villages[r.village].pk, r.kind, mid(r.member), r.person_name, r.start, r.end)
            for r in cplan.roles
        ),
    )
    rm = cplan.role_model
    model = RoleModel.objects.create(
        name=rm["name"], commune=orgs[rm["commune"]], effective_from=rm["effective_from"]
    )
    RoleModelRule.objects.bulk_create(
        [
            RoleModelRule(role_model=model, title=title, kind=kind, paired_kind=paired)
            for title, kind, paired in rm["rules"]
        ]
    )
    CommuneLeader.objects.bulk_create(
        [
            CommuneLeader(
                commune=orgs[x.commune],
                post=x.post,
                full_name=x.full_name,
                member_id=mid(x.member),
                is_local=x.is_local,
                start=x.start,
                end=x.end,
            )
            for x in cplan.leaders
        ]
    )
    LeadershipTarget.objects.bulk_create(
        [
            LeadershipTarget(
                organization=orgs[t["organization"]],
                term_name=t["term_name"],
                start=t["start"],
                end=t["end"],
                nonlocal_target=t["nonlocal_target"],
            )
            for t in cplan.targets
        ]
    )
    insert(
        CommuneOfficial,
        ("commune", "full_name", "member", "post", "meets_standard", "reason", "assessed_on",
         "start", "end"),
        (
            (orgs[o.commune].pk, o.full_name, mid(o.member), o.post, o.meets, o.reason,
             o.assessed_on, o.start, o.end)
            for o in cplan.officials
        ),
    )  # fmt: skip
    insert(
        SuccessionPlan,
        ("organization", "term_name", "title", "member", "approved_on", "removed_on", "note"),
        (
            (orgs[s.org].pk, s.term_name, s.title, mid(s.member), s.approved_on, s.removed_on,
             s.note)
            for s in cplan.successors
        ),
    )  # fmt: skip
    return cplan.summary()

"""The demo's officials who follow cells and the organizations that help villages (issue 4).

`plan_officials(plan)` is pure like plan.make_plan: it reads the plan's communes, villages and
commune officials, draws from a generator of its own (seeded from the demo seed) and makes, as
of 31/03/2023 (data.AS_OF), by construction:

- 33 district cadres of the Party and mass-organization bloc (the article's "33 cán bộ, công
  chức khối đảng, đoàn thể huyện"), each following 3 to 5 village cells of one commune: the
  demo-official persona (its three cells in Nà Bó, since data.ROLE_FROM) and demo-canbo-01…32
  (from 01/07/2020; eight of them changed one cell on 01/01/2022). Every commune has one, the
  eleven largest two;
- in every commune, commune cadres (the commune officials in force over the whole period, so
  the names match the committees' data) following one to three cells each, every village cell
  one of them, and two regular commune police officers sharing the village cells;
- each of the 123 especially disadvantaged villages helped by one of the 25 other grassroots
  organizations (from 01/04/2021; six villages changed helper on 01/07/2022), with two to five
  support visits: exactly 123 of the 123 flagged villages have a helper on 31/03/2023.

Every follow assignment has the matching RoleAssignment (assigned_official on the cell, its
valid_to the assignment's end: both exclude their end); demo-official's three existing ones are
reused. The other accounts get unusable passwords. `write_officials` inserts the result in bulk.
"""

import datetime
import math
from dataclasses import dataclass, field
from random import Random

from django.contrib.auth.hashers import make_password

from chibo.accounts.models import Role, RoleAssignment, User
from chibo.meetings.models import FollowAssignment, SupportAssignment, SupportVisit

from . import data as d
from . import meetings_texts as tx
from .roster import ONE_DAY, day_between, in_force, person_name
from .specs import D, unit_name

BATCH = 1000
DISTRICT, COMMUNE, POLICE = (
    FollowAssignment.Kind.DISTRICT_CADRE,
    FollowAssignment.Kind.COMMUNE_CADRE,
    FollowAssignment.Kind.COMMUNE_POLICE,
)
DISTRICT_CADRES = 33
FOLLOW_FROM = D(2020, 7, 1)  # after the commune congresses of 2020 (data.COMMUNE_CONGRESSES)
ROTATION_ON, ROTATED = D(2022, 1, 1), 8
SUPPORT_FROM, SUPPORT_CHANGE_ON, SUPPORT_CHANGED = D(2021, 4, 1), D(2022, 7, 1), 6
POLICE_PER_COMMUNE = 2
NOT_FOLLOWING = ("Bí thư Đảng ủy", "Chủ tịch UBND")  # they lead; the others follow cells
PERSONA = "demo-official"


@dataclass
class Cadre:
    username: str
    full_name: str
    kind: str
    office: str  # shown as the guest's organization


@dataclass
class Follow:
    cadre: int  # index in OfficialsPlan.cadres
    cell: str
    kind: str
    start: datetime.date
    end: datetime.date | None
    decision: str


@dataclass
class Support:
    village: str
    helper: str  # grassroots organization code
    start: datetime.date
    end: datetime.date | None
    decision: str
    visits: list = field(default_factory=list)  # (day, visitors, activities)


@dataclass
class OfficialsPlan:
    cadres: list = field(default_factory=list)
    follows: list = field(default_factory=list)
    supports: list = field(default_factory=list)

    def summary(self) -> dict:
        kinds = {k: sum(1 for c in self.cadres if c.kind == k) for k in (DISTRICT, COMMUNE, POLICE)}
        return {
            "officials": kinds,
            "follow_assignments": len(self.follows),
            "support_assignments": len(self.supports),
            "support_visits": sum(len(s.visits) for s in self.supports),
        }


def plan_officials(plan) -> OfficialsPlan:
    """`plan`: the demo Plan (plan.make_plan)."""
    return _OfficialsPlanner(plan).run()


class _OfficialsPlanner:
    def __init__(self, plan):
        self.plan = plan
        self.rng = Random(f"{plan.seed}:officials")
        self.out = OfficialsPlan()
        self.cells_of: dict[int, list[str]] = {}  # commune index -> current village cells
        for ci, c in enumerate(plan.communes):
            self.cells_of[ci] = [
                v.cell for v in plan.villages if v.commune == c.code and v.valid_to is None
            ]

    def run(self) -> OfficialsPlan:
        self._district()
        for ci in range(len(self.plan.communes)):
            self._commune(ci)
        self._supports()
        return self.out

    def _cadre(self, username, full_name, kind, office) -> int:
        self.out.cadres.append(Cadre(username, full_name, kind, office))
        return len(self.out.cadres) - 1

    def _follow(self, cadre, cell, kind, start, end, decision):
        self.out.follows.append(Follow(cadre, cell, kind, start, end, decision))

    # --- district cadres ----------------------------------------------------------------------
    def _district(self):
        rng = self.rng
        links = self.plan.links
        pilot = next(i for i, c in enumerate(d.COMMUNES) if c[0] == d.DEMO_COMMUNE)
        persona = next(u for u in d.DEMO_USERS if u[0] == PERSONA)
        k = self._cadre(PERSONA, persona[3], DISTRICT, "Ban Tổ chức Huyện ủy")
        for cell in links["official_cells"]:
            self._follow(k, cell, DISTRICT, d.ROLE_FROM, None, "Quyết định số 08-QĐ/HU")
        n_communes = len(self.plan.communes)
        by_size = sorted(range(n_communes), key=lambda ci: (-len(self.cells_of[ci]), ci))
        extra = DISTRICT_CADRES - n_communes
        slots = [ci for ci in range(n_communes) if ci != pilot] + by_size[:extra]
        slots.sort()
        taken = {ci: set(links["official_cells"]) if ci == pilot else set() for ci in self.cells_of}
        mine: list[tuple[int, int, list[str]]] = []
        decision = "Quyết định số 125-QĐ/HU"
        for n, ci in enumerate(slots, 1):
            mix = d.COMMUNES[ci][3]
            eth = rng.choices(list(mix), weights=list(mix.values()))[0]
            eth = eth if eth in (d.KINH, d.THAI) else d.THAI
            sex = "female" if rng.random() < 0.4 else "male"
            office = tx.DISTRICT_OFFICES[(n - 1) % len(tx.DISTRICT_OFFICES)]
            k = self._cadre(f"demo-canbo-{n:02d}", person_name(rng, eth, sex), DISTRICT, office)
            free = [c for c in self.cells_of[ci] if c not in taken[ci]]
            cells = sorted(rng.sample(free, min(len(free), rng.randint(3, 5))))
            taken[ci].update(cells)
            mine.append((k, ci, cells))
        assert len(self.out.cadres) == DISTRICT_CADRES
        rotated = {k for k, _, _ in rng.sample(mine, ROTATED)}
        for k, ci, cells in mine:
            out = rng.choice(cells) if k in rotated else None
            for cell in cells:
                end = ROTATION_ON if cell == out else None
                self._follow(k, cell, DISTRICT, FOLLOW_FROM, end, decision)
            if out is not None:
                free = [c for c in self.cells_of[ci] if c not in taken[ci]]
                new = rng.choice(free)
                taken[ci].add(new)
                self._follow(k, new, DISTRICT, ROTATION_ON, None, "Quyết định số 402-QĐ/HU")

    # --- commune cadres and police ------------------------------------------------------------
    def _commune(self, ci):
        rng = self.rng
        name, is_town = d.COMMUNES[ci][:2]
        unit = unit_name(name, is_town)
        code = f"MS-X{ci + 1:02d}"
        cells = list(self.cells_of[ci])
        decision = f"Quyết định số {rng.randint(20, 60):02d}-QĐ/ĐU"
        officials = [
            o
            for o in self.plan.committees.officials
            if o.commune == code
            and o.post not in NOT_FOLLOWING
            and o.start <= FOLLOW_FROM
            and (o.end is None or o.end > d.AS_OF)
        ]
        need = math.ceil(len(cells) / 2)
        chosen = rng.sample(officials, min(need, len(officials)))
        chosen.sort(key=lambda o: (o.post, o.full_name))
        order = cells[:]
        rng.shuffle(order)
        for n, o in enumerate(chosen, 1):
            username = f"demo-canboxa-{ci + 1:02d}-{n:02d}"
            k = self._cadre(username, o.full_name, COMMUNE, f"{o.post} {unit}")
            for cell in sorted(order[n - 1 :: len(chosen)]):
                self._follow(k, cell, COMMUNE, FOLLOW_FROM, None, decision)
        half = math.ceil(len(cells) / POLICE_PER_COMMUNE)
        for n in range(POLICE_PER_COMMUNE):
            sex = "female" if rng.random() < 0.15 else "male"
            eth = d.KINH if rng.random() < 0.5 else d.THAI
            k = self._cadre(
                f"demo-congan-{ci + 1:02d}-{n + 1}",
                person_name(rng, eth, sex),
                POLICE,
                f"Công an {unit}",
            )
            for cell in cells[n * half : (n + 1) * half]:
                self._follow(k, cell, POLICE, FOLLOW_FROM, None, decision)

    # --- support for especially disadvantaged villages ---------------------------------------
    def _supports(self):
        rng = self.rng
        helpers = [f"MS-K{i + 1:02d}" for i in range(len(d.AGENCY_ORGS))]
        villages = sorted(
            v.code for v in self.plan.villages if v.disadvantaged and v.valid_to is None
        )
        rng.shuffle(villages)
        first = "Quyết định số 312-QĐ/HU"
        changed = set(rng.sample(villages, SUPPORT_CHANGED))
        for i, village in enumerate(villages):
            helper = helpers[i % len(helpers)]
            if village in changed:
                other = rng.choice([h for h in helpers if h != helper])
                self._support(village, helper, SUPPORT_FROM, SUPPORT_CHANGE_ON, first)
                self._support(village, other, SUPPORT_CHANGE_ON, None, "Quyết định số 578-QĐ/HU")
            else:
                self._support(village, helper, SUPPORT_FROM, None, first)

    def _support(self, village, helper, start, end, decision):
        rng = self.rng
        s = Support(village, helper, start, end, decision)
        last = min(end - ONE_DAY if end else d.AS_OF, d.AS_OF)
        n = max(1, min(5, ((last - start).days // 150) + rng.randint(0, 1)))
        days = sorted({day_between(rng, start + ONE_DAY * 10, last) for _ in range(n)})
        for day in days:
            eth = d.KINH if rng.random() < 0.5 else d.THAI
            name = person_name(rng, eth, "male" if rng.random() < 0.6 else "female")
            title = rng.choice(tx.VISITOR_TITLES)
            visitors = f"Đồng chí {name} ({title}) và {rng.randint(2, 8)} đảng viên"
            what = rng.sample(tx.SUPPORT_ACTIVITIES, rng.randint(1, 2))
            if day.month in (1, 2) and tx.SUPPORT_ACTIVITIES[0] not in what:
                what[0] = tx.SUPPORT_ACTIVITIES[0]
            s.visits.append((day, visitors, "; ".join(what) + "."))
        self.out.supports.append(s)


# --- writing ------------------------------------------------------------------------------------
def write_officials(oplan: OfficialsPlan, orgs, users, villages) -> list[User]:
    """Insert the officials plan; `users`: the demo users by username (demo-official among them),
    `villages`: village code -> Village. Returns the accounts in the order of oplan.cadres."""
    new = [
        User(username=c.username, full_name=c.full_name, password=make_password(None))
        for c in oplan.cadres
        if c.username not in users
    ]
    User.objects.bulk_create(new, batch_size=BATCH)
    by_name = {**users, **{u.username: u for u in new}}
    accounts = [by_name[c.username] for c in oplan.cadres]
    persona = by_name[PERSONA]
    existing = {
        ra.organization_id: ra
        for ra in RoleAssignment.objects.filter(user=persona, role=Role.ASSIGNED_OFFICIAL)
    }
    roles, follows = [], []
    for f in oplan.follows:
        user, cell = accounts[f.cadre], orgs[f.cell]
        ra = existing.pop(cell.pk, None) if user is persona else None
        if ra is None:
            ra = RoleAssignment(
                user=user,
                role=Role.ASSIGNED_OFFICIAL,
                organization=cell,
                valid_from=f.start,
                valid_to=f.end,
                note="Phân công dự sinh hoạt chi bộ",
            )
            roles.append(ra)
        follows.append((f, user, cell, ra))
    RoleAssignment.objects.bulk_create(roles, batch_size=BATCH)
    FollowAssignment.objects.bulk_create(
        [
            FollowAssignment(
                official=user,
                cell=cell,
                kind=f.kind,
                start=f.start,
                end=f.end,
                decision=f.decision,
                role_assignment=ra,
            )
            for f, user, cell, ra in follows
        ],
        batch_size=BATCH,
    )
    supports = SupportAssignment.objects.bulk_create(
        [
            SupportAssignment(
                village=villages[s.village],
                helper=orgs[s.helper],
                start=s.start,
                end=s.end,
                decision=s.decision,
            )
            for s in oplan.supports
        ],
        batch_size=BATCH,
    )
    SupportVisit.objects.bulk_create(
        [
            SupportVisit(assignment=a, on=day, visitors=who, activities=what)
            for a, s in zip(supports, oplan.supports, strict=True)
            for day, who, what in s.visits
        ],
        batch_size=BATCH,
    )
    return accounts


def following(oplan: OfficialsPlan) -> dict[str, list[Follow]]:
    """The follow assignments by cell."""
    out: dict[str, list[Follow]] = {}
    for f in oplan.follows:
        out.setdefault(f.cell, []).append(f)
    return out


def follows_on(follows: list[Follow], day: datetime.date) -> list[Follow]:
    return [f for f in follows if in_force(f.start, f.end, day)]

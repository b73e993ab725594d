"""The demo plan's building blocks: plain dataclasses, no database."""

import datetime
import hashlib
from dataclasses import dataclass, field
from random import Random

from . import data as d

D = datetime.date
ACTIVE, EXEMPT = "active", "exempt"
DECEASED, TRANSFERRED_OUT = "deceased", "transferred_out"


@dataclass
class OrgSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    valid_from: datetime.date = d.DATA_START
    valid_to: datetime.date | None = None
    grassroots_type: str = ""
    cell_type: str = ""


@dataclass
class CommuneSpec:
    code: str
    name: str
    kind: str
    committee: str


@dataclass
class VillageSpec:
    code: str
    name: str
    kind: str
    commune: str
    cell: str
    ethnicity: str
    households: int
    disadvantaged: bool = False
    valid_to: datetime.date | None = None

    @property
    def label(self) -> str:
        word = {"ban": "bản", "tieu_khu": "tiểu khu", "thon": "thôn"}[self.kind]
        return f"{word} {self.name}"


@dataclass
class MergeSpec:
    source: str
    target: str
    on: datetime.date
    decision: str


@dataclass
class MembershipSpec:
    cell: str
    start: datetime.date
    end: datetime.date | None
    reason: str
    note: str = ""


@dataclass
class StatusSpec:
    status: str
    previous: str
    on: datetime.date
    note: str


@dataclass
class MemberSpec:
    full_name: str
    sex: str
    birth_date: datetime.date
    ethnicity: str
    cell: str
    admission_date: datetime.date
    official_date: datetime.date | None
    theory_level: str
    citizen_id: str = ""
    party_card_number: str = ""
    religion: str = "Không"
    occupation: str = ""
    education: str = ""
    qualification: str = ""
    foreign_language: str = ""
    it_level: str = ""
    birthplace: str = ""
    hometown: str = ""
    residence: str = ""
    status: str = ACTIVE
    status_since: datetime.date | None = None
    memberships: list[MembershipSpec] = field(default_factory=list)
    status_changes: list[StatusSpec] = field(default_factory=list)


@dataclass
class CellSlot:
    """A cell to fill with members: where it is and how many official/probationary members."""

    code: str
    name: str
    category: str  # village, commune_agency, agency
    commune: int | None  # index into data.COMMUNES
    grassroots_type: str
    valid_from: datetime.date
    village: VillageSpec | None = None
    small: bool = False
    official: int = 0
    probationary: int = 0


@dataclass
class Plan:
    seed: int
    orgs: list[OrgSpec]
    communes: list[CommuneSpec]
    villages: list[VillageSpec]
    merges: list[MergeSpec]
    members: list[MemberSpec]
    links: dict
    committees: object = None  # committees.CommitteePlan
    training: object = None  # training.TrainingPlan
    article: int | None = None  # members[:article] are the article's, the others came later
    later: dict = field(default_factory=dict)  # later.plan_later's counts
    # The villages (and cells) merging on 01/07/2025 (mergers.plan_village_mergers), if the
    # demo goes on to that day.
    mergers: list = field(default_factory=list)

    def digest(self, n: int | None = None) -> str:
        """A short hash of the first `n` member names (all if None), for determinism checks."""
        names = "\n".join(m.full_name for m in self.members[:n])
        return hashlib.sha256(names.encode()).hexdigest()[:16]


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def weighted_sample(rng: Random, items, weight, k):
    """k items drawn without replacement with probability proportional to weight (A-Res)."""
    keyed = [(rng.random() ** (1.0 / w), i) for i, w in enumerate(map(weight, items)) if w > 0]
    keyed.sort(reverse=True)
    if len(keyed) < k:
        raise ValueError("not enough candidates")
    chosen = sorted(i for _, i in keyed[:k])
    return [items[i] for i in chosen]


def unit_name(name: str, is_town: bool) -> str:
    return f"thị trấn {name}" if is_town else f"xã {name}"

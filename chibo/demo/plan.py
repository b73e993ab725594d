"""The demo district as plain data: a pure, deterministic function of the seed (and of the
day, for the members after 31/03/2023: later.py).

`make_plan(seed)` touches no database; `builder.build_demo` writes its result. Keeping the
two apart lets tests check determinism cheaply and lets the figures of the article be
guaranteed by construction, whatever the seed:

- 47 grassroots organizations (22 commune committees + 25 others) under the district;
- 293 village cells after 14 mergers, 238 of them with at least 9 official members;
- 123 especially disadvantaged villages;
- exactly ACTIVE_MEMBERS members in a cell on 31/03/2023; what happens to the members after
  that date (later.py) is drawn after everything else, so it changes none of the above;
- the committees, village posts, commune leaders and officials, succession plans
  (committees.py), courses and the contest (training.py) that give the article's figures of
  issue 3 on that date. They draw from generators of their own, so the members, their names
  and their cells above do not depend on them; they only set what some members' records say
  (theory level, home town).
"""

from random import Random

from . import data as d
from .committees import plan_committees
from .later import busy_members, plan_later
from .mergers import ON as MERGED_ON
from .mergers import plan_village_mergers
from .people import PeoplePlanner
from .specs import CellSlot, CommuneSpec, MemberSpec, MergeSpec, OrgSpec, Plan, VillageSpec
from .structure import StructurePlanner
from .training import plan_training

__all__ = ["Plan", "make_plan"]


class _Planner(StructurePlanner, PeoplePlanner):
    """Holds the generator state; each step of make_plan fills part of it, in order."""

    def __init__(self, seed: int):
        self.rng = Random(seed)
        self.seed = seed
        self.orgs: list[OrgSpec] = []
        self.communes: list[CommuneSpec] = []
        self.villages: list[VillageSpec] = []
        self.merges: list[MergeSpec] = []
        self.slots: list[CellSlot] = []
        self.members: list[MemberSpec] = []
        self.place_names: set[str] = set()
        n = d.ACTIVE_MEMBERS + 200
        self.card_suffixes = iter(self.rng.sample(range(1, 10**6), n))
        self.cid_suffixes = iter(self.rng.sample(range(10**6), n))


def make_plan(seed: int = d.DEFAULT_SEED, today=None) -> Plan:
    """The demo's plan; with `today`, the members admitted, dead and moved away after
    31/03/2023 up to it (later.py), appended after the article's members."""
    p = _Planner(seed)
    p.structure()
    p.village_traits()
    p.mergers()
    p.probationary_and_total()
    p.people()
    p.history()
    p.departed()
    p.links = p.demo_links()
    committees = plan_committees(p)
    training = plan_training(p, committees)
    article = len(p.members)
    # The villages and cells that merge on 01/07/2025: from then on the members after the
    # article's are drawn in the cells that go on.
    mergers = (
        plan_village_mergers(p.villages, p.slots, p.links, p.merges)
        if today and today >= MERGED_ON
        else []
    )
    later = plan_later(p, today, busy_members(committees, training), mergers) if today else {}
    return Plan(
        seed, p.orgs, p.communes, p.villages, p.merges, p.members, p.links, committees, training,
        article, later, mergers,
    )  # fmt: skip

"""Which villages of the demo merge on 01/07/2025, with their cells (issue 13, part 3): plain
data, no database, a function of the plan's structure (so of the seed), decided before the
members after 31/03/2023 are drawn, which it changes from that day only.

In Sơn La the 2025 reorganization also merged small villages (bản) into larger ones, and their
cells with them. The demo merges the bản with the smallest cell of an old commune into the one
with the next smallest there (its neighbour: the same commune), in the VILLAGE_MERGERS old
communes where those two cells have the fewest members together (on 31/03/2023; fewer
households first among equals). The second goes on with its name and its cell; the first
closes on 01/07/2025 and its cell merges into the other's (through `village_merge` and the
reorganization tool: reorganization.write_village_mergers). Small cells have a secretary and
perhaps a deputy, no committee, so the merged one keeps within the committee rule. The demo
users' cells, and the cells that took in a merged one before 2023, are left as they are.

docs/decisions/0019-demo-reorganization.md lists the pairs of the default seed.
"""

import datetime
from dataclasses import dataclass

ON = datetime.date(2025, 7, 1)
VILLAGE_MERGERS = 12


@dataclass(frozen=True)
class VillageMerger:
    """`village` (and its cell `cell`) joins `into` (and its cell `into_cell`) on ON."""

    village: str
    cell: str
    into: str
    into_cell: str


def plan_village_mergers(villages, slots, links: dict, merges) -> list[VillageMerger]:
    """The demo's village mergers of 01/07/2025 (`villages`: the plan's VillageSpecs, `slots`:
    its CellSlots, `links`: the demo users' (Plan.links), `merges`: the plan's MergeSpecs before
    2023), by the closing village's code."""
    size = {s.code: s.official + s.probationary for s in slots}
    kept = {links["secretary_cell"], *links["official_cells"]}
    kept |= {m.target for m in merges}
    by_commune: dict[str, list] = {}
    for v in villages:
        if v.valid_to is None and v.kind == "ban" and v.cell not in kept:
            by_commune.setdefault(v.commune, []).append(v)
    pairs = []
    for commune, bans in sorted(by_commune.items()):
        if len(bans) < 2:
            continue
        small, larger = sorted(bans, key=lambda v: (size[v.cell], v.households, v.code))[:2]
        together = size[small.cell] + size[larger.cell]
        pairs.append((together, small.households + larger.households, commune, small, larger))
    pairs.sort(key=lambda p: p[:3])
    chosen = [
        VillageMerger(small.code, small.cell, larger.code, larger.cell)
        for *_key, small, larger in pairs[:VILLAGE_MERGERS]
    ]
    return sorted(chosen, key=lambda m: m.village)


def closing_cells(mergers) -> dict[str, str]:
    """The cell each closing cell merges into, by code."""
    return {m.cell: m.into_cell for m in mergers}

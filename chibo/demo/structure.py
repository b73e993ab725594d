"""Planning the tree: committees, communes, villages and cells, their sizes and mergers."""

from . import data as d
from .specs import (
    CellSlot,
    CommuneSpec,
    MergeSpec,
    OrgSpec,
    VillageSpec,
    unit_name,
    weighted_sample,
)


class StructurePlanner:
    """Mixin of the planner (plan._Planner): the organizations and places."""

    # --- structure ---------------------------------------------------------------------------
    def structure(self):
        rng = self.rng
        prov_code, prov_name = d.PROVINCE
        dist_code, dist_name = d.DISTRICT
        self.orgs.append(OrgSpec(prov_code, prov_name, "province_committee", None))
        self.orgs.append(OrgSpec(dist_code, dist_name, "district_committee", prov_code))
        for ci, (name, is_town, n_villages, mix, _remote) in enumerate(d.COMMUNES):
            code = f"MS-X{ci + 1:02d}"
            unit = unit_name(name, is_town)
            self.orgs.append(
                OrgSpec(code, f"Đảng bộ {unit}", "grassroots", dist_code, grassroots_type="commune")
            )
            self.communes.append(
                CommuneSpec(f"XA-MS-{ci + 1:02d}", name, "town" if is_town else "commune", code)
            )
            numbered = 0
            thon_left = list(d.THON_NAMES)
            rng.shuffle(thon_left)
            for vi in range(n_villages):
                eth = rng.choices(list(mix), weights=list(mix.values()))[0]
                if is_town or (eth == d.KINH and (name in d.TIEU_KHU_COMMUNES or not thon_left)):
                    numbered += 1
                    kind, vname = "tieu_khu", str(numbered)
                elif eth == d.KINH:
                    kind, vname = "thon", thon_left.pop()
                else:
                    kind, vname = "ban", self._place_name()
                self._add_village(ci, vi + 1, kind, vname, eth)
            for pattern, lo, hi, share in d.COMMUNE_AGENCY_CELLS:
                if share < 1 and rng.random() >= share:
                    continue
                k = sum(1 for o in self.orgs if o.parent == code and o.cell_type == "agency") + 1
                ccode = f"{code}-C{k}"
                since = d.COMMUNE_POLICE_FROM if "Công an" in pattern else d.DATA_START
                cname = pattern.format(unit=unit, name=f"Thị trấn {name}" if is_town else name)
                self.orgs.append(
                    OrgSpec(ccode, cname, "cell", code, valid_from=since, cell_type="agency")
                )
                slot = CellSlot(ccode, cname, "commune_agency", ci, "commune", since)
                slot.official = rng.randint(lo, hi)
                self.slots.append(slot)
        for ai, (name, gtype, cells) in enumerate(d.AGENCY_ORGS):
            code = f"MS-K{ai + 1:02d}"
            self.orgs.append(OrgSpec(code, name, "grassroots", dist_code, grassroots_type=gtype))
            slots = []
            for k, cname in enumerate(cells, 1):
                self.orgs.append(OrgSpec(f"{code}-C{k}", cname, "cell", code, cell_type="agency"))
                slot = CellSlot(f"{code}-C{k}", cname, "agency", None, gtype, d.DATA_START)
                slot.official = rng.randint(6, 16)
                slots.append(slot)
            # A grassroots organization with subordinate cells has at least 30 members.
            while sum(s.official for s in slots) < 30:
                rng.choice(slots).official += 1
            self.slots.extend(slots)

    def _place_name(self) -> str:
        while True:
            name = f"{self.rng.choice(d.PLACE_FIRST)} {self.rng.choice(d.PLACE_SECOND)}"
            first, second = name.split()
            if first != second and name not in self.place_names:
                self.place_names.add(name)
                return name

    def _add_village(self, ci, number, kind, vname, eth, valid_to=None) -> VillageSpec:
        ccode = f"MS-X{ci + 1:02d}"
        cell_code = f"{ccode}-B{number:02d}"
        village = VillageSpec(
            code=f"TB-MS-{ci + 1:02d}-{number:02d}",
            name=vname,
            kind=kind,
            commune=self.communes[ci].code,
            cell=cell_code,
            ethnicity=eth,
            households=self.rng.randint(*((120, 420) if kind == "tieu_khu" else (45, 260))),
            valid_to=valid_to,
        )
        self.villages.append(village)
        self.orgs.append(
            OrgSpec(
                cell_code,
                f"Chi bộ {village.label}",
                "cell",
                ccode,
                valid_to=valid_to,
                cell_type="residential",
            )
        )
        if valid_to is None:
            self.slots.append(
                CellSlot(
                    cell_code,
                    f"Chi bộ {village.label}",
                    "village",
                    ci,
                    "commune",
                    d.DATA_START,
                    village,
                )
            )
        return village

    def village_traits(self):
        rng = self.rng
        current = [v for v in self.villages if v.valid_to is None]
        ci_of = {c.code: i for i, c in enumerate(self.communes)}
        minority = {d.HMONG, d.DAO, d.KHOMU, d.XINHMUN, d.LAHA}

        def remoteness(v):
            base = d.COMMUNES[ci_of[v.commune]][4]
            if v.kind == "tieu_khu":
                return 0
            return base * (2.5 if v.ethnicity in minority else 0.3 if v.ethnicity == d.KINH else 1)

        for v in weighted_sample(rng, current, remoteness, d.DISADVANTAGED_VILLAGES):
            v.disadvantaged = True
        n_small = d.VILLAGE_CELLS - d.CELLS_9PLUS_OFFICIAL
        # The cell of the demo secretary (first bản of Nà Bó) keeps a full chi ủy.
        self.demo_cell = next(
            v.cell
            for v in current
            if d.COMMUNES[ci_of[v.commune]][0] == d.DEMO_COMMUNE and v.kind == "ban"
        )

        def smallness(v):
            if v.cell == self.demo_cell:
                return 0
            return (3 if v.disadvantaged else 1) * (0.2 if v.kind == "tieu_khu" else 1)

        small = {v.cell for v in weighted_sample(rng, current, smallness, n_small)}
        for slot in self.slots:
            if slot.category != "village":
                continue
            is_town = d.COMMUNES[slot.commune][1]
            if slot.code in small:
                slot.small = True
                slot.official = rng.randint(3, 8)
            else:
                slot.official = min(75, 9 + int(rng.gammavariate(2.0, 9.0)))
                if is_town:
                    slot.official += rng.randint(5, 20)

    def mergers(self):
        """Village cells merged away before 2023: each gets a closed village and cell."""
        rng = self.rng
        candidates = [
            s
            for s in self.slots
            if s.category == "village"
            and not s.small
            and s.village.kind == "ban"
            and s.code != self.demo_cell
        ]
        targets = rng.sample(candidates, sum(n for _, n in d.MERGES))
        targets.sort(key=lambda s: s.code)
        rng.shuffle(targets)
        decision_no = 40
        i = 0
        for on, n in d.MERGES:
            for target in targets[i : i + n]:
                i += 1
                decision_no += 1
                ci = target.commune
                number = sum(1 for v in self.villages if v.commune == self.communes[ci].code) + 1
                source = self._add_village(
                    ci, number, "ban", self._place_name(), target.village.ethnicity, valid_to=on
                )
                target.official = max(target.official, 16)
                self.merges.append(
                    MergeSpec(source.cell, target.code, on, f"Quyết định số {decision_no}-QĐ/HU")
                )

    def probationary_and_total(self):
        """Spread the probationary members, then adjust large village cells to the exact total."""
        rng = self.rng
        n_prob = d.ADMITTED[2022] - d.ADMITTED_2022_CONVERTED + d.ADMITTED_2023_Q1
        weights = [s.official if not s.small else 1 for s in self.slots]
        for slot in rng.choices(self.slots, weights=weights, k=n_prob):
            slot.probationary += 1
        adjustable = [s for s in self.slots if s.category == "village" and not s.small]
        delta = d.ACTIVE_MEMBERS - sum(s.official + s.probationary for s in self.slots)
        while delta:
            slot = rng.choice(adjustable)
            if delta > 0 and slot.official < 80:
                slot.official += 1
                delta -= 1
            elif delta < 0 and slot.official > 16:
                slot.official -= 1
                delta += 1

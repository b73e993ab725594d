"""Planning the people: members, their cells over time, status changes, demo-user links."""

import datetime

from chibo.members.rules import probation_end

from . import data as d
from .specs import (
    ACTIVE,
    DECEASED,
    EXEMPT,
    TRANSFERRED_OUT,
    CellSlot,
    D,
    MembershipSpec,
    MemberSpec,
    StatusSpec,
    add_years,
    unit_name,
)

CITIZEN_PROVINCE = {
    "Sơn La": "014",
    "Thái Bình": "034",
    "Nam Định": "036",
    "Hưng Yên": "033",
    "Thanh Hóa": "038",
    "Phú Thọ": "025",
    "Hà Nam": "035",
    "Ninh Bình": "037",
    "Hải Dương": "030",
    "Nghệ An": "040",
    "Hà Nội": "001",
}


class PeoplePlanner:
    """Mixin of the planner (plan._Planner): the members and their history."""

    # --- people ------------------------------------------------------------------------------
    def people(self):
        rng = self.rng
        n_official = sum(s.official for s in self.slots)
        recent = rng.sample(range(n_official), d.ADMITTED[2021] + d.ADMITTED_2022_CONVERTED)
        klass = {i: "r2021" for i in recent[: d.ADMITTED[2021]]}
        klass.update({i: "r2022" for i in recent[d.ADMITTED[2021] :]})
        n_prob_2022 = d.ADMITTED[2022] - d.ADMITTED_2022_CONVERTED
        prob_classes = ["p2022"] * n_prob_2022 + ["p2023"] * d.ADMITTED_2023_Q1
        rng.shuffle(prob_classes)
        oi = pi = 0
        for slot in self.slots:
            for _ in range(slot.official):
                self.members.append(self._member(slot, klass.get(oi, "old")))
                oi += 1
            for _ in range(slot.probationary):
                self.members.append(self._member(slot, prob_classes[pi]))
                pi += 1

    def _ethnicity(self, slot: CellSlot) -> str:
        rng = self.rng
        if slot.category == "agency":
            mix = {d.KINH: 50, d.THAI: 35, d.MUONG: 5, d.HMONG: 5, d.KHOMU: 3, d.DAO: 2}
        else:
            mix = d.COMMUNES[slot.commune][3]
            if slot.village is not None and rng.random() < 0.8:
                return slot.village.ethnicity
        return rng.choices(list(mix), weights=list(mix.values()))[0]

    def _name(self, ethnicity: str, sex: str) -> str:
        rng = self.rng
        families, male_mid, female_mid, male, female = d.NAMES[ethnicity]
        if sex == "male":
            return f"{rng.choice(families)} {rng.choice(male_mid)} {rng.choice(male)}"
        return f"{rng.choice(families)} {rng.choice(female_mid)} {rng.choice(female)}"

    def _age(self, slot: CellSlot) -> int:
        rng = self.rng
        if slot.category == "village":
            lo, hi = rng.choices(
                [(22, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79), (80, 85)],
                weights=[5, 15, 20, 22, 20, 13, 5],
            )[0]
            return rng.randint(lo, hi)
        top = 55 if slot.grassroots_type == "armed" else 60
        return rng.randint(24, top)

    def _member(self, slot: CellSlot, klass: str, age: int | None = None) -> MemberSpec:
        rng = self.rng
        female_share = {"armed": 0.12, "school": 0.6, "enterprise": 0.35, "agency": 0.45}.get(
            slot.grassroots_type, 0.36 if slot.category == "village" else 0.4
        )
        if klass != "old":
            female_share += 0.08
        sex = "female" if rng.random() < female_share else "male"
        eth = self._ethnicity(slot)
        if klass == "old":
            age = age or self._age(slot)
            birth = add_years(d.AS_OF, -age) - datetime.timedelta(days=rng.randint(1, 364))
            earliest = add_years(birth, 18)
            latest = D(2020, 12, 31)
            adm = add_years(birth, rng.randint(18, 40)) + datetime.timedelta(rng.randint(0, 364))
            if adm > latest:
                adm = earliest + datetime.timedelta(rng.randint(0, (latest - earliest).days))
            # 12 calendar months, not 365 days: across a 29/02 that is one day short
            official = probation_end(adm) + datetime.timedelta(days=rng.randint(0, 60))
        else:
            start, span = {
                "r2021": (D(2021, 1, 4), 360),
                "r2022": (D(2022, 1, 4), 55),
                "p2022": (D(2022, 4, 1), 274),
                "p2023": (D(2023, 1, 3), 86),
            }[klass]
            adm = start + datetime.timedelta(days=rng.randint(0, span))
            age = rng.randint(20, 42)
            birth = add_years(d.AS_OF, -age) - datetime.timedelta(days=rng.randint(1, 364))
            if add_years(birth, 18) > adm:
                birth = add_years(adm, -18) - datetime.timedelta(days=rng.randint(30, 2000))
            if klass in ("r2021", "r2022"):
                official = probation_end(adm) + datetime.timedelta(days=rng.randint(0, 25))
            else:
                official = None
        m = MemberSpec(
            full_name=self._name(eth, sex),
            sex=sex,
            birth_date=birth,
            ethnicity=eth,
            cell=slot.code,
            admission_date=adm,
            official_date=official,
            theory_level=self._theory(slot, klass),
        )
        self._details(m, slot, age)
        start = max(adm, slot.valid_from)
        reason = (
            "admitted" if start == adm else "imported" if start == d.DATA_START else "transfer_in"
        )
        note = "Số liệu đầu kỳ" if reason == "imported" else ""
        m.memberships.append(MembershipSpec(slot.code, start, None, reason, note))
        return m

    def _theory(self, slot: CellSlot, klass: str) -> str:
        levels = ["none", "basic", "intermediate", "advanced", "bachelor"]
        if klass in ("p2022", "p2023"):
            weights = [90, 10, 0, 0, 0]
        elif klass != "old":
            weights = [70, 30, 0, 0, 0]
        elif slot.category == "village":
            weights = [52, 40, 7, 1, 0]
        elif slot.category == "commune_agency":
            weights = [15, 45, 35, 5, 0]
        else:
            weights = [20, 40, 28, 8, 4]
        return self.rng.choices(levels, weights=weights)[0]

    def _details(self, m: MemberSpec, slot: CellSlot, age: int):
        rng = self.rng
        province = "Sơn La"
        if slot.commune is not None:
            name, is_town = d.COMMUNES[slot.commune][:2]
            local = f"{unit_name(name, is_town)}, huyện Mai Sơn, tỉnh Sơn La"
        else:
            local = "thị trấn Hát Lót, huyện Mai Sơn, tỉnh Sơn La"
        if slot.category == "village":
            m.birthplace = m.hometown = local
            m.residence = f"{slot.village.label.capitalize()}, {local}"
            if age >= 62:
                m.occupation = rng.choice(["Hưu trí", "Hưu trí", "Nông dân"])
            else:
                m.occupation = rng.choices(
                    ["Nông dân", "Buôn bán", "Giáo viên", "Cán bộ thôn, bản"], weights=[80, 7, 5, 8]
                )[0]
            m.education = (
                rng.choice(["7/10", "10/10", "12/12"])
                if age >= 60
                else rng.choices(["12/12", "9/12"], weights=[80, 20])[0]
            )
            m.qualification = rng.choices(
                ["", "Sơ cấp", "Trung cấp", "Cao đẳng", "Đại học"], weights=[60, 10, 20, 5, 5]
            )[0]
        else:
            if m.ethnicity == d.KINH and rng.random() < 0.5:
                province = rng.choice(d.DELTA_PROVINCES)
                m.birthplace = m.hometown = f"tỉnh {province}"
            else:
                m.birthplace = m.hometown = local
            m.residence = local
            if "Trường" in slot.name or slot.grassroots_type == "school":
                m.occupation = "Giáo viên"
            elif "Công an" in slot.name:
                m.occupation = "Công an"
            elif "Quân sự" in slot.name or slot.grassroots_type == "armed":
                m.occupation = rng.choice(["Sĩ quan", "Hạ sĩ quan", "Chỉ huy quân sự"])
            elif slot.grassroots_type == "enterprise":
                m.occupation = rng.choice(["Công nhân", "Kỹ sư", "Nhân viên"])
            else:
                m.occupation = rng.choice(["Công chức", "Viên chức"])
            m.education = "12/12"
            m.qualification = rng.choices(
                ["Đại học", "Thạc sĩ", "Cao đẳng", "Trung cấp"], weights=[70, 12, 10, 8]
            )[0]
            m.foreign_language = rng.choice(["Tiếng Anh B1", "Tiếng Anh A2", ""])
            m.it_level = rng.choice(["Ứng dụng CNTT cơ bản", "Tin học văn phòng", ""])
        if m.ethnicity == d.HMONG and rng.random() < 0.05:
            m.religion = "Tin lành"
        century = 0 if m.birth_date.year < 2000 else 2
        digit = century + (1 if m.sex == "female" else 0)
        m.citizen_id = (
            f"{CITIZEN_PROVINCE[province]}{digit}{m.birth_date.year % 100:02d}"
            f"{next(self.cid_suffixes):06d}"
        )
        m.party_card_number = f"18{next(self.card_suffixes):06d}"

    # --- history ---------------------------------------------------------------------------
    def history(self):
        rng = self.rng
        slot_of = {s.code: s for s in self.slots}
        old = [
            m for m in self.members if m.official_date is not None and m.admission_date.year <= 2020
        ]
        # Exemption from activities for the elderly (status stays in the cell).
        elderly = [
            m
            for m in old
            if slot_of[m.cell].category == "village" and m.birth_date <= add_years(d.AS_OF, -72)
        ]
        for m in rng.sample(elderly, min(70, len(elderly))):
            on = D(rng.randint(2016, 2022), rng.randint(1, 12), rng.randint(1, 28))
            on = max(on, m.official_date + datetime.timedelta(days=1))
            m.status, m.status_since = EXEMPT, on
            m.status_changes.append(
                StatusSpec(EXEMPT, ACTIVE, on, "Miễn sinh hoạt do tuổi cao, sức yếu")
            )
        touched: set[int] = set()
        # Mergers: the members of a merged cell moved into the receiving cell on the day.
        for mg in self.merges:
            movers = [
                i
                for i, m in enumerate(self.members)
                if m.cell == mg.target and m.memberships[0].start < mg.on
            ]
            for i in rng.sample(movers, min(len(movers), rng.randint(6, 12))):
                m = self.members[i]
                first = m.memberships[0]
                first.cell, first.end = mg.source, mg.on
                m.memberships.append(
                    MembershipSpec(mg.target, mg.on, None, "merge", "Sáp nhập chi bộ")
                )
                touched.add(i)
        # Transfers inside the district: village to village, agency to agency.
        pools = {"village": [], "other": []}
        for s in self.slots:
            if s.valid_from == d.DATA_START:
                pools["village" if s.category == "village" else "other"].append(s.code)
        candidates = [
            i
            for i, m in enumerate(self.members)
            if i not in touched
            and m.official_date is not None
            and m.status == ACTIVE
            and slot_of[m.cell].valid_from == d.DATA_START
            and m.memberships[0].start < D(2021, 1, 1)
        ]
        for i in rng.sample(candidates, 150):
            m = self.members[i]
            first = m.memberships[0]
            first_day = max(first.start + datetime.timedelta(days=180), D(2008, 1, 1))
            on = first_day + datetime.timedelta(rng.randint(0, (D(2022, 12, 31) - first_day).days))
            touched.add(i)
            if len(m.memberships) == 1 and rng.random() < 0.75:
                pool = pools["village" if slot_of[m.cell].category == "village" else "other"]
                origin = rng.choice([c for c in pool if c != m.cell])
                first.end = on
                first.cell, cell = origin, m.cell
                m.memberships.append(
                    MembershipSpec(cell, on, None, "transfer", "Chuyển sinh hoạt nội bộ")
                )
            else:
                first.start, first.reason = on, "transfer_in"
                first.note = f"Chuyển đến từ Đảng bộ {rng.choice(d.OUTSIDE_UNITS)}"

    def departed(self):
        """Members who died or moved away before 2023: history, not counted on 31/03/2023."""
        rng = self.rng
        village_slots = [s for s in self.slots if s.category == "village"]
        agency_slots = [
            s for s in self.slots if s.category != "village" and s.valid_from == d.DATA_START
        ]
        for status, n in ((DECEASED, 28), (TRANSFERRED_OUT, 17)):
            for _ in range(n):
                slot = rng.choice(
                    village_slots if status == DECEASED or rng.random() < 0.6 else agency_slots
                )
                age = self.rng.randint(68, 90) if status == DECEASED else None
                m = self._member(slot, "old", age)
                first = m.memberships[0]
                low = max(first.start + datetime.timedelta(days=30), D(2016, 1, 1))
                on = low + datetime.timedelta(rng.randint(0, (D(2023, 3, 15) - low).days))
                if status == DECEASED:
                    note = "Từ trần"
                else:
                    note = f"Chuyển sinh hoạt đến Đảng bộ {rng.choice(d.OUTSIDE_UNITS)}"
                first.end = on
                m.status, m.status_since = status, on
                m.status_changes.append(StatusSpec(status, ACTIVE, on, note))
                self.members.append(m)

    def demo_links(self) -> dict:
        """The members and cells the demo users are attached to (see data.DEMO_USERS)."""
        rng = self.rng
        ci = next(i for i, c in enumerate(d.COMMUNES) if c[0] == d.DEMO_COMMUNE)
        in_cell = [
            m
            for m in self.members
            if m.cell == self.demo_cell and m.status == ACTIVE and m.official_date is not None
        ]
        seniors = [
            m for m in in_cell if add_years(d.AS_OF, -62) < m.birth_date <= add_years(d.AS_OF, -35)
        ]
        secretary = rng.choice(seniors or in_cell)
        if secretary.theory_level == "none":
            secretary.theory_level = "basic"
        member = rng.choice([m for m in in_cell if m is not secretary])
        village_cells = [
            v.cell
            for v in self.villages
            if v.commune == self.communes[ci].code and v.valid_to is None
        ]
        start = village_cells.index(self.demo_cell)
        return {
            "commune": f"MS-X{ci + 1:02d}",
            "secretary_cell": self.demo_cell,
            "official_cells": village_cells[start : start + 3],
            "secretary": self.members.index(secretary),
            "member": self.members.index(member),
        }

"""The demo's criteria sets in force in 2021–2026 and each village's standing on them, year by
year (issue 12).

The national commune sets follow DOMAIN.md: the 19 criteria of QĐ 318/QĐ-TTg (2022–2025) and the
10 of QĐ 51/2025/QĐ-TTg (from 2026; their names here are the demo's short wording, not the
decision's text). The province's village sets and the district's 12 policies are the demo's own
plausible versions: a province and a district each issue theirs, and chibo keeps them as data.
The 2026 village sets replace the 2021–2025 ones from 01/01/2026 (their thresholds are higher).

A village's values come from a level of development drawn once (lower for an especially
disadvantaged village) that rises a little every year, so the share of villages meeting the
new-rural criteria grows from about a third in 2021, and a village that met a set may fall back
below a raised threshold in 2026.
"""

import datetime
from decimal import Decimal
from random import Random

from chibo.criteria.models import CriteriaItem, CriteriaSet, VillageCriterionStatus
from chibo.criteria.services import ItemSpec, criteria_set_create
from chibo.organizations.models import Village

from .rows import insert

K = CriteriaSet.Kind
GE, LE = CriteriaItem.Compare.AT_LEAST, CriteriaItem.Compare.AT_MOST
D = datetime.date
YEARS = range(2021, 2027)

# (code, name, how measured, unit, compare, 2021–2025 threshold, 2026 threshold)
VILLAGE_NTM = [
    ("1", "Quy hoạch", "bản có quy hoạch điểm dân cư được duyệt", "có = 1", GE, 1, 1),
    ("2", "Giao thông", "tỷ lệ km đường trục bản được cứng hóa", "%", GE, 70, 80),
    ("3", "Điện", "tỷ lệ hộ sử dụng điện thường xuyên, an toàn", "%", GE, 95, 98),
    ("4", "Nhà văn hóa", "nhà văn hóa bản đạt chuẩn", "có = 1", GE, 1, 1),
    ("5", "Nhà ở dân cư", "tỷ lệ hộ có nhà ở đạt chuẩn", "%", GE, 75, 80),
    ("6", "Thu nhập", "thu nhập bình quân đầu người", "triệu đồng/năm", GE, 36, 50),
    ("7", "Hộ nghèo", "tỷ lệ hộ nghèo đa chiều", "%", LE, 10, 8),
    ("8", "Lao động", "tỷ lệ lao động có việc làm thường xuyên", "%", GE, 90, 92),
    ("9", "Nước sinh hoạt", "tỷ lệ hộ dùng nước hợp vệ sinh", "%", GE, 90, 95),
    ("10", "Bảo hiểm y tế", "tỷ lệ người dân tham gia BHYT", "%", GE, 90, 95),
    ("11", "An ninh trật tự", "bản đạt chuẩn an toàn về an ninh, trật tự", "có = 1", GE, 1, 1),
]
VILLAGE_MODEL = [
    ("1", "Thu nhập", "thu nhập bình quân đầu người", "triệu đồng/năm", GE, 50, 65),
    ("2", "Hộ nghèo", "tỷ lệ hộ nghèo đa chiều", "%", LE, 3, 2),
    ("3", "Giao thông", "tỷ lệ km đường ngõ, xóm được cứng hóa", "%", GE, 100, 100),
    ("4", "Vườn mẫu", "tỷ lệ hộ có vườn mẫu, khu dân cư kiểu mẫu", "%", GE, 60, 70),
    ("5", "Sản phẩm OCOP", "số sản phẩm OCOP 3 sao trở lên của bản", "sản phẩm", GE, 1, 1),
]
POLICIES = [
    ("1", "Tái canh, trồng mới cây ăn quả", "% kế hoạch năm", "%", GE, 100),
    ("2", "Chuyển đổi cây trồng trên đất dốc", "% kế hoạch năm", "%", GE, 100),
    ("3", "Chăn nuôi tập trung, xa nhà ở", "% kế hoạch năm", "%", GE, 100),
    ("4", "Hợp tác xã, tổ hợp tác", "% kế hoạch năm", "%", GE, 100),
    ("5", "Đường giao thông nông thôn", "% kế hoạch năm", "%", GE, 100),
    ("6", "Nhà tiêu hợp vệ sinh", "% kế hoạch năm", "%", GE, 100),
    ("7", "Xóa nhà tạm, nhà dột nát", "% kế hoạch năm", "%", GE, 100),
    ("8", "Học sinh đến trường", "% kế hoạch năm", "%", GE, 100),
    ("9", "Bảo hiểm y tế, xã hội", "% kế hoạch năm", "%", GE, 100),
    ("10", "Văn hóa, phong tục tập quán", "% kế hoạch năm", "%", GE, 100),
    ("11", "Phòng, chống ma túy", "% kế hoạch năm", "%", GE, 100),
    ("12", "Xây dựng tổ chức đảng, đoàn thể", "% kế hoạch năm", "%", GE, 100),
]
COMMUNE_318 = [
    "Quy hoạch",
    "Giao thông",
    "Thủy lợi và phòng chống thiên tai",
    "Điện",
    "Trường học",
    "Cơ sở vật chất văn hóa",
    "Cơ sở hạ tầng thương mại nông thôn",
    "Thông tin và truyền thông",
    "Nhà ở dân cư",
    "Thu nhập",
    "Nghèo đa chiều",
    "Lao động",
    "Tổ chức sản xuất và phát triển kinh tế nông thôn",
    "Giáo dục và đào tạo",
    "Y tế",
    "Văn hóa",
    "Môi trường và an toàn thực phẩm",
    "Hệ thống chính trị và tiếp cận pháp luật",
    "Quốc phòng và an ninh",
]
COMMUNE_51 = [
    "Quy hoạch",
    "Hạ tầng kinh tế – xã hội",
    "Kinh tế và tổ chức sản xuất",
    "Thu nhập",
    "Nghèo đa chiều",
    "Giáo dục, y tế và văn hóa",
    "Môi trường, cảnh quan",
    "Chuyển đổi số",
    "Hệ thống chính trị và tiếp cận pháp luật",
    "Quốc phòng và an ninh",
]


def _specs(rows, column) -> list[ItemSpec]:
    """The items of `rows`, with the threshold in `column` (5: 2021–2025, 6: 2026–2030)."""
    specs = []
    for row in rows:
        code, name, measure, unit, compare = row[:5]
        specs.append(
            ItemSpec(
                code=code,
                name=name,
                measure=measure,
                unit=unit,
                compare=compare,
                threshold=Decimal(row[column]),
            )
        )
    return specs


def _commune_specs(names, measure) -> list[ItemSpec]:
    return [
        ItemSpec(code=str(n), name=name, measure=measure, unit="đạt = 1", threshold=Decimal(1))
        for n, name in enumerate(names, start=1)
    ]


def _create_sets() -> dict[str, list[CriteriaSet]]:
    def make(kind, name, decision, start, items, replace=False):
        return criteria_set_create(
            kind=kind,
            name=name,
            decision=decision,
            valid_from=start,
            items=items,
            replace=replace,
            actor=None,
        )

    ntm = make(
        K.VILLAGE_NTM,
        "Bộ tiêu chí bản đạt chuẩn nông thôn mới giai đoạn 2021–2025",
        "QĐ của UBND tỉnh (dữ liệu mẫu)",
        D(2021, 1, 1),
        _specs(VILLAGE_NTM, 5),
    )
    model = make(
        K.VILLAGE_MODEL,
        "Bộ tiêu chí bản nông thôn mới kiểu mẫu giai đoạn 2021–2025",
        "QĐ của UBND tỉnh (dữ liệu mẫu)",
        D(2021, 1, 1),
        _specs(VILLAGE_MODEL, 5),
    )
    policies = make(
        K.DISTRICT_POLICIES,
        "12 chủ trương của Ban Thường vụ Huyện ủy nhiệm kỳ 2020–2025",
        "Ban Thường vụ Huyện ủy (dữ liệu mẫu)",
        D(2021, 1, 1),
        _specs(POLICIES, 5),
    )
    make(
        K.COMMUNE_NTM,
        "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021–2025",
        "QĐ 318/QĐ-TTg",
        D(2022, 1, 1),
        _commune_specs(COMMUNE_318, "xã đạt tiêu chí theo hướng dẫn của bộ, ngành"),
    )
    make(
        K.COMMUNE_NTM,
        "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026–2030",
        "QĐ 51/2025/QĐ-TTg",
        D(2026, 1, 1),
        _commune_specs(COMMUNE_51, "xã đạt tiêu chí (các chỉ tiêu theo nhóm xã)"),
        replace=True,
    )
    ntm26 = make(
        K.VILLAGE_NTM,
        "Bộ tiêu chí bản đạt chuẩn nông thôn mới giai đoạn 2026–2030",
        "QĐ của UBND tỉnh (dữ liệu mẫu)",
        D(2026, 1, 1),
        _specs(VILLAGE_NTM, 6),
        replace=True,
    )
    model26 = make(
        K.VILLAGE_MODEL,
        "Bộ tiêu chí bản nông thôn mới kiểu mẫu giai đoạn 2026–2030",
        "QĐ của UBND tỉnh (dữ liệu mẫu)",
        D(2026, 1, 1),
        _specs(VILLAGE_MODEL, 6),
        replace=True,
    )
    return {"ntm": [ntm, ntm26], "model": [model, model26], "policies": [policies]}


def _value(item: CriteriaItem, level: float, rng: Random) -> Decimal:
    """A village's value on `item`: at `level` 0.5 about the 2021–2025 threshold."""
    t = float(item.threshold)
    if item.unit.startswith("có") or item.unit.startswith("đạt"):
        return Decimal(1 if rng.random() < 0.35 + level else 0)
    if item.unit == "sản phẩm":
        return Decimal(int(max(0.0, rng.gauss(level * 2.2 - 0.6, 0.6))))
    spread = rng.gauss(0, 0.06)
    if item.compare == LE:
        value = t * (1.9 - 1.6 * level + spread * 4)
    elif item.unit == "%":
        value = min(100.0, t * (0.82 + 0.3 * level + spread))
    else:
        value = t * (0.7 + 0.65 * level + spread)
    return Decimal(str(round(max(value, 0.0), 1)))


def _in_year(s: CriteriaSet, year: int) -> bool:
    """Whether `s` is in force on at least one day of `year`."""
    return s.valid_from <= D(year, 12, 31) and (s.valid_to is None or s.valid_to > D(year, 1, 1))


def write_criteria(villages: dict[str, Village], seed: int, closing=None) -> dict:
    """The sets, then each village's values for 2021–2026 on the village sets and the policies
    in force that year; `closing`: village code -> the day it merges into another (01/07/2025,
    Plan.mergers), after which it has no values (they are drawn all the same, so that the
    other villages' values do not move). Returns counts for the demo's audit note."""
    closing = closing or {}
    rng = Random(f"criteria-{seed}")
    sets = _create_sets()
    for group in sets.values():
        for s in group:
            # A set replaced by a later one was ended on another instance (criteria_set_create's):
            # read its end, so that no village is judged on it in a year it is not in force.
            s.refresh_from_db(fields=["valid_to"])
    items = {s.pk: list(s.items.all()) for group in sets.values() for s in group}
    rows = []
    for village in sorted(villages.values(), key=lambda v: v.code):
        level = rng.uniform(0.1, 0.75) - (0.15 if village.especially_disadvantaged else 0)
        merged = closing.get(village.code)
        for year in YEARS:
            if village.valid_to is not None and village.valid_to <= D(year, 1, 1):
                break
            gone = merged is not None and merged <= D(year, 1, 1)
            level = min(1.0, level + rng.uniform(0.02, 0.09))
            for group in sets.values():
                for s in group:
                    if not _in_year(s, year):
                        continue
                    for item in items[s.pk]:
                        value = _value(item, level, rng)
                        if not gone:
                            rows.append((village.pk, item.pk, year, value, item.meets(value)))
    insert(VillageCriterionStatus, ("village", "item", "year", "value", "met"), rows)
    return {"sets": CriteriaSet.objects.count(), "statuses": len(rows)}

"""The figures of the committee's report (the article: ../shared/seed/mai-son-article.txt) as
the text the template's placeholders print, every one from the registered indicators computed
on the report's date (or on the 31 December of the two years before, for admissions), on the
structure of that date.

The names are those of the indicators (`members`, `cells_with_committee`…), each with its
parts when it is a ratio (`_so` the count, `_tong` what it is counted of, `_con_lai` what is
left, `_ti_le` the percentage cut at the indicator's places, as printed: 95,9%, 47,72%), and a
few names for what the article says in words (the congress, the pilot model, meeting days).
The documents are Party documents in Vietnamese whatever the reader's language: not
translated."""

import datetime

from django.db.models import Prefetch, Q
from django.utils import translation

from chibo.committees.communes.selectors import leadership_target
from chibo.committees.models import ConcurrentRole, RoleModel, RoleModelRule, Title
from chibo.committees.villages.selectors import secretaries_and_heads
from chibo.congresses.models import CellCongress
from chibo.core import indicators, vn
from chibo.core.docx_layout import long_date
from chibo.meetings.schedule import Schedule
from chibo.organizations.models import Organization
from chibo.organizations.selectors import path_as_of, periods_under
from chibo.training.indicators import training_since

from .placeholders import RATIO_PARTS


def _ratio_parts(code: str, value: indicators.Value) -> dict[str, str]:
    if value.of is None:
        return {f"{code}{suffix}": "" for suffix in RATIO_PARTS} | {
            f"{code}_so": vn.format_int(value.value)
        }
    return {
        f"{code}_so": vn.format_int(value.value),
        f"{code}_tong": vn.format_int(value.of),
        f"{code}_con_lai": vn.format_int(max(value.of - value.value, 0)),
        f"{code}_ti_le": vn.format_percent(value.value, value.of, value.places) or "—",
    }


def _figure(value: indicators.Value) -> str:
    """'47', '9.312', '281/293' (a ratio without its percentage: the sentence says it)."""
    if value.of is None:
        return vn.format_int(value.value)
    return f"{vn.format_int(value.value)}/{vn.format_int(value.of)}"


def _congress(org, on, value: indicators.Value) -> tuple[str, str]:
    """(the term of the congresses, what the article says of them) from congress_days_ahead:
    done (days ahead, or late), under way (held/planned) or no plan."""
    term = (
        CellCongress.objects.filter(
            cell_id__in=periods_under(org, on).values("organization_id"),
            plan__term_start__lte=on,
        )
        .order_by("-plan__term_start")
        .values_list("plan__term_name", flat=True)
        .first()
    ) or ""
    if value.of is None:
        days = value.value
        if days >= 0:
            return term, f"hoàn thành trước {vn.format_int(days)} ngày so với kế hoạch"
        return term, f"hoàn thành sau {vn.format_int(-days)} ngày so với kế hoạch"
    if value.of:
        return term, (
            f"đã tổ chức {vn.format_int(value.value)}/{vn.format_int(value.of)} đại hội chi bộ "
            f"theo kế hoạch"
        )
    return term, "chưa có kế hoạch đại hội chi bộ"


def _villages_left(org, on) -> tuple[int, int]:
    """Of the village cells whose secretary is not head of a village they serve: those where
    a member heads the village (the secretary may take it over: the plan) and those whose head
    is not a member."""
    planned = outsider = 0
    for row in secretaries_and_heads(org, on):
        if row.is_head:
            continue
        if row.heads and all(h.member_id is None for h in row.heads):
            outsider += 1
        else:
            planned += 1
    return planned, outsider


def _pilot(org, on) -> str:
    """The role models in force in the communes under `org`: 'Bí thư chi bộ đồng thời là
    Trưởng thôn, bản, tiểu khu; … tại Đảng bộ xã Nà Bó'."""
    communes = periods_under(org, on).values("organization_id")
    models = (
        RoleModel.objects.filter(commune_id__in=communes, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        .select_related("commune")
        .prefetch_related(Prefetch("rules", queryset=RoleModelRule.objects.order_by("pk")))
        .order_by("commune__name", "effective_from")
    )
    parts = []
    for model in models:
        pairs = []
        for rule in model.rules.all():
            if rule.title:
                holder = f"{Title(rule.title).label} chi bộ"
            else:
                holder = ConcurrentRole.Kind(rule.paired_kind).label
            post = ConcurrentRole.Kind(rule.kind).label
            pairs.append(f"{holder} đồng thời là {post[0].lower()}{post[1:]}")
        parts.append(f"{'; '.join(pairs)} tại {model.commune.name}")
    return "; ".join(parts) or "chưa triển khai mô hình thí điểm"


def _meeting_days(org, on) -> tuple[str, str]:
    path = path_as_of(org, on) or org.path
    schedule = Schedule.load(holidays=False)
    days = []
    for cell_type in (Organization.CellType.RESIDENTIAL, Organization.CellType.AGENCY):
        rule = schedule.rule_for(cell_type, path, on)
        days.append(str(rule.day) if rule else "…")
    return days[0], days[1]


def _upper_body(org, on) -> str:
    parent = org.parent
    if parent is None:
        return ""
    return parent.name


def context(org: Organization, on: datetime.date) -> dict[str, str]:
    """Every placeholder of the report (placeholders.FIELDS) as printed."""
    with translation.override("vi"):
        return _context(org, on)


def _context(org, on):
    values = indicators.compute_values(org, on)
    out: dict[str, str] = {}
    for code, value in values.items():
        out[code] = _figure(value)
        out.update(_ratio_parts(code, value))
    # Admissions of the two whole years before, each as of its 31 December.
    admissions = indicators.get("admissions_year")
    for name, year in (("ket_nap_nam_kia", on.year - 2), ("ket_nap_nam_truoc", on.year - 1)):
        value = admissions.compute(org, datetime.date(year, 12, 31))
        out[name.replace("ket_nap_", "")] = str(year)
        out[name] = _figure(value)
        out[f"{name}_ti_le"] = (
            vn.format_percent(value.value, value.of, value.places) if value.of else "—"
        )
    term, clause = _congress(org, on, values["congress_days_ahead"])
    planned, outsider = _villages_left(org, on)
    target = leadership_target(org, on)
    residential, agency = _meeting_days(org, on)
    parent = _upper_body(org, on)
    out |= {
        "to_chuc": org.name,
        "to_chuc_in_hoa": org.name.upper(),
        "cap_tren_in_hoa": parent.upper(),
        "ngay": vn.day_text(on),
        "ngay_van_ban": long_date(on)[0].upper() + long_date(on)[1:],
        "nam": str(on.year),
        "nhiem_ky_dai_hoi": term,
        "dai_hoi": clause,
        "ban_ke_hoach": vn.format_int(planned),
        "ban_chua_co_dang_vien": vn.format_int(outsider),
        "nhiem_ky_chi_tieu": target.term_name if target else "",
        "tap_huan_tu_nam": str(training_since().year),
        "mo_hinh_thi_diem": _pilot(org, on),
        "ngay_sinh_hoat_khu_dan_cu": residential,
        "ngay_sinh_hoat_co_quan": agency,
    }
    return out

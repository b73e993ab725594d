"""What a cell's congress documents say, read from its data: the members and their changes over
the term reported on, the admissions, the meetings held and their quality, the tasks done, each
year's targets and what was reached, the criteria met and not yet met and the policies that
apply (criteria_content), and the prose the cell wrote; as the template's context
(placeholders.FIELDS). About a dozen queries whatever the cell's size."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from chibo.committees.models import Position, Term, Title
from chibo.core.dated import in_force_q
from chibo.core.docx_layout import amount, place_and_date
from chibo.core.vn import day_text, format_int
from chibo.meetings.documents.selectors import letterhead
from chibo.meetings.models import CellMeeting, Task
from chibo.meetings.models.rules import QualityClass
from chibo.members.models import Membership, StatusChange
from chibo.plans.selectors import followed_targets
from chibo.targets.models import Target, TargetProgress

from .criteria_content import criteria_context
from .models import CellCongress, CongressDraft
from .placeholders import PROSE

LEFT_KINDS = {
    StatusChange.Kind.DEATH: "tu_tran",
    StatusChange.Kind.REMOVAL: "xoa_ten",
    StatusChange.Kind.EXPULSION: "xoa_ten",
    StatusChange.Kind.TRANSFER_OUT: "chuyen_di",
}
MOVED_IN = (Membership.Reason.TRANSFER_IN, Membership.Reason.TRANSFER, Membership.Reason.MERGE)


@dataclass
class Period:
    """The term reported on, [start, end), and the day the documents carry."""

    start: datetime.date
    end: datetime.date
    on: datetime.date
    previous_name: str


def period_of(congress: CellCongress, today: datetime.date, before=()) -> Period:
    """From the start of the organization's term running before the plan's term (for a committee
    founded by a merger, the latest of its predecessors' `before`; else one plan's length back)
    to the congress (held, else scheduled, else today)."""
    plan = congress.plan
    on = congress.held_on or congress.scheduled_on or today
    previous = (
        Term.objects.filter(
            organization_id__in=[congress.cell_id, *(o.pk for o in before)],
            start__lt=plan.term_start,
        )
        .order_by("-start")
        .first()
    )
    if previous is not None:
        start, name = previous.start, previous.name
    else:
        start, name = plan.term_start - (plan.term_end - plan.term_start), ""
    return Period(
        start=start, end=max(on, start + datetime.timedelta(days=1)), on=on, previous_name=name
    )


def paragraphs(text: str) -> str:
    """A blank line starts a new paragraph in the document (docxtpl's \\a), a line break stays
    a line break."""
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n")]
    return "\a".join(b for b in blocks if b)


def _members(cell_id: int, period: Period) -> dict:
    last_day = period.end - datetime.timedelta(days=1)
    start_ships = Membership.objects.filter(in_force_q(period.start), cell_id=cell_id).count()
    end_ships = list(
        Membership.objects.filter(in_force_q(last_day), cell_id=cell_id).values_list(
            "member__official_date", flat=True
        )
    )
    official = sum(1 for d in end_ships if d is not None and d <= last_day)
    started = list(
        Membership.objects.filter(cell_id=cell_id, start__gte=period.start, start__lt=period.end)
        .select_related("member")
        .order_by("start", "pk")
    )
    admitted = [m for m in started if m.reason == Membership.Reason.ADMITTED]
    moved_in = sum(1 for m in started if m.reason in MOVED_IN)
    ended = list(
        Membership.objects.filter(
            cell_id=cell_id, end__gte=period.start, end__lt=period.end
        ).values_list("member_id", "end")
    )
    kinds = {
        (member_id, on): kind
        for member_id, on, kind in StatusChange.objects.filter(
            member_id__in=[m for m, _ in ended], on__gte=period.start, on__lt=period.end
        ).values_list("member_id", "on", "kind")
    }
    left = Counter(LEFT_KINDS.get(kinds.get((m, on)), "chuyen_di") for m, on in ended)
    changes = [
        ("Kết nạp", len(admitted)),
        ("Chuyển đến", moved_in),
        ("Chuyển đi", left["chuyen_di"]),
        ("Từ trần", left["tu_tran"]),
        ("Xóa tên, khai trừ", left["xoa_ten"]),
    ]
    return {
        "dang_vien_dau_ky": format_int(start_ships),
        "dang_vien_cuoi_ky": format_int(len(end_ships)),
        "chinh_thuc": format_int(official),
        "du_bi": format_int(len(end_ships) - official),
        "so_ket_nap": format_int(len(admitted)),
        "ket_nap": [{"ho_ten": m.member.full_name, "ngay": day_text(m.start)} for m in admitted],
        "chuyen_den": format_int(moved_in),
        "chuyen_di": format_int(left["chuyen_di"]),
        "tu_tran": format_int(left["tu_tran"]),
        "xoa_ten": format_int(left["xoa_ten"]),
        "bien_dong": [{"loai": k, "so": format_int(n)} for k, n in changes],
    }


def _meetings(cell_id: int, period: Period) -> dict:
    meetings = CellMeeting.objects.filter(
        cell_id=cell_id,
        status__in=CellMeeting.RECORDED,
        held_on__gte=period.start,
        held_on__lt=period.end,
    )
    rows = list(meetings.values_list("kind", "quality_class"))
    classes = Counter(q for _, q in rows)
    tasks = Task.objects.filter(meeting__in=meetings)
    done = (Task.State.DONE, Task.State.LATE)
    return {
        "so_cuoc_hop": format_int(len(rows)),
        "so_chuyen_de": format_int(sum(1 for k, _ in rows if k == CellMeeting.Kind.THEMATIC)),
        "chat_luong": [
            {"xep_loai": str(label), "so": format_int(classes[value])}
            for value, label in QualityClass.choices
            if classes[value]
        ],
        "so_nhiem_vu": format_int(tasks.count()),
        "so_nhiem_vu_hoan_thanh": format_int(tasks.filter(state__in=done).count()),
    }


def _targets(cell_id: int, period: Period) -> dict:
    """The targets of the term's years the cell's meetings follow (where a village plan gives
    the cell a year's targets, those of the approved plan, not the cell's own: the meetings'
    rule, chibo.plans.selectors.followed_targets), each with what was reached."""
    last_day = period.end - datetime.timedelta(days=1)
    years = range(period.start.year, last_day.year + 1)
    targets = list(followed_targets(cell_id, *years).order_by("year", "order", "id"))
    sums: dict[int, Decimal] = {}
    levels: dict[int, Decimal] = {}  # the latest month's value
    for target_id, value in (
        TargetProgress.objects.filter(target__in=targets, month__lte=last_day)
        .order_by("target_id", "month")
        .values_list("target_id", "value")
    ):
        sums[target_id] = sums.get(target_id, Decimal(0)) + value
        levels[target_id] = value
    rows, reached = [], 0
    for t in targets:
        value = sums.get(t.pk) if t.measure == Target.Measure.SUM else levels.get(t.pk)
        value = value if value is not None else Decimal(0)
        ok = value >= t.yearly_value
        reached += ok
        rows.append(
            {
                "nam": str(t.year),
                "ten": t.name,
                "don_vi": t.unit,
                "ke_hoach": amount(t.yearly_value),
                "thuc_hien": amount(value),
                "danh_gia": "Đạt" if ok else "Chưa đạt",
            }
        )
    return {
        "chi_tieu": rows,
        "so_chi_tieu": format_int(len(rows)),
        "so_chi_tieu_dat": format_int(reached),
    }


def _secretary(cell_id: int, on: datetime.date) -> str:
    p = (
        Position.objects.filter(in_force_q(on), organization_id=cell_id, title=Title.SECRETARY)
        .select_related("member")
        .order_by("-start")
        .first()
    )
    return p.member.full_name if p else ""


def context_for(congress: CellCongress, today: datetime.date) -> dict:
    """The template's context for the cell's congress (placeholders.FIELDS, every one)."""
    period = period_of(congress, today)
    head = letterhead(congress.cell, period.on)
    draft = CongressDraft.objects.filter(congress=congress).first()
    context = {
        "chi_bo": head.issuer,
        "chi_bo_in_hoa": head.issuer.upper(),
        "dang_bo": head.upper_body,
        "dang_bo_in_hoa": head.upper_body.upper(),
        "dang_uy": head.upper_committee,
        "dia_danh": head.place,
        "ngay_van_ban": place_and_date(head.place, period.on),
        "nhiem_ky": congress.plan.term_name,
        "nhiem_ky_truoc": period.previous_name,
        "tu_ngay": day_text(period.start),
        "den_ngay": day_text(period.end - datetime.timedelta(days=1)),
        "ngay_dai_hoi": day_text(congress.held_on or congress.scheduled_on),
        "bi_thu": _secretary(congress.cell_id, period.on - datetime.timedelta(days=1)),
        **_members(congress.cell_id, period),
        **_meetings(congress.cell_id, period),
        **_targets(congress.cell_id, period),
        **criteria_context(congress.cell_id, period.on),
    }
    for field, name in PROSE.items():
        context[name] = paragraphs(getattr(draft, field, ""))
    return context

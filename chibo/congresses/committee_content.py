"""What a grassroots committee's congress documents say (đại hội đảng bộ xã, cơ sở), read from
its data for the term reported on: its cells, the members at the term's start and at the
congress, the admissions of each year against that year's target, the village cells with a cell
committee and with a secretary who is village head, the cells' meetings and their quality, the
tasks done, the committee before the congress and the one it elected, and the prose written for
it; as the template's context (placeholders.COMMITTEE_FIELDS).

The figures are the indicators' (chibo.core.indicators: members, admissions_year,
cells_with_committee...), computed on the days of the term. A committee founded by a merger
(the 2025 reorganization) reports on the term of the committees it came from: on a day before
its founding, a figure is the sum of theirs, and the meetings counted are those of their cells.
"""

import datetime
from collections import Counter

from django.db.models import Q

from chibo.committees.models import Position, Title
from chibo.committees.rules import sort_positions
from chibo.core import indicators
from chibo.core.dated import in_force_q
from chibo.core.docx_layout import place_and_date, upper
from chibo.core.vn import day_text, format_int, format_percent
from chibo.meetings.documents.selectors import letterhead
from chibo.meetings.models import CellMeeting, Task
from chibo.meetings.models.rules import QualityClass
from chibo.organizations.models import Organization, OrganizationEvent
from chibo.organizations.selectors import ids_under, path_as_of

from .content import Period, paragraphs, period_of
from .models import CellCongress, CongressDraft
from .placeholders import PROSE

GOOD_CLASSES = (QualityClass.GOOD, QualityClass.FAIR)
DONE_STATES = (Task.State.DONE, Task.State.LATE)
ONE_DAY = datetime.timedelta(days=1)
# A grassroots committee's member is an Ủy viên Ban Chấp hành (a cell's, a chi ủy viên).
TITLES = {Title.COMMITTEE_MEMBER: "Ủy viên Ban Chấp hành"}


def predecessors(org: Organization) -> list[Organization]:
    """The organizations merged into `org` (their MERGED event names it), by name."""
    return list(
        Organization.objects.filter(events__kind=OrganizationEvent.Kind.MERGED, events__related=org)
        .distinct()
        .order_by("name", "pk")
    )


class _Bodies:
    """The organizations a figure of a day is summed over: the committee once founded, its
    predecessors before."""

    def __init__(self, org: Organization, before: list[Organization]):
        self.org, self.before = org, before

    def on(self, day: datetime.date) -> list[Organization]:
        if path_as_of(self.org, day) is not None:
            return [self.org]
        return [o for o in self.before if path_as_of(o, day) is not None]

    def value(self, code: str, day: datetime.date) -> indicators.Value:
        found = [indicators.get(code).compute(o, day) for o in self.on(day)]
        of = [v.of for v in found if v.of is not None]
        return indicators.Value(sum(v.value for v in found), sum(of) if of else None)

    def cells_q(self, start: datetime.date, last_day: datetime.date) -> Q:
        """The cells under the committee at the start and the end of the period, and under
        each predecessor on its last day in the period."""
        q = Q(cell_id__in=ids_under(self.org, last_day, "cells"))
        if path_as_of(self.org, start) is not None:
            q |= Q(cell_id__in=ids_under(self.org, start, "cells"))
        for o in self.before:
            day = min(last_day, (o.valid_to or last_day + ONE_DAY) - ONE_DAY)
            if day >= start:
                q |= Q(cell_id__in=ids_under(o, day, "cells"))
        return q


def _percent(value: indicators.Value, places: int = 1) -> str:
    return format_percent(value.value, value.of, places) or "—"


def _admissions(bodies: _Bodies, period: Period, last_day: datetime.date) -> dict:
    """Each year of the term: those admitted in it within the term (the first and the last
    year partly: '2020 (từ 22/06)') against the year's target (the indicator admissions_year:
    from 1 January to the day asked for); the rate over the years that had a target."""
    rows, admitted, targeted, target = [], 0, 0, 0
    for year in range(period.start.year, last_day.year + 1):
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        v = bodies.value("admissions_year", min(last, last_day))
        n, label = v.value, str(year)
        if period.start > first:  # the term's first year: those admitted before it are not
            n -= bodies.value("admissions_year", period.start - ONE_DAY).value
            label = f"{year} (từ {period.start:%d/%m})"
        if last_day < last:
            label = f"{label} (đến {last_day:%d/%m})" if "(" not in label else label
        admitted += n
        if v.of:
            targeted += n
            target += v.of
        rows.append(
            {
                "nam": label,
                "ket_nap": format_int(n),
                "chi_tieu": format_int(v.of) if v.of else "—",
                "ti_le": format_percent(n, v.of, 0) if v.of else "—",
            }
        )
    return {
        "ket_nap_nam": rows,
        "so_ket_nap": format_int(admitted),
        "ket_nap_co_chi_tieu": format_int(targeted),
        "chi_tieu_ket_nap": format_int(target),
        "ti_le_ket_nap": format_percent(targeted, target, 0) if target else "—",
    }


def _meetings(bodies: _Bodies, period: Period, last_day: datetime.date) -> dict:
    meetings = CellMeeting.objects.filter(
        bodies.cells_q(period.start, last_day),
        status__in=CellMeeting.RECORDED,
        held_on__gte=period.start,
        held_on__lt=period.end,
    )
    rows = list(meetings.values_list("kind", "quality_class"))
    classes = Counter(q for _k, q in rows)
    scored = sum(n for q, n in classes.items() if q)
    good = sum(classes[c] for c in GOOD_CLASSES)
    tasks = Task.objects.filter(meeting__in=meetings, state__in=(*DONE_STATES, Task.State.NOT_DONE))
    reviewed = tasks.count()
    done = tasks.filter(state__in=DONE_STATES).count()
    return {
        "so_cuoc_hop": format_int(len(rows)),
        "so_chuyen_de": format_int(sum(1 for k, _q in rows if k == CellMeeting.Kind.THEMATIC)),
        "chat_luong": [
            {
                "xep_loai": str(label),
                "so": format_int(classes[value]),
                "ti_le": format_percent(classes[value], scored),
            }
            for value, label in QualityClass.choices
            if classes[value]
        ],
        "ti_le_tot_kha": format_percent(good, scored) if scored else "—",
        "so_nhiem_vu": format_int(reviewed),
        "so_nhiem_vu_hoan_thanh": format_int(done),
        "ti_le_hoan_thanh": format_percent(done, reviewed) if reviewed else "—",
    }


def _committees(congress: CellCongress, eve: datetime.date) -> dict:
    """The committee in place on the congress's eve and, once held, the one it elected."""
    before = Position.objects.filter(in_force_q(eve), organization_id=congress.cell_id)
    secretary = before.filter(title=Title.SECRETARY).select_related("member").first()
    elected = (
        sort_positions(Position.objects.filter(term_id=congress.term_id).select_related("member"))
        if congress.term_id
        else []
    )
    return {
        "bi_thu": secretary.member.full_name if secretary else "",
        "so_cap_uy_vien": format_int(before.count()),
        "so_cap_uy_moi": format_int(len(elected)),
        "cap_uy_moi": [
            {"ho_ten": p.member.full_name, "chuc_danh": TITLES.get(p.title, p.get_title_display())}
            for p in elected
        ],
    }


def committee_context_for(congress: CellCongress, today: datetime.date) -> dict:
    """The template's context for the grassroots committee's congress (COMMITTEE_FIELDS, every
    one). Some forty queries, whatever the committee's size (the indicators' own)."""
    org = congress.cell
    before = predecessors(org)
    period = period_of(congress, today, before)
    last_day = period.end - ONE_DAY
    bodies = _Bodies(org, before)
    head = letterhead(org, period.on)
    draft = CongressDraft.objects.filter(congress=congress).first()
    start_members = bodies.value("members", period.start)
    end_members = bodies.value("members", last_day)
    probationary = bodies.value("members_probationary", last_day)
    committees = bodies.value("cells_with_committee", last_day)
    heads = bodies.value("secretary_is_village_head", last_day)
    cells = Organization.objects.filter(pk__in=ids_under(org, last_day, "cells")).count()
    context = {
        "dang_bo": head.issuer,
        "dang_bo_in_hoa": upper(head.issuer),
        "cap_tren": head.upper_body,
        "cap_tren_in_hoa": upper(head.upper_body),
        "cap_uy_cap_tren": head.upper_committee,
        "dia_danh": head.place,
        "ngay_van_ban": place_and_date(head.place, period.on),
        "nhiem_ky": congress.plan.term_name,
        "nhiem_ky_truoc": period.previous_name,
        "tu_ngay": day_text(period.start),
        "den_ngay": day_text(last_day),
        "ngay_dai_hoi": day_text(congress.held_on or congress.scheduled_on),
        "to_chuc_truoc": ", ".join(o.name for o in before),
        "so_chi_bo": format_int(cells),
        "so_chi_bo_thon": format_int(committees.of or 0),
        "dang_vien_dau_ky": format_int(start_members.value),
        "dang_vien_cuoi_ky": format_int(end_members.value),
        "chinh_thuc": format_int(end_members.value - probationary.value),
        "du_bi": format_int(probationary.value),
        **_admissions(bodies, period, last_day),
        "chi_bo_co_chi_uy": format_int(committees.value),
        "ti_le_chi_bo_co_chi_uy": _percent(committees),
        "bi_thu_la_truong_ban": format_int(heads.value),
        "ti_le_bi_thu_la_truong_ban": _percent(heads),
        **_meetings(bodies, period, last_day),
        **_committees(congress, last_day),
    }
    for field, name in PROSE.items():
        context[name] = paragraphs(getattr(draft, field, ""))
    return context

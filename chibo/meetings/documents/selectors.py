"""Reads for the meeting documents (minutes, resolution): who may read them, the meeting with
everything the documents print, and the letterhead as it stood on the meeting's date.

Who reads what: every role that reads the cell (org-board admin and analyst, commune staff, the
cell's secretary, an official assigned to it) reads both documents. A member of the cell (role
member only) reads the resolution of a meeting held while they were in the cell: the resolution
is addressed to the cell's members ("Đảng viên trong chi bộ (để t/h)"), while the minutes are the
committee's record, with the reasons other members gave for their absence. Anything else is a
404, the same as a missing meeting.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.http import Http404

from chibo.accounts.scope import Scope
from chibo.committees.models import Position, Title, in_force_q
from chibo.core.docx_layout import committee_of
from chibo.members.models import Membership
from chibo.organizations.models import Commune, Organization, OrganizationPeriod, Village
from chibo.organizations.selectors import led_on, placed_on

from .. import selectors
from ..models import AgendaItem, Attendance, CellMeeting, MeetingDocument, Task
from ..selectors import progress_by_target, targets_of

Type = MeetingDocument.Type


# --- access -------------------------------------------------------------------------------------


def _member_of_cell_on(scope: Scope, cell_id: int, on: datetime.date) -> bool:
    member_id = scope.member_self_id
    if member_id is None:
        return False
    return (
        Membership.objects.filter(member_id=member_id, cell_id=cell_id, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .exists()
    )


def readable_types(scope: Scope, meeting: CellMeeting) -> list[str]:
    """The document types (Type values) the scope may read for this meeting, in print order."""
    if scope.covers(meeting.cell):
        return [Type.MINUTES, Type.RESOLUTION]
    if _member_of_cell_on(scope, meeting.cell_id, meeting_date(meeting)):
        return [Type.RESOLUTION]
    return []


def document_meeting_or_404(scope: Scope, pk, doc_type: str) -> CellMeeting:
    """The meeting, if the scope may read its `doc_type` document; else 404 (as if missing)."""
    try:
        return selectors.meeting_or_404(scope, pk)  # the roles that read the cell read both
    except Http404:
        if doc_type != Type.RESOLUTION or scope.member_self_id is None:
            raise
    meeting = CellMeeting.objects.select_related("cell").filter(pk=pk).first()
    if meeting is None or doc_type not in readable_types(scope, meeting):
        raise Http404
    return meeting


def meeting_date(meeting: CellMeeting) -> datetime.date:
    """The date the documents carry: the day the meeting was held, else the day planned."""
    return meeting.held_on or meeting.scheduled_date


# --- what the documents print -------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """Top left of a Party document: the upper body, the issuer; and the place of issue."""

    upper_body: str  # "Đảng bộ xã Chiềng Mung"
    issuer: str  # "Chi bộ bản Nà Hạ"
    place: str  # "Chiềng Mung"
    upper_committee: str  # "Đảng ủy xã Chiềng Mung", for "Nơi nhận"


@dataclass(frozen=True)
class Signer:
    title: str  # Title value: secretary or deputy_secretary
    name: str


@dataclass(frozen=True)
class TargetRow:
    name: str
    unit: str
    yearly_value: Decimal
    month_value: Decimal | None
    cumulative: Decimal
    note: str


@dataclass
class Paper:
    """A recorded meeting with all that its minutes and resolution print."""

    meeting: CellMeeting
    on: datetime.date
    letterhead: Letterhead
    signer: Signer | None
    titles: dict[int, str] = field(default_factory=dict)  # member id -> committee title
    targets: list[TargetRow] = field(default_factory=list)


def meeting_for_paper(pk: int) -> CellMeeting:
    """The meeting with its people, roll call, guests, agenda, speeches, tasks and scores."""
    return (
        CellMeeting.objects.select_related("cell", "chair", "minute_taker", "score_sheet")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("member").order_by(
                    "member__sort_key", "id"
                ),
            ),
            "guests",
            Prefetch("agenda", queryset=AgendaItem.objects.filter(removed=False)),
            "speeches",
            Prefetch(
                "tasks",
                queryset=Task.objects.select_related("owner_member", "target").order_by(
                    "deadline", "id"
                ),
            ),
            Prefetch(
                "reviewed_tasks",
                queryset=Task.objects.select_related("owner_member").order_by("deadline", "id"),
            ),
            "scores__item",
        )
        .get(pk=pk)
    )


def _periods_on(org_ids, on: datetime.date) -> dict[int, OrganizationPeriod]:
    rows = (
        OrganizationPeriod.objects.filter(organization_id__in=org_ids, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .order_by("valid_from")
    )
    return {p.organization_id: p for p in rows}


_UPPER_PREFIXES = (
    "Đảng bộ xã ",
    "Đảng bộ thị trấn ",
    "Đảng bộ phường ",
    "Đảng bộ huyện ",
    "Đảng bộ thành phố ",
    "Đảng bộ tỉnh ",
)


def _place_from_name(name: str) -> str:
    for prefix in _UPPER_PREFIXES:
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix) :].strip()
    return ""


def _place(cell: Organization, parent_id, parent_name: str, on: datetime.date) -> str:
    """The commune the cell's village lies in; else the commune its upper body led then; else the
    place named in the upper body ("Đảng bộ xã Chiềng Mung" -> "Chiềng Mung")."""
    village = (
        # Served by the cell on `on` (a link lies within its village's validity); one filter
        # call, so that the three conditions read the same link.
        Village.objects.filter(
            Q(cell_links__end__isnull=True) | Q(cell_links__end__gt=on),
            cell_links__cell=cell,
            cell_links__start__lte=on,
        )
        .annotate(placed=placed_on(on))  # the commune it lay in that day
        .select_related("placed__commune")
        .order_by("pk")
        .first()
    )
    if village is not None and village.placed is not None:
        return village.placed.commune.name
    if parent_id is not None:
        commune = (
            Commune.objects.annotate(led=led_on(on))
            .filter(led__committee_id=parent_id, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .order_by("pk")
            .first()
        )
        if commune is not None:
            return commune.name
    return _place_from_name(parent_name)


def letterhead(cell: Organization, on: datetime.date) -> Letterhead:
    """The names of the cell and its upper body as they stood on `on` (renames and mergers
    keep old documents as they were), and the place of issue."""
    periods = _periods_on([cell.pk], on)
    period = periods.get(cell.pk)
    issuer = period.name if period else cell.name
    parent_id = period.parent_id if period else cell.parent_id
    parent_name = ""
    if parent_id is not None:
        parent_period = _periods_on([parent_id], on).get(parent_id)
        if parent_period is not None:
            parent_name = parent_period.name
        else:
            parent_name = Organization.objects.filter(pk=parent_id).values_list("name", flat=True)[
                0
            ]
    return Letterhead(
        upper_body=parent_name,
        issuer=issuer,
        place=_place(cell, parent_id, parent_name, on),
        upper_committee=committee_of(parent_name),
    )


def _committee(cell: Organization, on: datetime.date) -> list[Position]:
    return list(
        Position.objects.filter(in_force_q(on), organization=cell)
        .select_related("member")
        .order_by("start", "id")
    )


def signer_of(positions: list[Position], chair) -> Signer | None:
    """Who signs "T/M CHI BỘ": the secretary on the date, else the deputy secretary, else the
    chair of the meeting (signing as secretary)."""
    for title in (Title.SECRETARY, Title.DEPUTY_SECRETARY):
        for p in positions:
            if p.title == title:
                return Signer(title=title, name=p.member.full_name)
    if chair is not None:
        return Signer(title=Title.SECRETARY, name=chair.full_name)
    return None


def _targets(meeting: CellMeeting) -> list[TargetRow]:
    """The cell's targets for the meeting's year: value this month and since January."""
    targets = targets_of(meeting.cell, meeting.month.year, meeting=meeting)
    progress = progress_by_target(targets, meeting.month)
    rows = []
    for t in targets:
        p = progress[t.pk]
        rows.append(
            TargetRow(
                name=t.name,
                unit=t.unit,
                yearly_value=t.yearly_value,
                month_value=p["month"],
                cumulative=Decimal(p["to_date"] or 0),
                note=p["note"],
            )
        )
    return rows


def paper(pk: int) -> Paper:
    """Everything the documents of meeting `pk` print, in a fixed number of queries."""
    meeting = meeting_for_paper(pk)
    on = meeting_date(meeting)
    positions = _committee(meeting.cell, on)
    titles = {}
    for p in positions:
        titles.setdefault(p.member_id, p.title)
    return Paper(
        meeting=meeting,
        on=on,
        letterhead=letterhead(meeting.cell, on),
        signer=signer_of(positions, meeting.chair),
        titles=titles,
        targets=_targets(meeting),
    )

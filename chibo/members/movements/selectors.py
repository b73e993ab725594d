"""The movements of a member, and those under an organization, read from the three records that
hold them: the status changes (exemption, return, transfers out and in, death, removal,
expulsion, reinstatement, and the generic changes without a kind), the memberships opened by a
transfer within the tree, and the temporary stays.

Each movement is an `Event`, whose `cell` is the member's cell for it: the cell left (a leaving
change, a transfer within the tree), the cell entered (a transfer in, a reinstatement), the cell
they were in (an exemption, a temporary stay); `to_cell` is where a transfer within the tree
went, or the cell a temporary stay was hosted by. A movement is under an organization when its
`cell` or its `to_cell` is in the organization's subtree (today's tree, as the user's scope).
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from chibo.core.web import LazyRows
from chibo.organizations.models import Organization, subtree_q

from ..models import Member, Membership, StatusChange, TemporaryStay

TRANSFER = "transfer"  # a transfer within the tree: a membership opened with that reason
TEMPORARY = "temporary"  # a temporary stay elsewhere
GENERIC = "status"  # a status change without a kind (the generic form, before the kinds)
# The records, in the order of the movements of one day.
SOURCES = ("status", TRANSFER, TEMPORARY)


@dataclass(frozen=True)
class Event:
    source: str  # SOURCES
    pk: int
    kind: str
    on: datetime.date
    member: Member
    cell: Organization | None
    to_cell: Organization | None = None
    status: str | None = None
    previous: str | None = None
    until: datetime.date | None = None
    reason: str = ""
    decided_by: str = ""
    decision_number: str = ""
    letter_number: str = ""
    place: str = ""
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.source}-{self.pk}"


def _cell_on(member_ref, day_ref):
    """A subquery of the member's cell on a day: the membership in force that day or ending on
    it (the cell a change of that day leaves), the latest started first (the cell it enters)."""
    return Subquery(
        Membership.objects.filter(member_id=member_ref, start__lte=day_ref)
        .filter(Q(end__isnull=True) | Q(end__gte=day_ref))
        .order_by("-start", "-pk")
        .values("cell_id")[:1]
    )


def _previous_cell():
    """A subquery of the cell a transfer within the tree left: the member's membership that
    ended the day the new one started."""
    return Subquery(
        Membership.objects.filter(member_id=OuterRef("member_id"), end=OuterRef("start"))
        .exclude(pk=OuterRef("pk"))
        .order_by("-start")
        .values("cell_id")[:1]
    )


def _querysets(kind: str | None = None):
    """{source: queryset annotated with `day`, `cell_ref` and `to_ref`} of the movements, or only
    those of `kind`."""
    changes = StatusChange.objects.annotate(
        day=F("on"),
        cell_ref=Coalesce(
            _cell_on(OuterRef("member_id"), OuterRef("on")),
            F("member__cell_id"),
            output_field=IntegerField(),
        ),
        to_ref=Value(None, output_field=IntegerField()),
    )
    transfers = Membership.objects.filter(reason=Membership.Reason.TRANSFER).annotate(
        day=F("start"),
        cell_ref=_previous_cell(),
        to_ref=F("cell_id"),
    )
    stays = TemporaryStay.objects.annotate(
        day=F("start"),
        cell_ref=Coalesce(
            _cell_on(OuterRef("member_id"), OuterRef("start")),
            F("member__cell_id"),
            output_field=IntegerField(),
        ),
        to_ref=F("host_cell_id"),
    )
    out = {"status": changes, TRANSFER: transfers, TEMPORARY: stays}
    if kind is None:
        return out
    if kind == TRANSFER:
        return {TRANSFER: transfers}
    if kind == TEMPORARY:
        return {TEMPORARY: stays}
    return {"status": changes.filter(kind="" if kind == GENERIC else kind)}


def _load(wanted: dict[str, list[int]]) -> dict[tuple[str, int], Event]:
    """{(source, pk): event} of the rows `wanted` ({source: pks}), with their members and cells:
    one query per record, and one for every cell they name."""
    rows = []
    for source, pks in wanted.items():
        qs = _querysets()[source].filter(pk__in=pks).select_related("member")
        rows += [(source, r) for r in qs]
    cells = Organization.objects.in_bulk(
        {r.cell_ref for _s, r in rows if r.cell_ref} | {r.to_ref for _s, r in rows if r.to_ref}
    )
    return {(source, r.pk): _event(source, r, cells) for source, r in rows}


def _event(source: str, r, cells: dict) -> Event:
    cell, to_cell = cells.get(r.cell_ref), cells.get(r.to_ref)
    if source == "status":
        return Event(
            source,
            r.pk,
            r.kind or GENERIC,
            r.on,
            r.member,
            cell,
            status=r.status,
            previous=r.previous,
            until=r.until,
            reason=r.reason,
            decided_by=r.decided_by,
            decision_number=r.decision_number,
            letter_number=r.letter_number,
            place=r.place,
            note=r.note,
        )
    if source == TRANSFER:
        return Event(
            source,
            r.pk,
            TRANSFER,
            r.start,
            r.member,
            cell,
            to_cell,
            letter_number=r.letter_number,
            note=r.note,
        )
    return Event(
        source,
        r.pk,
        TEMPORARY,
        r.start,
        r.member,
        cell,
        to_cell,
        until=r.end,
        letter_number=r.letter_number,
        place=r.host_name,
        note=r.note,
    )


def _rows(keys: list[tuple]) -> list[Event]:
    """The events of `keys` ((day, source order, pk) triples), in their order."""
    wanted = {}
    for _day, order, pk in keys:
        wanted.setdefault(SOURCES[order], []).append(pk)
    found = _load(wanted)
    return [found[(SOURCES[order], pk)] for _day, order, pk in keys]


def _keys(querysets: dict, newest_first: bool) -> list[tuple]:
    """(day, source order, pk) of every row of `querysets`, sorted by day (then the order of the
    records, then the row): one query per record, keys only."""
    keys = [
        (day, SOURCES.index(source), pk)
        for source, qs in querysets.items()
        for pk, day in qs.order_by().values_list("pk", "day")
    ]
    keys.sort(reverse=newest_first)
    return keys


def member_movements(member: Member) -> list[Event]:
    """Every movement of `member`, oldest first."""
    querysets = {s: qs.filter(member_id=member.pk) for s, qs in _querysets().items()}
    return _rows(_keys(querysets, newest_first=False))


def movements_under(
    org: Organization,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    kind: str | None = None,
) -> LazyRows:
    """The movements under `org` (their cell or their destination in its subtree) dated in
    [start, end] (both days included; either may be open), newest first, or only those of
    `kind`. The keys are read at once (one query per record); a page's rows when sliced."""
    cells = Organization.objects.filter(subtree_q(org.path)).values("pk")
    querysets = {}
    for source, qs in _querysets(kind).items():
        qs = qs.filter(Q(cell_ref__in=cells) | Q(to_ref__in=cells))
        if start is not None:
            qs = qs.filter(day__gte=start)
        if end is not None:
            qs = qs.filter(day__lte=end)
        querysets[source] = qs
    return LazyRows(_keys(querysets, newest_first=True), _rows)


def event_of(obj) -> Event:
    """The event of what a movement's service wrote (a StatusChange, a Membership, a
    TemporaryStay)."""
    source = {StatusChange: "status", Membership: TRANSFER, TemporaryStay: TEMPORARY}[type(obj)]
    return _load({source: [obj.pk]})[(source, obj.pk)]

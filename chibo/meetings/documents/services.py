"""Numbers of the meeting documents: "Số 05-NQ/CB", numbered from 01 per type within the cell's
term on the meeting's date (HD 36-HD/VPTW), or within the calendar year where the cell has no
term recorded (one rule, as MeetingDocument says).

Numbers are written when a record is saved (record.services.meeting_record calls
documents_number in its transaction), never by a download: a reader's GET writes nothing. They
follow meeting order within the series: a record saved late for an earlier meeting takes its
place and the later documents of the series move up one, audited. Numbering in one cell is
serialized by locking the cell's row (SELECT ... FOR UPDATE; SQLite has a single writer).
`meetings_number_documents` numbers the recorded meetings saved before this rule.
"""

from django.core.exceptions import ValidationError
from django.db.models import F, Max
from django.utils.translation import gettext as _

from chibo.committees.selectors import term_on
from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.organizations.models import Organization

from ..models import CellMeeting, MeetingDocument
from . import build
from .selectors import meeting_date


def number_text(document: MeetingDocument) -> str:
    """'Số 05-NQ/CB'."""
    return build.number_text(document.number, document.doc_type)


def series_for(meeting: CellMeeting) -> str:
    """The run the meeting's documents are numbered in: the cell's term on the meeting's date,
    else the calendar year (per cell: the unique number is per type and series)."""
    on = meeting_date(meeting)
    term = term_on(meeting.cell, on)
    if term is not None:
        return f"term:{term.pk}"
    return f"year:{on.year}:{meeting.cell_id}"


def _check_recorded(meeting: CellMeeting):
    if meeting.status not in CellMeeting.WITH_DOCUMENTS:
        if meeting.status == CellMeeting.Status.RETURNED:
            message = _(
                "Biên bản cuộc họp đang được trả lại để bổ sung; tài liệu có sau khi chi bộ "
                "ghi lại biên bản."
            )
        else:
            message = _(
                "Cuộc họp chưa được ghi biên bản nên chưa có biên bản và nghị quyết; hãy ghi "
                "biên bản cuộc họp trước."
            )
        raise ValidationError(message, code="not_recorded")


def _existing(meeting: CellMeeting, doc_type: str) -> MeetingDocument | None:
    return MeetingDocument.objects.filter(meeting=meeting, doc_type=doc_type).first()


def existing(meeting: CellMeeting, doc_type: str) -> MeetingDocument | None:
    """The numbered document of `doc_type` for a recorded meeting, or None; never writes.

    Raises ValidationError for a meeting that is not recorded (planned or returned)."""
    if doc_type not in MeetingDocument.Type.values:
        raise ValueError(doc_type)
    _check_recorded(meeting)  # a record returned for completion waits, number and all
    return _existing(meeting, doc_type)


def last_number(doc_type: str, series: str) -> int:
    """The highest number of `doc_type` issued in `series` (0 before the first)."""
    last = MeetingDocument.objects.filter(doc_type=doc_type, series=series).aggregate(
        n=Max("number")
    )["n"]
    return last or 0


# Numbers are moved through this range while a series is renumbered: the unique constraint
# (type, series, number) holds after every statement.
_SHIFT = 1_000_000
_FIELDS = ["meeting", "doc_type", "series", "number", "issued_on"]


def _renumber(doc_type: str, series: str, actor) -> None:
    """Numbers 1..n in meeting order (meeting date, then id) for the series, audited."""
    docs = list(
        MeetingDocument.objects.filter(doc_type=doc_type, series=series)
        .select_related("meeting")
        .order_by("issued_on", "meeting_id")
    )
    moved = [(d, i) for i, d in enumerate(docs, start=1) if d.number != i]
    if not moved:
        return
    MeetingDocument.objects.filter(pk__in=[d.pk for d, _ in moved]).update(
        number=F("number") + _SHIFT
    )
    for document, number in moved:
        before = audit.snapshot(document, _FIELDS)
        document.number = number
        document.save(update_fields=["number"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=document,
            changes=audit.diff(before, audit.snapshot(document, _FIELDS)),
            note=_("Đánh lại số theo thứ tự cuộc họp: %(n)s · %(m)s")
            % {"n": number_text(document), "m": document.meeting},
        )


def documents_number(*, meeting: CellMeeting, actor) -> list[MeetingDocument]:
    """Number the minutes and the resolution of a recorded meeting, inside the caller's
    transaction: a new document takes its place in meeting order in its series; one whose
    meeting moved (another date, another term or year) moves with it. Idempotent."""
    _check_recorded(meeting)
    Organization.objects.select_for_update().only("pk").get(pk=meeting.cell_id)
    series, on = series_for(meeting), meeting_date(meeting)
    out = []
    for doc_type in MeetingDocument.Type.values:
        document = _existing(meeting, doc_type)
        touched = {series}
        if document is None:
            document = MeetingDocument.objects.create(
                meeting=meeting,
                doc_type=doc_type,
                series=series,
                number=last_number(doc_type, series) + 1,
                issued_on=on,
            )
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=document,
                changes=audit.snapshot(document, _FIELDS),
                note=f"{number_text(document)} · {meeting}",
            )
        elif (document.series, document.issued_on) != (series, on):
            touched.add(document.series)
            before = audit.snapshot(document, _FIELDS)
            document.series, document.issued_on = series, on
            document.number = _SHIFT * 2 + document.pk  # its place is found below
            document.save(update_fields=["series", "issued_on", "number"])
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=document,
                changes=audit.diff(before, audit.snapshot(document, _FIELDS)),
                note=str(meeting),
            )
        for s in sorted(touched):
            _renumber(doc_type, s, actor)
        document.refresh_from_db()
        out.append(document)
    return out


def documents_number_bulk(*, cell_ids) -> list[MeetingDocument]:
    """Number, in one pass, the recorded meetings of `cell_ids` that have no documents yet, in
    meeting order in their series, as documents_number would one by one (the demo's and an
    imported workbook's thousands of meetings). A series that already has numbers is left to
    documents_number, meeting by meeting, which keeps its order. Inside the caller's
    transaction; returns the documents created, for the caller's audit."""
    rows, one_by_one = documents_numbering(cell_ids=cell_ids)
    created = [
        MeetingDocument(meeting_id=meeting, doc_type=t, series=name, number=number, issued_on=on)
        for meeting, t, name, number, on in rows
    ]
    MeetingDocument.objects.bulk_create(created, batch_size=2000)
    meetings = CellMeeting.objects.in_bulk(one_by_one)
    for pk in one_by_one:
        documents_number(meeting=meetings[pk], actor=None)
    return created


def documents_numbering(*, cell_ids) -> tuple[list[tuple], list[int]]:
    """What documents_number_bulk writes: the rows (meeting id, type, series, number, date) in
    the order it writes them, and the meetings (ids, in meeting order) it leaves to
    documents_number. Reads only: the demo writes the rows with its own bulk insert."""
    from collections import defaultdict

    from chibo.committees.models import Term

    todo = list(
        CellMeeting.objects.filter(cell_id__in=cell_ids, status__in=CellMeeting.WITH_DOCUMENTS)
        .exclude(pk__in=MeetingDocument.objects.values("meeting_id"))
        .values_list("pk", "cell_id", "held_on", "scheduled_date", named=True)
    )
    if not todo:
        return [], []
    terms = defaultdict(list)
    for org_id, pk, start, end in (
        Term.objects.filter(organization_id__in={m.cell_id for m in todo})
        .order_by("-start")
        .values_list("organization_id", "pk", "start", "end")
    ):
        terms[org_id].append((start, end, pk))

    def series(cell_id, on):
        for start, end, pk in terms[cell_id]:  # the latest term in force, as term_on
            if start <= on and (end is None or on < end):
                return f"term:{pk}"
        return f"year:{on.year}:{cell_id}"

    runs = defaultdict(list)
    for meeting in todo:
        on = meeting_date(meeting)
        runs[series(meeting.cell_id, on)].append((on, meeting.pk))
    numbered = set(
        MeetingDocument.objects.filter(series__in=list(runs)).values_list("series", flat=True)
    )
    rows, one_by_one = [], []
    for name, run in runs.items():
        if name in numbered:
            one_by_one += run
            continue
        for number, (on, pk) in enumerate(sorted(run), start=1):
            rows += [(pk, t, name, number, on) for t in MeetingDocument.Type.values]
    return rows, [pk for _on, pk in sorted(one_by_one)]

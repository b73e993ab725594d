"""Numbers of the meeting documents: "Số 05-NQ/CB", numbered from 01 per type within the cell's
term on the meeting's date (HD 36-HD/VPTW), or within the calendar year where the cell has no
term recorded.

A number is issued once, the first time the document is asked for, and kept in MeetingDocument:
the same meeting downloaded again carries the same number, and the content is drawn from the
record each time. Issues in one cell are serialized by locking the cell's row (SELECT ... FOR
UPDATE) before reading the last number; where the lock is not enough (SQLite has no row locks,
only its single writer) the unique constraints catch a clash and the issue is tried again.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chibo.committees.selectors import term_on
from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.organizations.models import Organization

from . import documents
from .models import CellMeeting, MeetingDocument
from .selectors_documents import RECORDED, meeting_date

ATTEMPTS = 5


def number_text(document: MeetingDocument) -> str:
    """'Số 05-NQ/CB'."""
    return documents.number_text(document.number, document.doc_type)


def series_for(meeting: CellMeeting) -> str:
    """The run the meeting's documents are numbered in: the cell's term on the meeting's date,
    else the calendar year (per cell: the unique number is per type and series)."""
    on = meeting_date(meeting)
    term = term_on(meeting.cell, on)
    if term is not None:
        return f"term:{term.pk}"
    return f"year:{on.year}:{meeting.cell_id}"


def _check_recorded(meeting: CellMeeting):
    if meeting.status not in RECORDED:
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


def last_number(doc_type: str, series: str) -> int:
    """The highest number of `doc_type` issued in `series` (0 before the first)."""
    last = MeetingDocument.objects.filter(doc_type=doc_type, series=series).aggregate(
        n=Max("number")
    )["n"]
    return last or 0


@transaction.atomic
def _issue_once(*, meeting: CellMeeting, doc_type: str, actor) -> MeetingDocument:
    Organization.objects.select_for_update().only("pk").get(pk=meeting.cell_id)
    document = _existing(meeting, doc_type)
    if document is not None:
        return document
    series = series_for(meeting)
    document = MeetingDocument.objects.create(
        meeting=meeting,
        doc_type=doc_type,
        series=series,
        number=last_number(doc_type, series) + 1,
        issued_on=meeting_date(meeting),
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=document,
        changes=audit.snapshot(document, ["meeting", "doc_type", "series", "number", "issued_on"]),
        note=f"{number_text(document)} · {meeting}",
    )
    return document


def document_issue(*, meeting: CellMeeting, doc_type: str, actor) -> MeetingDocument:
    """The numbered document of `doc_type` (MeetingDocument.Type) for a recorded meeting: the
    one issued before if any, else the next number of its type in the series, audited.

    Raises ValidationError for a meeting that is not recorded (planned or returned).
    """
    if doc_type not in MeetingDocument.Type.values:
        raise ValueError(doc_type)
    _check_recorded(meeting)  # a record returned for completion waits, number and all
    document = _existing(meeting, doc_type)
    if document is not None:
        return document
    for attempt in range(ATTEMPTS):
        try:
            return _issue_once(meeting=meeting, doc_type=doc_type, actor=actor)
        except IntegrityError:
            # Another request took this number or issued this document in between.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover

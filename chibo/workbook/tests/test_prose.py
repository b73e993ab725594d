"""Text of several lines (a congress draft's parts, a meeting's summary, conclusions and
resolution, the commune's comment on the minutes...) keeps its line breaks through the workbook:
out and back in, the lines are the same; sent again, the same text with a browser's line
endings is no change. The "prose" kind of the plan's content, for every such column."""

import datetime
import io

import pytest
from django.db import models

from chibo.congresses import services as congresses
from chibo.congresses.models import CellCongress, CongressDraft
from chibo.core.models import AuditEvent
from chibo.meetings import lifecycle
from chibo.meetings.models import CellMeeting
from chibo.workbook import exporter, importer, schema
from chibo.workbook.engine import Sheet

pytestmark = pytest.mark.django_db
D = datetime.date
SITUATION = "Chi bộ có 18 đảng viên.\r\n\r\nBản có 112 hộ:\r\n- 40 hộ người Thái;\r\n- 72 hộ Mông."
SUMMARY = "Tháng qua:\r\n- Làm 200 m đường;\r\n- Thu đảng phí đủ."


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_every_text_field_of_several_lines_is_read_as_prose():
    plain = [
        (sheet.name, col.header)
        for sheet in vars(schema).values()
        if isinstance(sheet, Sheet) and sheet.model is not None
        for col in sheet.columns
        if col.kind == "text"
        and col.attr in {f.name for f in sheet.model._meta.fields}
        and isinstance(sheet.model._meta.get_field(col.attr), models.TextField)
    ]
    assert plain == []


def test_line_breaks_go_out_and_come_back(tree):
    plan = congresses.plan_create(
        organization=tree.district,
        term_name="2023–2025",
        term_start=D(2023, 1, 1),
        term_end=D(2025, 7, 1),
        deadline=D(2023, 3, 31),
        reference="45-KH/HU",
        actor=None,
    )
    congress = CellCongress.objects.get(plan=plan, cell=tree.cell_a)
    draft = CongressDraft.objects.create(congress=congress, situation=SITUATION, lessons="Một.")
    lifecycle.meetings_generate(org=tree.cell_a, month=D(2023, 3, 1), actor=None)
    meeting = CellMeeting.objects.get(cell=tree.cell_a, month=D(2023, 3, 1))
    CellMeeting.objects.filter(pk=meeting.pk).update(
        summary=SUMMARY, conclusions="Kết luận:\n1. Đường.\n2. Đảng phí.", resolution="Một dòng."
    )
    data = exporter.build(tree.district)

    CongressDraft.objects.filter(pk=draft.pk).update(situation="khác")
    CellMeeting.objects.filter(pk=meeting.pk).update(summary="khác", conclusions="khác")
    result = importer.import_workbook(io.BytesIO(data), accept_warnings=True)
    assert not result.errors, result.errors
    draft.refresh_from_db()
    meeting.refresh_from_db()
    assert draft.situation == _lines(SITUATION) and draft.lessons == "Một."
    assert meeting.summary == _lines(SUMMARY)
    assert meeting.conclusions == "Kết luận:\n1. Đường.\n2. Đảng phí."

    # As a browser sent them ("\r\n"): the file's lines are the same text, nothing to change.
    CongressDraft.objects.filter(pk=draft.pk).update(situation=SITUATION)
    CellMeeting.objects.filter(pk=meeting.pk).update(summary=SUMMARY)
    events = AuditEvent.objects.count()
    again = importer.import_workbook(io.BytesIO(data), accept_warnings=True)
    assert not again.errors, again.errors
    assert not {n: c for n, c in again.counts.items() if c["created"] or c["updated"]}
    assert AuditEvent.objects.count() == events
    assert CongressDraft.objects.get().situation == SITUATION  # kept as it was

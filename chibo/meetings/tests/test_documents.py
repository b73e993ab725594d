"""Meeting documents: the minutes and the resolution opened with python-docx (header, number,
place and date, names, tasks, signatures, fonts), their numbering per type within a term or a
year, who may download them, planned meetings refused, the PDF with and without LibreOffice."""

import datetime
import io
import threading
import unicodedata
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from chibo.committees.models import Position, Term, Title
from chibo.core import docx_layout as documents_format
from chibo.core.models import AuditEvent
from chibo.meetings.documents import build as documents
from chibo.meetings.documents import selectors as selectors_documents
from chibo.meetings.documents import services as services_documents
from chibo.meetings.documents.views import document_url
from chibo.meetings.models import (
    AgendaItem,
    Attendance,
    CellMeeting,
    Guest,
    MeetingDocument,
    ScoreEntry,
    ScoreSheet,
    Speech,
    Task,
)
from chibo.targets.models import Target, TargetProgress
from conftest import make_member

pytestmark = pytest.mark.django_db
D = datetime.date
T = datetime.time
BB, NQ = MeetingDocument.Type.MINUTES, MeetingDocument.Type.RESOLUTION
START = D(2020, 6, 1)


@pytest.fixture
def no_pdf(monkeypatch):
    monkeypatch.setattr(documents, "pdf_converter", lambda: None)


def meeting(cell, month, *, status=CellMeeting.Status.HELD, day=24, **kw):
    on = D(month.year, month.month, day)
    held = status != CellMeeting.Status.PLANNED
    return CellMeeting.objects.create(
        cell=cell,
        month=month,
        scheduled_date=on,
        held_on=on if held else None,
        status=status,
        **kw,
    )


@pytest.fixture
def term(tree):
    return Term.objects.create(
        organization=tree.cell_a, name="2020–2022", start=START, end=D(2022, 9, 30)
    )


@pytest.fixture
def term2(tree):
    return Term.objects.create(
        organization=tree.cell_a, name="2022–2025", start=D(2022, 10, 1), end=D(2025, 9, 30)
    )


@pytest.fixture
def record(tree, term, term2):
    """Cell A's March 2023 meeting, recorded: chaired by the secretary Lò Thị Ánh, minutes by
    Nguyễn Văn An; one absent with a reason, one without; a guest; a task of February reviewed;
    three tasks for April; a target; a 92-point score."""
    cell = tree.cell_a
    Position.objects.create(
        organization=cell,
        term=term2,
        member=tree.secretary_member_a,
        title=Title.SECRETARY,
        start=D(2022, 10, 1),
    )
    excused = make_member(cell, "Quàng Văn Ẩn", card="01000003")
    unexcused = make_member(cell, "Tòng Thị Ửng", sex="female", card="01000004")
    feb = meeting(cell, D(2023, 2, 1))
    target = Target.objects.create(
        cell=cell, year=2023, name="Đường bê tông nội bản", unit="km", yearly_value=Decimal(2)
    )
    old = Task.objects.create(
        cell=cell,
        meeting=feb,
        title="Vận động hộ nghèo vay vốn",
        owner_kind=Task.Owner.MEMBER,
        owner_member=tree.member_a,
        deadline=D(2023, 3, 20),
    )
    mar = meeting(
        cell,
        D(2023, 3, 1),
        start_time=T(19, 30),
        end_time=T(21, 15),
        place="Nhà văn hóa bản Áng",
        chair=tree.secretary_member_a,
        minute_taker=tree.member_a,
        summary="Tháng 3 chi bộ lãnh đạo nhân dân trồng 2 ha ngô.\nGiữ vững an ninh trật tự.",
        conclusions="Chi bộ thống nhất đánh giá tháng 3 hoàn thành tốt nhiệm vụ.",
        resolution="Tập trung làm đường bê tông nội bản.\nPhát triển 1 đảng viên mới.",
        summoned=4,
        present=2,
        absent_excused=1,
        absent_unexcused=1,
        quality_points=92,
        quality_class="good",
        score_sheet=ScoreSheet.objects.order_by("effective_from").first(),
    )
    Task.objects.filter(pk=old.pk).update(
        reviewed_at=mar, state=Task.State.DONE, review_note="3 hộ"
    )
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=mar, member=tree.secretary_member_a, presence="present"),
            Attendance(meeting=mar, member=tree.member_a, presence="present"),
            Attendance(meeting=mar, member=excused, presence="excused", reason="Ốm, nằm viện"),
            Attendance(meeting=mar, member=unexcused, presence="unexcused"),
        ]
    )
    Guest.objects.create(
        meeting=mar,
        kind=Guest.Kind.ASSIGNED_OFFICIAL,
        name="Hoàng Văn Dự",
        organization="Huyện ủy Thử",
        guidance="Chú ý phát triển đảng viên.",
    )
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=mar, section="opening", order=1, title="Khai mạc, điểm danh"),
            AgendaItem(meeting=mar, section="business", order=2, title="Kiểm điểm tháng 3"),
            AgendaItem(meeting=mar, section="business", order=3, title="Mục đã bỏ", removed=True),
            AgendaItem(meeting=mar, section="closing", order=4, title="Thông qua nghị quyết"),
        ]
    )
    Speech.objects.create(
        meeting=mar,
        order=1,
        member=tree.member_a,
        speaker="Nguyễn Văn An",
        gist="Đề nghị làm đường bê tông.",
    )
    Task.objects.create(
        cell=cell,
        meeting=mar,
        title="Hoàn thành 300 m đường bê tông",
        owner_kind=Task.Owner.MEMBER,
        owner_member=tree.member_a,
        deadline=D(2023, 4, 20),
        target=target,
    )
    Task.objects.create(
        cell=cell,
        meeting=mar,
        title="Tổ chức ngày hội đại đoàn kết",
        owner_kind=Task.Owner.MASS_ORG,
        owner_name="Chi hội Phụ nữ bản",
        deadline=D(2023, 4, 15),
    )
    Task.objects.create(
        cell=cell,
        meeting=mar,
        title="Rà soát quần chúng ưu tú",
        owner_kind=Task.Owner.COMMITTEE,
        deadline=D(2023, 4, 5),
    )
    TargetProgress.objects.create(target=target, month=D(2023, 1, 1), value=Decimal("0.5"))
    TargetProgress.objects.create(target=target, month=D(2023, 3, 1), value=Decimal("0.3"))
    for item in mar.score_sheet.items.all()[:2]:
        ScoreEntry.objects.create(meeting=mar, item=item, points=item.max_points)
    issue(mar, NQ)  # as meeting_record does when the record is saved
    return mar


def download(client, m, doc_type, fmt="docx"):
    return client.get(document_url(m.pk, doc_type, fmt))


def open_docx(response) -> Document:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == documents.DOCX_CONTENT_TYPE
    return Document(io.BytesIO(response.content))


def texts(doc) -> list[str]:
    """Every paragraph's text, the body's and the tables' (nested in order)."""
    out = []
    body = doc.element.body
    for p in body.iter(qn("w:p")):
        out.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return [t for t in out if t.strip()]


def table_with(doc, header: str):
    """The first table whose header row has a cell reading `header`."""
    for table in doc.tables:
        if header in [c.text for c in table.rows[0].cells]:
            return table
    raise AssertionError(f"no table with {header!r}")


def run_with(doc, text):
    for p in doc.element.body.iter(qn("w:p")):
        if "".join(t.text or "" for t in p.iter(qn("w:t"))) == text:
            runs = [r for r in p.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
            return runs[0]
    raise AssertionError(f"no paragraph {text!r}")


def prop(run, name):
    """A run property's element (w:b, w:i, w:u, w:sz), or None."""
    rpr = run.find(qn("w:rPr"))
    return None if rpr is None else rpr.find(qn(f"w:{name}"))


def is_on(run, name) -> bool:
    el = prop(run, name)
    return el is not None and el.get(qn("w:val")) not in ("0", "false", "none")


def size(run) -> float:
    return int(prop(run, "sz").get(qn("w:val"))) / 2


# --- contents -----------------------------------------------------------------------------------


def test_minutes_contents(clients, record, no_pdf):
    response = download(clients["secretary_a"], record, BB)
    doc = open_docx(response)
    lines = texts(doc)
    header = doc.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs] == ["ĐẢNG BỘ XÃ AN", "CHI BỘ BẢN ÁNG", "*"]
    assert right.paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert header.rows[1].cells[0].text == "Số 01-BB/CB"
    assert header.rows[1].cells[1].text == "An, ngày 24 tháng 3 năm 2023"
    assert "BIÊN BẢN" in lines
    assert "Sinh hoạt chi bộ thường kỳ tháng 3 năm 2023" in lines
    body = "\n".join(lines)
    for expected in (
        "Bắt đầu lúc 19 giờ 30 phút, ngày 24/03/2023.",
        "Nhà văn hóa bản Áng.",
        "Chủ trì: Đồng chí Lò Thị Ánh, Bí thư chi bộ.",
        "Thư ký: Đồng chí Nguyễn Văn An.",
        "phải triệu tập: 4 đồng chí; có mặt: 2 đồng chí; vắng mặt: 2 đồng chí",
        "Vắng có lý do: 1 đồng chí (đồng chí Quàng Văn Ẩn: Ốm, nằm viện);",
        "Vắng không có lý do: 1 đồng chí (đồng chí Tòng Thị Ửng).",
        "Đồng chí Hoàng Văn Dự, Huyện ủy Thử (cán bộ được phân công dự)",
        "Khai mạc, điểm danh",
        "Tháng 3 chi bộ lãnh đạo nhân dân trồng 2 ha ngô.",
        "Giữ vững an ninh trật tự.",
        "Đồng chí Nguyễn Văn An: Đề nghị làm đường bê tông.",
        "Đồng chí Hoàng Văn Dự: Chú ý phát triển đảng viên.",
        "Chi bộ thống nhất đánh giá tháng 3 hoàn thành tốt nhiệm vụ.",
        "Chi bộ tự chấm 92/100 điểm, xếp loại: Tốt.",
        "kết thúc lúc 21 giờ 15 phút cùng ngày",
    ):
        assert expected in body, expected
    assert "Mục đã bỏ" not in body
    # Last month's task reviewed, and the target: 0,5 + 0,3 of 2 km = 40%.
    review = table_with(doc, "Kết quả")
    assert [c.text for c in review.rows[1].cells] == [
        "1",
        "Vận động hộ nghèo vay vốn",
        "Đồng chí Nguyễn Văn An",
        "Hoàn thành",
        "3 hộ",
    ]
    targets = table_with(doc, "Chỉ tiêu")
    assert [c.text for c in targets.rows[1].cells] == [
        "1",
        "Đường bê tông nội bản",
        "km",
        "2",
        "0,3",
        "0,8",
        "40%",
    ]
    tasks = table_with(doc, "Người, bộ phận thực hiện")
    assert [[c.text for c in r.cells] for r in tasks.rows[1:]] == [
        ["1", "Rà soát quần chúng ưu tú", "Chi ủy", "05/04/2023"],
        ["2", "Tổ chức ngày hội đại đoàn kết", "Chi hội Phụ nữ bản", "15/04/2023"],
        [
            "3",
            "Hoàn thành 300 m đường bê tông (chỉ tiêu: Đường bê tông nội bản)",
            "Đồng chí Nguyễn Văn An",
            "20/04/2023",
        ],
    ]
    signatures = doc.tables[-1]
    assert [p.text for p in signatures.rows[0].cells[0].paragraphs if p.text] == [
        "THƯ KÝ",
        "Nguyễn Văn An",
    ]
    assert [p.text for p in signatures.rows[0].cells[1].paragraphs if p.text] == [
        "CHỦ TRÌ",
        "Lò Thị Ánh",
    ]


def test_resolution_contents(clients, record, no_pdf):
    doc = open_docx(download(clients["secretary_a"], record, NQ))
    lines = texts(doc)
    assert doc.tables[0].rows[1].cells[0].text == "Số 01-NQ/CB"
    assert doc.tables[0].rows[1].cells[1].text == "An, ngày 24 tháng 3 năm 2023"
    assert "NGHỊ QUYẾT" in lines and "Chi bộ tháng 3 năm 2023" in lines
    body = "\n".join(lines)
    for expected in (
        "Ngày 24/03/2023, Chi bộ bản Áng tổ chức sinh hoạt thường kỳ tháng 3 năm 2023, có mặt 2/4",
        "I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG QUA",
        "Tháng 3 chi bộ lãnh đạo nhân dân trồng 2 ha ngô.",
        "Tổng số 1 nhiệm vụ: hoàn thành 1,",
        "Tập trung làm đường bê tông nội bản.",
        "Phát triển 1 đảng viên mới.",
        "III. PHÂN CÔNG THỰC HIỆN",
    ):
        assert expected in body, expected
    tasks = table_with(doc, "Người, bộ phận thực hiện")
    assert len(tasks.rows) == 4
    left, right = doc.tables[-1].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "Nơi nhận:",
        "- Đảng ủy xã An (để b/c),",
        "- Đảng viên trong chi bộ (để t/h),",
        "- Lưu chi bộ.",
    ]
    assert [p.text for p in right.paragraphs if p.text] == ["T/M CHI BỘ", "BÍ THƯ", "Lò Thị Ánh"]
    assert is_on(run_with(doc, "T/M CHI BỘ"), "b") and is_on(run_with(doc, "Lò Thị Ánh"), "b")
    assert size(run_with(doc, "- Lưu chi bộ.")) == 12


def test_format_page_fonts_and_unicode(clients, record, no_pdf):
    """A4 with the margins of HD 36; Times New Roman in every script slot, for the defaults,
    the Normal style and every run; sizes and emphasis of the header; the text stored as NFC
    Unicode even when typed decomposed; characters XML cannot hold dropped, not a 500."""
    CellMeeting.objects.filter(pk=record.pk).update(
        conclusions=unicodedata.normalize("NFD", "Kết luận: Đồng chí Ửng") + "\x0b\x01 hết."
    )
    response = download(clients["commune"], record, BB)
    doc = open_docx(response)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    slots = ("ascii", "hAnsi", "eastAsia", "cs")
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert {s: fonts.get(qn(f"w:{s}")) for s in slots} == dict.fromkeys(slots, "Times New Roman")
    assert fonts.get(qn("w:asciiTheme")) is None
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    normal_fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert normal_fonts.get(qn("w:eastAsia")) == normal_fonts.get(qn("w:cs")) == "Times New Roman"
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    runs = [r for r in doc.element.body.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
    assert runs
    for run in runs:
        fonts = prop(run, "rFonts")
        assert {s: fonts.get(qn(f"w:{s}")) for s in slots} == dict.fromkeys(
            slots, "Times New Roman"
        )
    party = run_with(doc, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert is_on(party, "b") and is_on(party, "u") and size(party) == 15
    issuer = run_with(doc, "CHI BỘ BẢN ÁNG")
    assert is_on(issuer, "b") and size(issuer) == 14
    assert not is_on(run_with(doc, "ĐẢNG BỘ XÃ AN"), "b")
    assert is_on(run_with(doc, "An, ngày 24 tháng 3 năm 2023"), "i")
    assert is_on(run_with(doc, "BIÊN BẢN"), "b")
    body_runs = [r for r in runs if prop(r, "sz") is not None and size(r) == 14]
    assert len(body_runs) > 20
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode("utf-8")
    assert "Kết luận: Đồng chí Ửng hết." in xml
    assert unicodedata.normalize("NFD", "Ửng") not in xml
    assert "CHI BỘ BẢN ÁNG" in xml


def test_dates_numbers_and_names():
    assert documents_format.long_date(D(2023, 2, 5)) == "ngày 05 tháng 02 năm 2023"
    assert documents_format.long_date(D(2023, 12, 24)) == "ngày 24 tháng 12 năm 2023"
    assert documents_format.number_text(5, "NQ") == "Số 05-NQ/CB"
    assert documents_format.number_text(123, "BB") == "Số 123-BB/CB"
    assert documents_format.place_and_date("", D(2023, 3, 4)) == "Ngày 04 tháng 3 năm 2023"


def test_letterhead_place_from_commune_or_upper_body(tree):
    """An agency cell under commune A has no village: the place is the commune its upper body
    leads; under a body with no commune, the place is read from the body's name."""
    from chibo.organizations import services as org_services
    from chibo.organizations.models import Organization

    agency = org_services.org_create(
        code="XA-C1",
        name="Chi bộ Công an xã An",
        kind=Organization.Kind.CELL,
        cell_type="agency",
        parent=tree.commune_a,
        valid_from=D(2015, 1, 1),
        actor=None,
    )
    head = selectors_documents.letterhead(agency, D(2023, 3, 25))
    assert (head.upper_body, head.issuer, head.place) == (
        "Đảng bộ xã An",
        "Chi bộ Công an xã An",
        "An",
    )
    head = selectors_documents.letterhead(tree.cell_b, D(2023, 3, 24))
    assert (head.place, head.upper_committee) == ("Bình", "Đảng ủy xã Bình")


def test_signer_secretary_deputy_or_chair(tree, record, no_pdf, clients):
    """The secretary on the meeting's date signs; without one the deputy ("PHÓ BÍ THƯ"); with
    neither, the chair."""
    Position.objects.filter(organization=tree.cell_a).update(end=D(2023, 3, 1))
    on = D(2023, 3, 24)
    assert selectors_documents.paper(record.pk).signer == selectors_documents.Signer(
        Title.SECRETARY, "Lò Thị Ánh"
    )  # the chair
    Position.objects.create(
        organization=tree.cell_a, member=tree.member_a, title=Title.DEPUTY_SECRETARY, start=on
    )
    doc = open_docx(download(clients["secretary_a"], record, NQ))
    right = doc.tables[-1].rows[0].cells[1]
    assert [p.text for p in right.paragraphs if p.text] == [
        "T/M CHI BỘ",
        "PHÓ BÍ THƯ",
        "Nguyễn Văn An",
    ]


def test_thematic_title_and_filename(clients, tree, record, no_pdf):
    CellMeeting.objects.filter(pk=record.pk).update(
        kind=CellMeeting.Kind.THEMATIC, topic="Học tập tư tưởng Hồ Chí Minh"
    )
    response = download(clients["admin"], record, BB)
    lines = texts(open_docx(response))
    assert "Sinh hoạt chi bộ chuyên đề tháng 3 năm 2023" in lines
    assert "Chuyên đề: Học tập tư tưởng Hồ Chí Minh" in lines
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="bien-ban-XA-01-2023-03.docx"; ')
    assert (
        "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20Chi%20b%E1%BB%99%20b%E1%BA%A3n" in disposition
    )
    assert disposition.isascii()
    assert response["Cache-Control"] == "private, no-store"


# --- numbering ---------------------------------------------------------------------------------


def issue(m, doc_type, actor=None):
    """Number `m`'s documents as saving its record does; the one of `doc_type`."""
    with transaction.atomic():
        numbered = services_documents.documents_number(meeting=m, actor=actor)
    return next(d for d in numbered if d.doc_type == doc_type)


def test_numbers_per_type_within_a_term(tree, term, term2, personas):
    cell = tree.cell_a
    m1, m2 = meeting(cell, D(2022, 11, 1)), meeting(cell, D(2022, 12, 1))
    m3 = meeting(cell, D(2023, 1, 1), status=CellMeeting.Status.CONFIRMED)
    assert issue(m1, BB).number == 1
    assert issue(m1, NQ).number == 1  # each type has its own run
    assert issue(m2, NQ).number == 2
    assert issue(m1, NQ).number == 1  # the same number when asked again
    assert issue(m3, NQ, personas["commune"]).number == 3  # a new year, the same term
    assert issue(m2, BB).number == 2
    assert MeetingDocument.objects.filter(meeting=m1).count() == 2
    assert {d.series for d in MeetingDocument.objects.all()} == {f"term:{term2.pk}"}
    doc = MeetingDocument.objects.get(meeting=m3, doc_type=NQ)
    assert doc.issued_on == D(2023, 1, 24)
    assert services_documents.number_text(doc) == "Số 03-NQ/CB"
    event = AuditEvent.objects.get(object_type="meetings.meetingdocument", object_id=str(doc.pk))
    assert event.actor == personas["commune"] and event.action == AuditEvent.Action.CREATE
    assert "Số 03-NQ/CB" in event.note
    assert AuditEvent.objects.filter(object_type="meetings.meetingdocument").count() == 6


def test_numbers_restart_in_a_new_term(tree, term, term2):
    old = meeting(tree.cell_a, D(2022, 9, 1))  # 24/09/2022: the first term
    new = meeting(tree.cell_a, D(2022, 10, 1))  # 24/10/2022: the second
    earlier = meeting(tree.cell_a, D(2022, 8, 1))
    assert issue(old, NQ).number == 1
    assert issue(new, NQ).number == 1
    # Recorded late, the August meeting takes its place: numbers follow meeting order.
    assert issue(earlier, NQ).number == 1
    assert MeetingDocument.objects.get(meeting=old, doc_type=NQ).number == 2
    assert issue(old, NQ).series == f"term:{term.pk}"
    assert issue(new, NQ).series == f"term:{term2.pk}"


def test_numbers_by_calendar_year_without_a_term(tree):
    """No term recorded: numbered within the year, each cell on its own."""
    a2, b = tree.cell_a2, tree.cell_b
    dec, jan, feb = (meeting(a2, D(y, mo, 1)) for y, mo in ((2022, 12), (2023, 1), (2023, 2)))
    other = meeting(b, D(2023, 1, 1))
    assert issue(dec, BB).number == 1
    assert issue(jan, BB).number == 1
    assert issue(feb, BB).number == 2
    assert issue(other, BB).number == 1
    assert issue(feb, BB).series == f"year:2023:{a2.pk}"


def test_numbers_follow_meeting_order_and_a_late_record_is_audited(tree, personas):
    """March recorded before February: February takes No. 1, March moves to No. 2 (audited
    under the one who saved February's record); a meeting whose date moves to another year
    leaves its series, which closes up behind it."""
    a2 = tree.cell_a2
    mar, feb = meeting(a2, D(2023, 3, 1)), meeting(a2, D(2023, 2, 1))
    assert issue(mar, BB).number == 1
    assert issue(feb, BB, personas["secretary_a"]).number == 1
    doc = MeetingDocument.objects.get(meeting=mar, doc_type=BB)
    assert (doc.number, services_documents.number_text(doc)) == (2, "Số 02-BB/CB")
    moved = AuditEvent.objects.get(
        object_type="meetings.meetingdocument", object_id=str(doc.pk), action="update"
    )
    assert moved.actor == personas["secretary_a"] and moved.changes["number"] == [1, 2]
    assert issue(feb, BB).number == 1  # asked again: nothing moves
    CellMeeting.objects.filter(pk=feb.pk).update(held_on=D(2022, 12, 30))
    feb.refresh_from_db()
    assert (issue(feb, BB).series, issue(feb, BB).number) == (f"year:2022:{a2.pk}", 1)
    assert MeetingDocument.objects.get(meeting=mar, doc_type=BB).number == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_different_numbers(tree):
    """Four threads number the resolutions of four meetings of one cell at once (PostgreSQL:
    the row lock; SQLite serializes writers): no number is given twice, and once all are in,
    the numbers follow meeting order whatever order the threads ran in (a thread that ran
    before an earlier meeting's saw its number move up afterwards)."""
    if connection.vendor != "postgresql":
        pytest.skip("threads on the in-memory SQLite test database share one connection")
    meetings = [meeting(tree.cell_a2, D(2023, mo, 1)) for mo in (1, 2, 3, 4)]
    barrier = threading.Barrier(len(meetings))
    numbers, errors = [], []

    def work(m):
        try:
            barrier.wait(timeout=10)
            numbers.append(issue(m, NQ).number)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(m,)) for m in meetings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert len(numbers) == 4 and all(1 <= n <= 4 for n in numbers)
    stored = MeetingDocument.objects.filter(meeting__in=meetings, doc_type=NQ)
    assert sorted((d.issued_on, d.meeting_id, d.number) for d in stored) == [
        (selectors_documents.meeting_date(m), m.pk, i) for i, m in enumerate(meetings, start=1)
    ]


@pytest.mark.parametrize("persona", ["analyst", "secretary_a"])
def test_a_download_writes_nothing(tree, clients, no_pdf, persona):
    """A reader's GET never numbers a document nor audits one: a record saved before numbers
    were written with it shows the blank a number is written into by hand."""
    m = meeting(tree.cell_a, D(2023, 3, 1))
    events = AuditEvent.objects.count()
    response = download(clients[persona], m, NQ)
    assert response.status_code == 200
    assert "Số ....-NQ/CB" in texts(open_docx(response))
    assert not MeetingDocument.objects.exists()
    assert AuditEvent.objects.count() == events


def test_saving_a_record_numbers_its_documents(tree, personas):
    from chibo.meetings import selectors
    from chibo.meetings.record.services import meeting_record
    from chibo.meetings.tests.core_helpers import key, meeting_of, record_data

    m = meeting_of(tree.cell_a, D(2023, 3, 1))
    data = record_data(m, selectors.roll_call(tree.cell_a, m.scheduled_date))
    data["chair"], data["minute_taker"] = tree.secretary_member_a.pk, tree.member_a.pk
    meeting_record(
        meeting=m, data=data, actor=personas["secretary_a"], submission_key=key(), version=1
    )
    docs = MeetingDocument.objects.filter(meeting=m).order_by("doc_type")
    assert [(d.doc_type, d.number) for d in docs] == [(BB, 1), (NQ, 1)]
    created = AuditEvent.objects.filter(object_type="meetings.meetingdocument", action="create")
    assert {e.actor for e in created} == {personas["secretary_a"]}


def test_planned_or_returned_meeting_has_no_documents(tree, clients, no_pdf):
    planned = meeting(tree.cell_a, D(2023, 4, 1), status=CellMeeting.Status.PLANNED)
    response = download(clients["secretary_a"], planned, BB)
    assert response.status_code == 409
    assert "chưa được ghi biên bản" in response.content.decode()
    returned = meeting(tree.cell_a, D(2023, 5, 1), status=CellMeeting.Status.RETURNED)
    response = download(clients["commune"], returned, NQ)
    assert response.status_code == 409
    assert "trả lại để bổ sung" in response.content.decode()
    assert not MeetingDocument.objects.exists()
    with pytest.raises(ValidationError, match="chưa được ghi biên bản"):
        issue(planned, NQ)


def test_returned_record_waits_and_keeps_its_number(tree, clients, record, no_pdf):
    """A record returned by the commune has no documents until it is recorded again; then it
    carries the number issued before."""
    assert download(clients["secretary_a"], record, NQ).status_code == 200
    CellMeeting.objects.filter(pk=record.pk).update(status=CellMeeting.Status.RETURNED)
    assert download(clients["secretary_a"], record, NQ).status_code == 409
    CellMeeting.objects.filter(pk=record.pk).update(status=CellMeeting.Status.CONFIRMED)
    doc = open_docx(download(clients["secretary_a"], record, NQ))
    assert doc.tables[0].rows[1].cells[0].text == "Số 01-NQ/CB"
    assert MeetingDocument.objects.count() == 2


# --- who may download -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "minutes", "resolution"),
    [
        ("admin", 200, 200),
        ("analyst", 200, 200),  # read-only: reads
        ("commune", 200, 200),
        ("secretary_a", 200, 200),
        ("official", 200, 200),  # assigned to cell A, read-only
        ("member_a", 404, 200),  # a member of the cell: the resolution only
        ("secretary_b", 404, 404),  # the outsider
    ],
)
def test_scope(clients, record, no_pdf, persona, minutes, resolution):
    client = clients[persona]
    assert download(client, record, BB).status_code == minutes
    response = download(client, record, NQ)
    assert response.status_code == resolution
    if resolution == 200:
        assert "Số 01-NQ/CB" in texts(open_docx(response))


def test_member_reads_only_meetings_held_while_in_the_cell(tree, clients, record, no_pdf):
    from chibo.members.models import Membership

    Membership.objects.filter(member=tree.member_a).update(start=D(2023, 4, 1))
    assert download(clients["member_a"], record, NQ).status_code == 404


def test_anonymous_bad_kind_and_method(client, clients, record, no_pdf):
    response = client.get(document_url(record.pk, NQ))
    assert response.status_code == 302 and "/login" in response["Location"]
    secretary = clients["secretary_a"]
    assert secretary.get(f"/meetings/documents/{record.pk}/agenda.docx").status_code == 404
    assert secretary.get(f"/meetings/documents/{record.pk}/minutes.odt").status_code == 404
    assert secretary.get("/meetings/documents/999999/minutes.docx").status_code == 404
    assert secretary.post(document_url(record.pk, NQ)).status_code == 405
    assert MeetingDocument.objects.count() == 2  # numbered when recorded; nothing added


def test_query_count_does_not_grow_with_the_record(tree, clients, record, no_pdf):
    """The download reads the record in a fixed number of queries: ten more tasks, attendees,
    speeches and guests add none."""
    client = clients["commune"]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert download(client, record, BB).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(10):
        m = make_member(tree.cell_a, f"Đảng viên thêm {i}")
        Attendance.objects.create(meeting=record, member=m, presence="present")
        Speech.objects.create(meeting=record, order=10 + i, speaker=m.full_name, gist="Ý kiến")
        Guest.objects.create(meeting=record, kind=Guest.Kind.OTHER, name=f"Khách {i}")
        Task.objects.create(
            cell=tree.cell_a,
            meeting=record,
            title=f"Việc {i}",
            owner_kind=Task.Owner.MEMBER,
            owner_member=m,
            deadline=D(2023, 4, 30),
        )
    assert count() == small


# --- links and PDF ----------------------------------------------------------------------------


def links_html(user, m) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("meetings/_document_links.html", {"meeting": m, "request": request})


def test_links_for_each_reader(personas, record, tree, no_pdf):
    minutes, resolution = document_url(record.pk, BB), document_url(record.pk, NQ)
    html = links_html(personas["analyst"], record)
    assert minutes in html and resolution in html and ".pdf" not in html
    # Why there is no PDF (LibreOffice missing on the server) is for the PDF's own address, not
    # for a secretary reading the links.
    assert "Chưa có bản PDF; hãy tải bản Word (.docx) ở trên." in html and "LibreOffice" not in html
    html = links_html(personas["member_a"], record)
    assert resolution in html and minutes not in html
    assert links_html(personas["secretary_b"], record).strip() == ""
    issue(record, NQ)
    assert "Số 01-NQ/CB" in links_html(personas["secretary_a"], record)
    planned = meeting(tree.cell_a, D(2023, 4, 1), status=CellMeeting.Status.PLANNED)
    html = links_html(personas["secretary_a"], planned)
    assert "documents/" not in html and "sau khi ghi biên bản" in html


def test_pdf_without_libreoffice(clients, record, no_pdf):
    response = download(clients["secretary_a"], record, NQ, "pdf")
    assert response.status_code == 404
    text = response.content.decode()
    assert "LibreOffice" in text and document_url(record.pk, NQ) in text
    assert MeetingDocument.objects.count() == 2


@pytest.mark.skipif(documents.pdf_converter() is None, reason="LibreOffice is not installed")
def test_pdf_with_libreoffice(clients, personas, record):
    assert document_url(record.pk, NQ, "pdf") in links_html(personas["secretary_a"], record)
    response = download(clients["secretary_a"], record, NQ, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="nghi-quyet-XA-01-2023-03.pdf"' in response["Content-Disposition"]
    # The fonts LibreOffice embedded: Times New Roman or its metric twin, never a fallback.
    assert b"Times" in response.content or b"LiberationSerif" in response.content


def test_the_command_numbers_records_saved_before_in_meeting_order(tree):
    from io import StringIO

    from django.core.management import call_command

    mar, feb = meeting(tree.cell_a2, D(2023, 3, 1)), meeting(tree.cell_a2, D(2023, 2, 1))
    meeting(tree.cell_a2, D(2023, 4, 1), status=CellMeeting.Status.PLANNED)
    out = StringIO()
    call_command("meetings_number_documents", stdout=out)
    assert "2 cuộc họp" in out.getvalue()
    numbers = MeetingDocument.objects.filter(doc_type=NQ).values_list("meeting_id", "number")
    assert sorted(numbers) == sorted([(feb.pk, 1), (mar.pk, 2)])
    call_command("meetings_number_documents", stdout=StringIO())
    assert MeetingDocument.objects.count() == 4

"""The minutes (biên bản) and the monthly resolution (nghị quyết) of a cell meeting as .docx in
the Party's format (HD 36-HD/VPTW, 2018), and their PDF where LibreOffice is installed.

The format: A4, Times New Roman; top left the upper body, the issuer in bold and "*", with the
number under them; top right "ĐẢNG CỘNG SẢN VIỆT NAM" (15 pt, bold, underlined) and the place
and date in italics; the type and title bold and centred; body 14 pt; the signature block.
Dates follow the rule for documents: a day under 10 and the months 1 and 2 take a leading zero
("ngày 05 tháng 02 năm 2023", "ngày 24 tháng 3 năm 2023").

The documents are Party documents in Vietnamese whatever the reader's language, so their text is
not translated; choice labels are read in Vietnamese too. Text is stored as Unicode (NFC), with
Times New Roman named for every script slot (ascii, hAnsi, eastAsia, cs) and the language set
to vi-VN, so Word and LibreOffice neither fall back to another font for the letters with two
marks (ệ, ở, ữ...) nor flag every word as misspelt.
"""

import datetime
import io
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from decimal import Decimal

from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from chibo.committees.models import Title
from chibo.core import vn

from .models import Attendance, CellMeeting, Guest, MeetingDocument, Task
from .selectors_documents import Paper

FONT = "Times New Roman"
BODY_PT = 14
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"
PDF_TIMEOUT_SECONDS = 90
ISSUER_CODE = "CB"
Type = MeetingDocument.Type

# Characters XML 1.0 does not allow (python-docx refuses them): controls other than tab and
# newline, lone surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text) -> str:
    """Text fit for the document: NFC (Unikey's "tổ hợp" and macOS type decomposed letters),
    without characters XML cannot hold, newlines as \\n."""
    text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", unicodedata.normalize("NFC", text))


def lines(text) -> list[str]:
    """The non-blank lines of a multi-line field, one paragraph each."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]


# --- words and numbers ---------------------------------------------------------------------------


def number_text(number: int, doc_type: str) -> str:
    """5, 'NQ' -> 'Số 05-NQ/CB'."""
    return f"Số {number:02d}-{doc_type}/{ISSUER_CODE}"


def long_date(on: datetime.date) -> str:
    """'ngày 24 tháng 3 năm 2023', 'ngày 05 tháng 02 năm 2023' (HD 36: leading zero on days
    under 10 and on months 1 and 2)."""
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"


def place_and_date(place: str, on: datetime.date) -> str:
    text = long_date(on)
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def month_text(month: datetime.date) -> str:
    return f"tháng {month.month} năm {month.year}"


def day_text(on: datetime.date | None) -> str:
    return f"{on:%d/%m/%Y}" if on else ""


def time_text(t: datetime.time | None) -> str:
    return f"{t.hour} giờ {t.minute:02d} phút" if t else ""


def amount(value: Decimal | None) -> str:
    return "" if value is None else vn.format_decimal(value, 2)


def upper(text: str) -> str:
    return clean(text).upper()


def title_of(doc_type: str, meeting: CellMeeting) -> str:
    if doc_type == Type.MINUTES:
        kind = "chuyên đề" if meeting.kind == CellMeeting.Kind.THEMATIC else "thường kỳ"
        return f"Sinh hoạt chi bộ {kind} {month_text(meeting.month)}"
    return f"Chi bộ {month_text(meeting.month)}"


def owner_text(task: Task) -> str:
    if task.owner_kind == Task.Owner.MEMBER and task.owner_member is not None:
        return f"Đồng chí {task.owner_member.full_name}"
    if task.owner_kind == Task.Owner.COMMITTEE:
        return "Chi ủy"
    return task.owner_name or task.get_owner_kind_display()


def _person(member, titles: dict) -> str:
    if member is None:
        return ""
    title = titles.get(member.pk)
    text = f"Đồng chí {member.full_name}"
    if title:
        text += f", {Title(title).label} chi bộ"
    return text


# --- the .docx primitives ----------------------------------------------------------------------


def _set_fonts(rpr):
    """Times New Roman in every script slot; drop theme fonts, which would win over it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), FONT)


def _set_lang(rpr):
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")


def _new_document(title: str, author: str) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    _set_lang(rpr)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr())
    _set_lang(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.0
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.language, props.comments = "vi-VN", ""
    props.created = props.modified = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return doc


def _run(p, text, *, bold=False, italic=False, underline=False, size=BODY_PT):
    run = p.add_run(clean(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    _set_fonts(run._element.get_or_add_rPr())
    return run


def _para(container, text="", *, align=None, indent=True, after=6, keep=None, **style):
    """A paragraph; a line in bold or italics leads what follows, so it keeps with it on the
    page (`keep` overrides)."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_after = Pt(after)
    if keep if keep is not None else bool(text and (style.get("bold") or style.get("italic"))):
        fmt.keep_with_next = True
    if align is not None:
        p.alignment = align
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            fmt.first_line_indent = Mm(10)
    if text:
        _run(p, text, **style)
    return p


def _labelled(container, label, text):
    """'Label: text', the label bold."""
    p = _para(container)
    _run(p, label, bold=True)
    _run(p, text)
    return p


def _heading(container, text):
    return _para(container, text, bold=True, indent=True, after=6)


def _centre(container, text, **style):
    return _para(container, text, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, **style)


def _no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_text(cell, text, *, bold=False, italic=False, size=BODY_PT, align=None):
    """Text in the (new, empty) first paragraph of a table cell; the run."""
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    return _run(p, text, bold=bold, italic=italic, size=size)


def _widths(table, widths_mm):
    """Column widths for Word (each cell's tcW) and LibreOffice (the grid's gridCol)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _grid(doc, headers, rows, widths_mm):
    """A bordered table: a bold header row, then the rows (text), the first column centred."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    # The header row repeats on every page the table runs over.
    header_pr = table.rows[0]._tr.get_or_add_trPr()
    header_pr.append(OxmlElement("w:tblHeader"))
    for values in rows:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        cells = row.cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _cell_text(cell, text, size=13, align=WD_ALIGN_PARAGRAPH.CENTER if i == 0 else None)
    _widths(table, widths_mm)
    _para(doc, after=0)
    return table


def _letterhead(doc, paper: Paper, number: str):
    """The two columns at the top: issuer and number left, the Party's name and the date right."""
    head = paper.letterhead
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(left, upper(head.upper_body), align=centre)
    _centre(left, upper(head.issuer), bold=True)
    _centre(left, "*")
    party = _cell_text(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, size=15, align=centre)
    party.underline = True
    number_cell, date_cell = table.rows[1].cells
    _cell_text(number_cell, number, align=centre)
    _cell_text(date_cell, place_and_date(head.place, paper.on), italic=True, align=centre)
    _widths(table, [72, 93])


def _type_and_title(doc, doc_type: str, meeting: CellMeeting):
    _para(doc, after=0)
    _centre(doc, "BIÊN BẢN" if doc_type == Type.MINUTES else "NGHỊ QUYẾT", bold=True, size=15)
    _centre(doc, title_of(doc_type, meeting), bold=True)
    if meeting.topic:
        _centre(doc, f"Chuyên đề: {meeting.topic}", bold=True)
    _centre(doc, "-----")
    _para(doc, after=0)


def _signatures(doc, left: list[tuple[str, bool]], right: list[tuple[str, bool]], *, small=()):
    """Two columns of lines (text, bold) under the body; `small` line indexes of the left column
    are 12 pt (the "Nơi nhận" list). The body's last paragraph and the block stay on one page."""
    last = doc.paragraphs[-1]
    last.paragraph_format.keep_with_next = True
    _para(doc, after=0, keep=True)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, lines_, is_left in (
        (table.rows[0].cells[0], left, True),
        (table.rows[0].cells[1], right, False),
    ):
        for i, (text, bold) in enumerate(lines_):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.keep_with_next = i < len(lines_) - 1
            size = 12 if (is_left and i in small) else BODY_PT
            if not (is_left and small):
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = _run(p, text, bold=bold, size=size)
            if is_left and small and i == 0:
                run.underline = True
    _widths(table, [80, 85])


# --- the minutes --------------------------------------------------------------------------------


def _attendance_lines(meeting: CellMeeting) -> list[str]:
    rows = list(meeting.attendance.all())
    excused = [a for a in rows if a.summoned and a.presence == Attendance.Presence.EXCUSED]
    unexcused = [a for a in rows if a.summoned and a.presence == Attendance.Presence.UNEXCUSED]
    outside = [a for a in rows if not a.summoned and a.presence == Attendance.Presence.PRESENT]
    absent = meeting.absent_excused + meeting.absent_unexcused
    out = [
        f"- Tổng số đảng viên phải triệu tập: {meeting.summoned} đồng chí; có mặt: "
        f"{meeting.present} đồng chí; vắng mặt: {absent} đồng chí, trong đó:",
    ]
    text = f"+ Vắng có lý do: {meeting.absent_excused} đồng chí"
    if excused:
        text += (
            " ("
            + "; ".join(
                f"đồng chí {a.member.full_name}" + (f": {a.reason}" if a.reason else "")
                for a in excused
            )
            + ")"
        )
    out.append(text + ";")
    text = f"+ Vắng không có lý do: {meeting.absent_unexcused} đồng chí"
    if unexcused:
        text += " (" + ", ".join(f"đồng chí {a.member.full_name}" for a in unexcused) + ")"
    out.append(text + ".")
    if outside:
        out.append(
            "- Đảng viên được miễn sinh hoạt có dự: "
            + ", ".join(f"đồng chí {a.member.full_name}" for a in outside)
            + "."
        )
    return out


def _guest_text(guest: Guest) -> str:
    text = f"Đồng chí {guest.name}"
    if guest.organization:
        text += f", {guest.organization}"
    return f"{text} ({guest.get_kind_display().lower()})"


def _agenda(doc, meeting: CellMeeting):
    items = list(meeting.agenda.all())
    if not items:
        return
    by_section = {}
    for item in items:
        by_section.setdefault(item.get_section_display(), []).append(item.title)
    for section, titles in by_section.items():
        _para(doc, f"{section}:", italic=True)
        for title in titles:
            _para(doc, f"- {title}")


def _review(doc, meeting: CellMeeting):
    reviewed = list(meeting.reviewed_tasks.all())
    if not reviewed:
        _para(doc, "Tháng trước không có nhiệm vụ phải kiểm điểm.")
        return
    counts = {state: 0 for state in Task.State.values}
    for task in reviewed:
        counts[task.state] += 1
    _para(
        doc,
        f"Tổng số {len(reviewed)} nhiệm vụ: hoàn thành {counts[Task.State.DONE]}, hoàn thành "
        f"chậm {counts[Task.State.LATE]}, không hoàn thành {counts[Task.State.NOT_DONE]}, đang "
        f"thực hiện {counts[Task.State.OPEN]}.",
    )
    _grid(
        doc,
        ["TT", "Nhiệm vụ", "Người thực hiện", "Kết quả", "Ghi chú"],
        [
            [str(i), t.title, owner_text(t), t.get_state_display(), t.review_note]
            for i, t in enumerate(reviewed, 1)
        ],
        [10, 55, 38, 30, 32],
    )


def _targets(doc, paper: Paper):
    if not paper.targets:
        return
    _grid(
        doc,
        ["TT", "Chỉ tiêu", "Đơn vị", "Kế hoạch năm", "Trong tháng", "Lũy kế", "Đạt (%)"],
        [
            [
                str(i),
                t.name + (f" ({t.note})" if t.note else ""),
                t.unit,
                amount(t.yearly_value),
                amount(t.month_value),
                amount(t.cumulative),
                vn.format_percent(t.cumulative, t.yearly_value) if t.yearly_value else "",
            ]
            for i, t in enumerate(paper.targets, 1)
        ],
        [10, 50, 20, 22, 22, 22, 19],
    )


def _tasks(doc, meeting: CellMeeting):
    tasks = list(meeting.tasks.all())
    if not tasks:
        _para(doc, "Không giao nhiệm vụ mới.")
        return
    _grid(
        doc,
        ["TT", "Nhiệm vụ", "Người, bộ phận thực hiện", "Thời hạn"],
        [
            [
                str(i),
                t.title + (f" (chỉ tiêu: {t.target.name})" if t.target_id else ""),
                owner_text(t),
                day_text(t.deadline),
            ]
            for i, t in enumerate(tasks, 1)
        ],
        [10, 80, 48, 27],
    )


def _score(doc, meeting: CellMeeting):
    if meeting.quality_points is None:
        _para(doc, "Chi bộ chưa tự chấm điểm chất lượng buổi sinh hoạt.")
        return
    text = f"Chi bộ tự chấm {meeting.quality_points}/100 điểm"
    if meeting.quality_class:
        text += f", xếp loại: {meeting.get_quality_class_display()}"
    _para(doc, text + ".")
    entries = list(meeting.scores.all())
    if entries:
        _grid(
            doc,
            ["TT", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm"],
            [
                [str(i), e.item.name, str(e.item.max_points), str(e.points)]
                for i, e in enumerate(entries, 1)
            ],
            [10, 95, 30, 30],
        )


def _minutes_body(doc, paper: Paper):
    m = paper.meeting
    _heading(doc, "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN")
    when = f"ngày {day_text(paper.on)}"
    if m.start_time:
        when = f"bắt đầu lúc {time_text(m.start_time)}, {when}"
    _labelled(doc, "1. Thời gian: ", when[0].upper() + when[1:] + ".")
    _labelled(doc, "2. Địa điểm: ", (m.place or paper.letterhead.issuer) + ".")
    _labelled(doc, "3. Chủ trì: ", _person(m.chair, paper.titles) + ".")
    _labelled(doc, "4. Thư ký: ", _person(m.minute_taker, paper.titles) + ".")
    _para(doc, "5. Thành phần:", bold=True)
    for text in _attendance_lines(m):
        _para(doc, text)
    guests = list(m.guests.all())
    _para(
        doc,
        "- Khách mời: " + ("; ".join(_guest_text(g) for g in guests) if guests else "không") + ".",
    )

    _heading(doc, "II. NỘI DUNG")
    _para(doc, "1. Chương trình sinh hoạt", bold=True)
    _agenda(doc, m)
    _para(doc, "2. Tình hình, kết quả thực hiện nhiệm vụ tháng qua", bold=True)
    for line in lines(m.summary):
        _para(doc, line)
    _para(doc, "Kết quả thực hiện nhiệm vụ giao tháng trước:", italic=True)
    _review(doc, m)
    if paper.targets:
        _para(doc, f"Tiến độ thực hiện các chỉ tiêu năm {m.month.year}:", italic=True)
        _targets(doc, paper)
    _para(doc, "3. Ý kiến phát biểu", bold=True)
    speeches = list(m.speeches.all())
    for s in speeches:
        p = _para(doc)
        _run(p, f"- Đồng chí {s.speaker}: ", bold=True)
        _run(p, " ".join(lines(s.gist)))
    if not speeches:
        _para(doc, "Không có ý kiến phát biểu được ghi lại.")
    guidance = [g for g in guests if g.guidance.strip()]
    if guidance:
        _para(doc, "Ý kiến chỉ đạo của khách mời:", italic=True)
        for g in guidance:
            p = _para(doc)
            _run(p, f"- Đồng chí {g.name}: ", bold=True)
            _run(p, " ".join(lines(g.guidance)))
    _para(doc, "4. Kết luận của đồng chí chủ trì", bold=True)
    for line in lines(m.conclusions):
        _para(doc, line)
    _para(doc, "5. Nhiệm vụ tháng tới", bold=True)
    _tasks(doc, m)
    _para(doc, "6. Tự đánh giá chất lượng sinh hoạt", bold=True)
    _score(doc, m)
    closing = "Buổi sinh hoạt kết thúc"
    if m.end_time:
        closing += f" lúc {time_text(m.end_time)} cùng ngày"
    _para(
        doc,
        closing + ". Biên bản đã được đọc lại trước chi bộ và được các đồng chí dự họp nhất trí "
        "thông qua.",
    )
    _signatures(
        doc,
        [("THƯ KÝ", True), ("", False), ("", False), ("", False), (_name(m.minute_taker), True)],
        [("CHỦ TRÌ", True), ("", False), ("", False), ("", False), (_name(m.chair), True)],
    )


def _name(member) -> str:
    return member.full_name if member is not None else ""


# --- the resolution -----------------------------------------------------------------------------


def _resolution_body(doc, paper: Paper):
    m = paper.meeting
    kind = "chuyên đề" if m.kind == CellMeeting.Kind.THEMATIC else "thường kỳ"
    _para(
        doc,
        f"Ngày {day_text(paper.on)}, {paper.letterhead.issuer} tổ chức sinh hoạt {kind} "
        f"{month_text(m.month)}, có mặt {m.present}/{m.summoned} đảng viên được triệu tập. "
        "Sau khi thảo luận, chi bộ thống nhất quyết nghị:",
    )
    _heading(doc, "I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG QUA")
    for line in lines(m.summary):
        _para(doc, line)
    _review(doc, m)
    _targets(doc, paper)
    _heading(doc, "II. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM THÁNG TỚI")
    for line in lines(m.resolution):
        _para(doc, line)
    if not lines(m.resolution):
        for line in lines(m.conclusions):
            _para(doc, line)
    _heading(doc, "III. PHÂN CÔNG THỰC HIỆN")
    _tasks(doc, m)
    _para(
        doc,
        "Nghị quyết được phổ biến đến toàn thể đảng viên trong chi bộ; chi ủy (bí thư chi bộ) "
        "theo dõi, đôn đốc và kiểm điểm kết quả thực hiện tại kỳ sinh hoạt sau.",
    )
    receivers = [("Nơi nhận:", True)]
    if paper.letterhead.upper_committee:
        receivers.append((f"- {paper.letterhead.upper_committee} (để b/c),", False))
    receivers += [("- Đảng viên trong chi bộ (để t/h),", False), ("- Lưu chi bộ.", False)]
    signer = paper.signer
    title = Title.DEPUTY_SECRETARY if signer and signer.title == Title.DEPUTY_SECRETARY else None
    _signatures(
        doc,
        receivers,
        [
            ("T/M CHI BỘ", True),
            ("PHÓ BÍ THƯ" if title else "BÍ THƯ", True),
            ("", False),
            ("", False),
            ("", False),
            (signer.name if signer else "", True),
        ],
        small=range(1, len(receivers)),
    )


# --- entry points -------------------------------------------------------------------------------


def docx_bytes(paper: Paper, doc_type: str, number: int) -> bytes:
    """The document of `doc_type` (MeetingDocument.Type) for the meeting, numbered `number`."""
    with translation.override("vi"):
        title = title_of(doc_type, paper.meeting)
        heading = "Biên bản" if doc_type == Type.MINUTES else "Nghị quyết"
        doc = _new_document(f"{heading} {title[0].lower()}{title[1:]}", paper.letterhead.issuer)
        _letterhead(doc, paper, number_text(number, doc_type))
        _type_and_title(doc, doc_type, paper.meeting)
        if doc_type == Type.MINUTES:
            _minutes_body(doc, paper)
        else:
            _resolution_body(doc, paper)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filenames(paper: Paper, doc_type: str, ext: str) -> tuple[str, str]:
    """(ASCII name, Vietnamese name) of the download, e.g. ('nghi-quyet-XA-01-2023-03.docx',
    'Nghị quyết Chi bộ bản Áng tháng 03-2023.docx')."""
    m = paper.meeting
    ascii_kind = "bien-ban" if doc_type == Type.MINUTES else "nghi-quyet"
    code = re.sub(r"[^A-Za-z0-9_-]", "-", m.cell.code)
    ascii_name = f"{ascii_kind}-{code}-{m.month:%Y-%m}.{ext}"
    kind = "Biên bản" if doc_type == Type.MINUTES else "Nghị quyết"
    issuer = re.sub(r'[\\/:*?"<>|]', "-", " ".join(clean(paper.letterhead.issuer).split()))
    return ascii_name, f"{kind} {issuer} tháng {m.month:%m-%Y}.{ext}"


# --- PDF ----------------------------------------------------------------------------------------


class PdfError(Exception):
    """LibreOffice is missing, timed out or wrote no PDF."""


def pdf_converter() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_bytes(docx: bytes, *, timeout: int = PDF_TIMEOUT_SECONDS) -> bytes:
    """The .docx converted by LibreOffice, headless, in a temporary folder with a profile of its
    own (a shared profile lets only one conversion run at a time, and a stale lock blocks it)."""
    program = pdf_converter()
    if program is None:
        raise PdfError("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="chibo-pdf-") as tmp:
        source = os.path.join(tmp, "document.docx")
        with open(source, "wb") as f:
            f.write(docx)
        profile = os.path.join(tmp, "profile")
        command = [
            program,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            source,
        ]
        try:
            subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
                command,
                cwd=tmp,
                capture_output=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired as e:
            raise PdfError(f"LibreOffice did not finish in {timeout} s") from e
        target = os.path.join(tmp, "document.pdf")
        if not os.path.exists(target):
            raise PdfError("LibreOffice wrote no PDF")
        with open(target, "rb") as f:
            return f.read()

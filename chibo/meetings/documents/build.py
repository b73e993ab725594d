"""The minutes (biên bản) and the monthly resolution (nghị quyết) of a cell meeting as .docx in
the Party's format (chibo.core.docx_layout: HD 36-HD/VPTW, 2018), and their PDF where LibreOffice is
installed.

The documents are Party documents in Vietnamese whatever the reader's language, so their text is
not translated; choice labels are read in Vietnamese too.
"""

import io
import os
import re
import shutil
import subprocess
import tempfile

from django.utils import translation

from chibo.committees.models import Title
from chibo.core import vn
from chibo.core.docx_layout import (
    amount,
    clean,
    grid,
    heading,
    labelled,
    letterhead,
    lines,
    month_text,
    new_document,
    number_text,
    para,
    run,
    signatures,
    time_text,
    type_and_title,
)
from chibo.core.vn import day_text

from ..models import Attendance, CellMeeting, Guest, MeetingDocument, Task
from .selectors import Paper

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"
PDF_TIMEOUT_SECONDS = 90
Type = MeetingDocument.Type


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


BLANK = "…………………………"  # left to fill in by hand, as on a printed form


def _person(member, titles: dict) -> str:
    if member is None:
        return BLANK
    title = titles.get(member.pk)
    text = f"Đồng chí {member.full_name}"
    if title:
        text += f", {Title(title).label} chi bộ"
    return text


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
        para(doc, f"{section}:", italic=True)
        for title in titles:
            para(doc, f"- {title}")


def _review(doc, meeting: CellMeeting):
    reviewed = list(meeting.reviewed_tasks.all())
    if not reviewed:
        para(doc, "Tháng trước không có nhiệm vụ phải kiểm điểm.")
        return
    counts = {state: 0 for state in Task.State.values}
    for task in reviewed:
        counts[task.state] += 1
    para(
        doc,
        f"Tổng số {len(reviewed)} nhiệm vụ: hoàn thành {counts[Task.State.DONE]}, hoàn thành "
        f"chậm {counts[Task.State.LATE]}, không hoàn thành {counts[Task.State.NOT_DONE]}, đang "
        f"thực hiện {counts[Task.State.OPEN]}.",
    )
    grid(
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
    grid(
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
        para(doc, "Không giao nhiệm vụ mới.")
        return
    grid(
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
        para(doc, "Chi bộ chưa tự chấm điểm chất lượng buổi sinh hoạt.")
        return
    text = f"Chi bộ tự chấm {meeting.quality_points}/100 điểm"
    if meeting.quality_class:
        text += f", xếp loại: {meeting.get_quality_class_display()}"
    para(doc, text + ".")
    entries = list(meeting.scores.all())
    if entries:
        grid(
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
    heading(doc, "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN")
    when = f"ngày {day_text(paper.on)}"
    if m.start_time:
        when = f"bắt đầu lúc {time_text(m.start_time)}, {when}"
    labelled(doc, "1. Thời gian: ", when[0].upper() + when[1:] + ".")
    labelled(doc, "2. Địa điểm: ", (m.place or paper.letterhead.issuer) + ".")
    labelled(doc, "3. Chủ trì: ", _person(m.chair, paper.titles) + ".")
    labelled(doc, "4. Thư ký: ", _person(m.minute_taker, paper.titles) + ".")
    para(doc, "5. Thành phần:", bold=True)
    for text in _attendance_lines(m):
        para(doc, text)
    guests = list(m.guests.all())
    para(
        doc,
        "- Khách mời: " + ("; ".join(_guest_text(g) for g in guests) if guests else "không") + ".",
    )

    heading(doc, "II. NỘI DUNG")
    para(doc, "1. Chương trình sinh hoạt", bold=True)
    _agenda(doc, m)
    para(doc, "2. Tình hình, kết quả thực hiện nhiệm vụ tháng qua", bold=True)
    for line in lines(m.summary):
        para(doc, line)
    para(doc, "Kết quả thực hiện nhiệm vụ giao tháng trước:", italic=True)
    _review(doc, m)
    if paper.targets:
        para(doc, f"Tiến độ thực hiện các chỉ tiêu năm {m.month.year}:", italic=True)
        _targets(doc, paper)
    para(doc, "3. Ý kiến phát biểu", bold=True)
    speeches = list(m.speeches.all())
    for s in speeches:
        p = para(doc)
        run(p, f"- Đồng chí {s.speaker}: ", bold=True)
        run(p, " ".join(lines(s.gist)))
    if not speeches:
        para(doc, "Không có ý kiến phát biểu được ghi lại.")
    guidance = [g for g in guests if g.guidance.strip()]
    if guidance:
        para(doc, "Ý kiến chỉ đạo của khách mời:", italic=True)
        for g in guidance:
            p = para(doc)
            run(p, f"- Đồng chí {g.name}: ", bold=True)
            run(p, " ".join(lines(g.guidance)))
    para(doc, "4. Kết luận của đồng chí chủ trì", bold=True)
    for line in lines(m.conclusions):
        para(doc, line)
    para(doc, "5. Nhiệm vụ tháng tới", bold=True)
    _tasks(doc, m)
    para(doc, "6. Tự đánh giá chất lượng sinh hoạt", bold=True)
    _score(doc, m)
    closing = "Buổi sinh hoạt kết thúc"
    if m.end_time:
        closing += f" lúc {time_text(m.end_time)} cùng ngày"
    para(
        doc,
        closing + ". Biên bản đã được đọc lại trước chi bộ và được các đồng chí dự họp nhất trí "
        "thông qua.",
    )
    signatures(
        doc,
        [("THƯ KÝ", True), ("", False), ("", False), ("", False), (_name(m.minute_taker), True)],
        [("CHỦ TRÌ", True), ("", False), ("", False), ("", False), (_name(m.chair), True)],
    )


def _name(member) -> str:
    return member.full_name if member is not None else ""  # an empty line to sign above


# --- the resolution -----------------------------------------------------------------------------


def _resolution_body(doc, paper: Paper):
    m = paper.meeting
    kind = "chuyên đề" if m.kind == CellMeeting.Kind.THEMATIC else "thường kỳ"
    para(
        doc,
        f"Ngày {day_text(paper.on)}, {paper.letterhead.issuer} tổ chức sinh hoạt {kind} "
        f"{month_text(m.month)}, có mặt {m.present}/{m.summoned} đảng viên được triệu tập. "
        "Sau khi thảo luận, chi bộ thống nhất quyết nghị:",
    )
    heading(doc, "I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG QUA")
    for line in lines(m.summary):
        para(doc, line)
    _review(doc, m)
    _targets(doc, paper)
    heading(doc, "II. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM THÁNG TỚI")
    for line in lines(m.resolution):
        para(doc, line)
    if not lines(m.resolution):
        for line in lines(m.conclusions):
            para(doc, line)
    heading(doc, "III. PHÂN CÔNG THỰC HIỆN")
    _tasks(doc, m)
    para(
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
    signatures(
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


def docx_bytes(paper: Paper, doc_type: str, number: int | None) -> bytes:
    """The document of `doc_type` (MeetingDocument.Type) for the meeting, numbered `number`."""
    with translation.override("vi"):
        title = title_of(doc_type, paper.meeting)
        name = "Biên bản" if doc_type == Type.MINUTES else "Nghị quyết"
        doc = new_document(f"{name} {title[0].lower()}{title[1:]}", paper.letterhead.issuer)
        head = paper.letterhead
        letterhead(
            doc,
            upper_body=head.upper_body,
            issuer=head.issuer,
            number=number_text(number, doc_type),
            place=head.place,
            on=paper.on,
        )
        kind = "BIÊN BẢN" if doc_type == Type.MINUTES else "NGHỊ QUYẾT"
        type_and_title(doc, kind, title, paper.meeting.topic)
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

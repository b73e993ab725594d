"""The cell's resolutions on an admission, as .docx in the Party's format (the building blocks of
chibo.core.docx_layout, HD 36-HD/VPTW 2018): the one proposing to admit a candidate and
the one proposing to recognize a probationary member as official. Filled from the record: the
candidate, the steps with their dates and numbers, the cell's members on the resolution's date.

Party documents are in Vietnamese whatever the reader's language: their text is not translated.
"""

import datetime
import io
import re
from dataclasses import dataclass

from django.utils import translation

from chibo.committees.models import Position, Title, in_force_q
from chibo.core import vn
from chibo.core.docx_layout import (
    clean,
    labelled,
    letterhead,
    new_document,
    para,
    signatures,
    type_and_title,
)
from chibo.core.forms import digits
from chibo.meetings.documents.selectors import Letterhead
from chibo.meetings.documents.selectors import letterhead as letterhead_on
from chibo.members.models import Membership

from . import rules
from .models import Candidate, Step
from .selectors import candidate_cell_on, candidate_steps, holidays, rules_all

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BLANK = "……"


def day_text(on: datetime.date | None) -> str:
    return vn.day_text(on, "")


@dataclass
class Paper:
    candidate: Candidate
    kind: str  # Step.CELL_RESOLUTION or Step.CELL_RECOGNITION
    done: dict  # Step value -> AdmissionStep
    on: datetime.date
    head: Letterhead
    signer: str
    signer_title: str
    official: int
    probationary: int
    probation_end: datetime.date | None


def paper_for(candidate: Candidate, kind: str) -> Paper | None:
    """What the resolution of step `kind` prints, None if that step is not recorded."""
    steps = candidate_steps(candidate)
    done = {s.kind: s for s in steps}
    step = done.get(kind)
    if step is None:
        return None
    on = step.on
    cell = candidate_cell_on(candidate, on)  # the cell that resolved that day
    members = list(
        Membership.objects.in_force(on)
        .filter(cell=cell)
        .values_list("member__admission_date", "member__official_date")
    )
    official = sum(1 for _a, o in members if o is not None and o <= on)
    probationary = sum(1 for a, o in members if a <= on and (o is None or o > on))
    signer, title = "", Title.SECRETARY
    positions = Position.objects.filter(in_force_q(on), organization=cell).select_related("member")
    for wanted in (Title.SECRETARY, Title.DEPUTY_SECRETARY):
        held = [p for p in positions if p.title == wanted]
        if held:
            signer, title = held[0].member.full_name, wanted
            break
    progress = rules.progress(
        steps, listed_on=candidate.listed_on, as_of=on, rules=rules_all(), holidays=holidays()
    )
    return Paper(
        candidate=candidate,
        kind=kind,
        done=done,
        on=on,
        head=letterhead_on(cell, on),
        signer=signer,
        signer_title=title,
        official=official,
        probationary=probationary,
        probation_end=progress.probation_end,
    )


def _number(text: str) -> str:
    text = clean(text).strip()
    if digits(text):
        return f"Số {int(text):02d}-NQ/CB"
    return f"Số {text}" if text else "Số ....-NQ/CB"


def _step_ref(step) -> str:
    """'số 12-QĐ/ĐU ngày 03/03/2023' of a recorded step."""
    if step is None:
        return BLANK
    text = f"ngày {day_text(step.on)}"
    if step.number:
        text = f"số {step.number} {text}"
    if step.issuer:
        text += f" của {step.issuer}"
    return text


def _person(doc, c: Candidate):
    labelled(doc, "Họ và tên: ", c.full_name + f"; giới tính: {c.get_sex_display()}.")
    labelled(
        doc,
        "Sinh ngày: ",
        f"{day_text(c.birth_date)}; dân tộc: {c.ethnicity}; tôn giáo: {c.religion or 'Không'}.",
    )
    labelled(doc, "Quê quán: ", c.hometown or BLANK)
    labelled(doc, "Nơi ở hiện nay: ", c.residence or BLANK)
    labelled(doc, "Nghề nghiệp: ", c.occupation or BLANK)
    labelled(
        doc,
        "Trình độ: ",
        f"giáo dục phổ thông {c.education or BLANK}; chuyên môn {c.qualification or BLANK}.",
    )


def _votes(doc, paper: Paper):
    para(
        doc,
        f"Tổng số đảng viên của chi bộ: {paper.official + paper.probationary} đồng chí, trong đó "
        f"chính thức {paper.official} đồng chí, dự bị {paper.probationary} đồng chí. Có mặt: "
        f"{BLANK} đồng chí (chính thức {BLANK}, dự bị {BLANK}); vắng mặt: {BLANK} đồng chí.",
    )
    para(
        doc,
        f"Số đảng viên chính thức tán thành: {BLANK}/{paper.official} đồng chí, đạt {BLANK}% "
        "(cần ít nhất hai phần ba số đảng viên chính thức); không tán thành: "
        f"{BLANK} đồng chí.",
    )


def _admission_body(doc, paper: Paper):
    c, done = paper.candidate, paper.done
    sponsors = done.get(Step.SPONSORS)
    names = (
        ", ".join(f"đồng chí {m.full_name}" for m in (sponsors.sponsor_1, sponsors.sponsor_2) if m)
        if sponsors
        else BLANK
    )
    para(
        doc,
        f"Ngày {day_text(paper.on)}, {paper.head.issuer} họp xét đề nghị kết nạp quần chúng "
        f"{c.full_name} vào Đảng Cộng sản Việt Nam.",
    )
    _votes(doc, paper)
    para(
        doc,
        "Sau khi nghe đọc đơn xin vào Đảng, lý lịch, giấy chứng nhận học lớp bồi dưỡng nhận thức "
        "về Đảng, ý kiến nhận xét của đoàn thể và của đảng viên giới thiệu, chi bộ thống nhất "
        "quyết nghị:",
    )
    para(doc, "1. Quần chúng được đề nghị kết nạp:", bold=True)
    _person(doc, c)
    labelled(doc, "Giấy chứng nhận học lớp nhận thức về Đảng: ", _step_ref(done.get(Step.COURSE)))
    labelled(doc, "Đơn xin vào Đảng: ", _step_ref(done.get(Step.APPLICATION)))
    labelled(doc, "Đảng viên giới thiệu: ", names)
    labelled(doc, "Nhận xét, giới thiệu của đoàn thể: ", _step_ref(done.get(Step.MASS_ORG)))
    para(doc, "2. Kết luận của chi bộ:", bold=True)
    para(
        doc,
        f"Quần chúng {c.full_name} có đủ điều kiện và tiêu chuẩn vào Đảng. {paper.head.issuer} "
        f"đề nghị {paper.head.upper_committee or BLANK} xem xét, đề nghị cấp ủy có thẩm quyền "
        f"quyết định kết nạp quần chúng {c.full_name} vào Đảng Cộng sản Việt Nam.",
    )


def _recognition_body(doc, paper: Paper):
    c, done = paper.candidate, paper.done
    ceremony, decision = done.get(Step.CEREMONY), done.get(Step.DECISION)
    para(
        doc,
        f"Ngày {day_text(paper.on)}, {paper.head.issuer} họp xét đề nghị công nhận đảng viên "
        f"chính thức cho đồng chí {c.full_name}.",
    )
    _votes(doc, paper)
    para(
        doc,
        "Sau khi nghe đảng viên dự bị báo cáo kiểm điểm trong thời gian dự bị, ý kiến nhận xét "
        "của đoàn thể và của đảng viên được phân công giúp đỡ, chi bộ thống nhất quyết nghị:",
    )
    para(doc, "1. Đảng viên dự bị được đề nghị công nhận chính thức:", bold=True)
    _person(doc, c)
    labelled(doc, "Quyết định kết nạp: ", _step_ref(decision))
    labelled(doc, "Ngày kết nạp vào Đảng: ", day_text(ceremony.on) if ceremony else BLANK)
    labelled(
        doc,
        "Ngày hết thời gian dự bị: ",
        day_text(paper.probation_end) if paper.probation_end else BLANK,
    )
    para(doc, "2. Kết luận của chi bộ:", bold=True)
    para(
        doc,
        f"Trong thời gian dự bị, đồng chí {c.full_name} đã phấn đấu, rèn luyện và thực hiện "
        f"đúng nhiệm vụ đảng viên. {paper.head.issuer} đề nghị "
        f"{paper.head.upper_committee or BLANK} xem xét, đề nghị cấp ủy có thẩm quyền quyết "
        f"định công nhận đồng chí {c.full_name} là đảng viên chính thức"
        + (f" kể từ ngày {day_text(paper.probation_end)}." if paper.probation_end else "."),
    )


def docx_bytes(paper: Paper) -> bytes:
    with translation.override("vi"):
        admission = paper.kind == Step.CELL_RESOLUTION
        title = (
            "Đề nghị kết nạp đảng viên" if admission else "Đề nghị công nhận đảng viên chính thức"
        )
        doc = new_document(f"Nghị quyết {title.lower()}", paper.head.issuer)
        letterhead(
            doc,
            upper_body=paper.head.upper_body,
            issuer=paper.head.issuer,
            number=_number(paper.done[paper.kind].number),
            place=paper.head.place,
            on=paper.on,
        )
        type_and_title(doc, "NGHỊ QUYẾT", title)
        if admission:
            _admission_body(doc, paper)
        else:
            _recognition_body(doc, paper)
        receivers = [("Nơi nhận:", True)]
        if paper.head.upper_committee:
            receivers.append((f"- {paper.head.upper_committee} (để b/c),", False))
        receivers.append(("- Lưu chi bộ.", False))
        deputy = paper.signer_title == Title.DEPUTY_SECRETARY
        signatures(
            doc,
            receivers,
            [
                ("T/M CHI BỘ", True),
                ("PHÓ BÍ THƯ" if deputy else "BÍ THƯ", True),
                ("", False),
                ("", False),
                ("", False),
                (paper.signer, True),
            ],
            small=range(1, len(receivers)),
        )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filenames(paper: Paper) -> tuple[str, str]:
    """(ASCII name, Vietnamese name) of the download."""
    admission = paper.kind == Step.CELL_RESOLUTION
    ascii_kind = "nq-de-nghi-ket-nap" if admission else "nq-de-nghi-chinh-thuc"
    ascii_name = f"{ascii_kind}-{paper.candidate.pk}-{paper.on:%Y-%m-%d}.docx"
    kind = "Nghị quyết đề nghị kết nạp" if admission else "Nghị quyết đề nghị công nhận chính thức"
    who = re.sub(r'[\\/:*?"<>|]', "-", " ".join(clean(paper.candidate.full_name).split()))
    return ascii_name, f"{kind} {who}.docx"

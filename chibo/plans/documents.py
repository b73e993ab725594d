"""The commune's decision approving its villages' plans of a year, as .docx in the Party's format
(chibo.core.docx_layout, HD 36-HD/VPTW 2018): the letterhead of the commune's Party committee,
"QUYẾT ĐỊNH" and its title, the grounds, the three articles, the recipients and the signature of
the Standing Committee's secretary; then the list of the approved villages with the targets the
commune assigned each.

Dated the day of the last approval of the year's plans: names and the secretary as they stood
that day. Party documents are in Vietnamese whatever the reader's language: their text is not
translated.
"""

import datetime
import io
from dataclasses import dataclass

from django.utils import timezone

from chibo.committees.models import Position, Title
from chibo.core import docx_layout as L
from chibo.core import vn
from chibo.core.dated import in_force_q
from chibo.criteria.services import year_bounds
from chibo.organizations.models import Commune, CommuneCommitteeLink, OrganizationPeriod
from chibo.organizations.selectors import village_ids_in

from .models import PlanTarget, VillagePlan

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC_TYPE = "QĐ"
ISSUER_CODE = "ĐU"  # Đảng ủy
BLANK_NUMBER = f"Số ....-{DOC_TYPE}/{ISSUER_CODE}"


@dataclass
class ApprovedPlan:
    plan: VillagePlan
    targets: list[PlanTarget]


@dataclass
class Decision:
    commune: Commune
    year: int
    on: datetime.date
    upper_body: str  # "Đảng bộ huyện Mai Sơn"
    issuer: str  # "Đảng ủy xã Chiềng Mung"
    secretary: str  # the commune's Party secretary that day, "" if none on record
    plans: list[ApprovedPlan]


def _name_on(org_id, on: datetime.date, default: str) -> str:
    period = (
        OrganizationPeriod.objects.filter(in_force_q(on, "valid_from", "valid_to"))
        .filter(organization_id=org_id)
        .first()
    )
    return period.name if period else default


def decision_for(commune: Commune, year: int) -> Decision | None:
    """What the decision prints, None while no plan of `year` is approved: the approved plans of
    the villages that lay in `commune` on a day of `year`. Five queries."""
    plans = list(
        VillagePlan.objects.filter(
            village_id__in=village_ids_in(commune, *year_bounds(year)),
            year=year,
            status=VillagePlan.Status.APPROVED,
        )
        .select_related("village__cell")
        .order_by("village__name", "village_id")
    )
    if not plans:
        return None
    links: dict[int, list[PlanTarget]] = {}
    for link in (
        PlanTarget.objects.filter(plan__in=plans)
        .select_related("target", "criteria_item")
        .order_by("target__order", "target_id")
    ):
        links.setdefault(link.plan_id, []).append(link)
    on = max(timezone.localdate(p.decided_at) for p in plans)
    # The committee that led the commune on the decision's day (the current one if none did).
    led = (
        CommuneCommitteeLink.objects.in_force(on)
        .filter(commune=commune)
        .select_related("committee__parent")
        .first()
    )
    org = led.committee if led is not None else commune.party_committee
    issuer = _name_on(org.pk, on, org.name)
    upper = _name_on(org.parent_id, on, org.parent.name) if org.parent_id else ""
    secretary = (
        Position.objects.filter(in_force_q(on), organization=org, title=Title.SECRETARY)
        .select_related("member")
        .order_by("start", "id")
        .first()
    )
    return Decision(
        commune=commune,
        year=year,
        on=on,
        upper_body=upper,
        issuer=L.committee_of(issuer),
        secretary=secretary.member.full_name if secretary else "",
        plans=[ApprovedPlan(p, links.get(p.pk, [])) for p in plans],
    )


def _target_text(link: PlanTarget) -> str:
    t = link.target
    text = f"{t.name}: {vn.with_unit(L.amount(t.yearly_value), t.unit)}"
    if link.criteria_item is not None:
        text += f" (tiêu chí {link.criteria_item.code})"
    return text


def docx_bytes(d: Decision) -> bytes:
    year, n = d.year, len(d.plans)
    issuer = L.upper(d.issuer)
    title = f"phê duyệt kế hoạch phát triển kinh tế - xã hội năm {year} của các thôn, bản"
    doc = L.new_document(f"Quyết định {title}", d.issuer)
    L.letterhead(
        doc, upper_body=d.upper_body, issuer=issuer, number=BLANK_NUMBER, place=d.commune.name,
        on=d.on,
    )  # fmt: skip
    L.type_and_title(doc, "QUYẾT ĐỊNH", title)
    for line in (
        "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
        "- Căn cứ nghị quyết đại hội các chi bộ thôn, bản và các chỉ tiêu "
        f"{d.issuer} giao các thôn, bản năm {year};",
        f"- Xét kế hoạch phát triển kinh tế - xã hội năm {year} do các chi bộ thôn, bản trình,",
    ):
        L.para(doc, line, italic=True, keep=False)
    L.centre(doc, f"BAN THƯỜNG VỤ {issuer}", bold=True)
    L.centre(doc, "QUYẾT ĐỊNH", bold=True)
    L.para(doc, after=0)
    L.labelled(
        doc,
        "Điều 1. ",
        f"Phê duyệt kế hoạch phát triển kinh tế - xã hội năm {year} của {n} thôn, bản "
        "(có danh sách và các chỉ tiêu kèm theo).",
    )
    L.labelled(
        doc,
        "Điều 2. ",
        "Các chi bộ thôn, bản lãnh đạo thực hiện kế hoạch đã được phê duyệt; hằng tháng đánh "
        "giá kết quả thực hiện các chỉ tiêu trong sinh hoạt chi bộ, phân công đảng viên thực "
        f"hiện nhiệm vụ tháng sau và báo cáo {d.issuer}.",
    )
    L.labelled(
        doc,
        "Điều 3. ",
        "Các đồng chí ủy viên Ban Chấp hành Đảng bộ phụ trách thôn, bản và các chi bộ thôn, "
        "bản có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này. Quyết định có hiệu "
        "lực kể từ ngày ký.",
    )
    upper = L.committee_of(d.upper_body) if d.upper_body else ""
    recipients = [("Nơi nhận:", True)]
    if upper:
        recipients.append((f"- Ban Thường vụ {upper} (b/c),", False))
    recipients += [("- Như Điều 3,", False), ("- Lưu Văn phòng Đảng ủy.", False)]
    L.signatures(
        doc,
        recipients,
        [("T/M BAN THƯỜNG VỤ", True), ("BÍ THƯ", True), ("", False), ("", False), ("", False)]
        + [(d.secretary, True)],
        small=range(len(recipients)),
    )
    doc.add_page_break()
    L.centre(doc, "DANH SÁCH KẾ HOẠCH CỦA CÁC THÔN, BẢN ĐƯỢC PHÊ DUYỆT", bold=True)
    L.centre(doc, f"(Kèm theo Quyết định {BLANK_NUMBER} của Ban Thường vụ {d.issuer})", italic=True)
    L.para(doc, after=0)
    rows = [
        (
            str(i),
            str(a.plan.village),
            a.plan.village.cell.name if a.plan.village.cell else "",
            vn.day_text(timezone.localdate(a.plan.decided_at)),
            "; ".join(_target_text(t) for t in a.targets),
        )
        for i, a in enumerate(d.plans, 1)
    ]
    L.grid(
        doc,
        ["TT", "Thôn, bản", "Chi bộ", "Ngày duyệt", "Chỉ tiêu giao năm " + str(year)],
        rows,
        [10, 30, 35, 25, 65],
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filename(d: Decision) -> str:
    return f"quyet-dinh-phe-duyet-ke-hoach-{d.commune.code}-{d.year}.docx"

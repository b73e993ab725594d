"""A grassroots committee's congress (đại hội đảng bộ xã): planned by the district for the
communes under it, held once in the term (not in the future), opening the commune's term with
the Ban Chấp hành it elected; its political report and resolution filled from the term's data
(members, admissions against the targets, cells with a committee, the meetings' quality, the
tasks); its pages for a writer, a reader and an outsider; the plans page's query count.

The data is built once for the module (`committee_congress`): in commune A, three members
admitted in 2023 against targets of 4 (2023) and 2 (2024), three meetings of cell A in 2024
(Tốt, Tốt, Trung bình; one thematic) with a task done and one not done; the district's
2025–2030 plan of the communes' congresses; commune A's congress held on 20/08/2025."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from chibo.admissions.models import AdmissionTarget
from chibo.committees.models import Position, Term, Title
from chibo.congresses import services
from chibo.congresses.committee_content import committee_context_for
from chibo.congresses.documents import check_template
from chibo.congresses.models import CellCongress, CongressPlan
from chibo.core.models import AuditEvent
from chibo.meetings.models import CellMeeting, Task
from chibo.meetings.tests.oversight_helpers import meet, task
from conftest import make_agency, make_member, shared

pytestmark = pytest.mark.django_db
D = datetime.date
HELD = D(2025, 8, 20)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@shared
def committee_congress(tree, personas):
    admitted = [
        make_member(tree.cell_a, f"Quàng Văn Mới {i}", official=False, admitted=D(2023, 5, 10))
        for i in range(3)
    ]
    for year, value in ((2023, 4), (2024, 2)):
        AdmissionTarget.objects.create(
            organization=tree.commune_a, year=year, value=value, decided_on=D(year, 1, 10)
        )
    G, A = "good", "average"
    meetings = [
        meet(tree.cell_a, D(2024, m, 1), held_on=D(2024, m, 24), quality=q)
        for m, q in ((3, G), (4, G), (5, A))
    ]
    CellMeeting.objects.filter(pk=meetings[1].pk).update(kind=CellMeeting.Kind.THEMATIC)
    task(meetings[0], "Vận động hộ nghèo vay vốn", D(2024, 4, 20), state=Task.State.DONE)
    task(meetings[1], "Làm đường bê tông", D(2024, 5, 20), state=Task.State.NOT_DONE)
    plan = services.plan_create(
        organization=tree.district,
        term_name="2025–2030",
        term_start=D(2025, 7, 1),
        term_end=D(2030, 7, 1),
        deadline=D(2025, 9, 30),
        reference="30-KH/HU",
        grassroots=True,
        actor=personas["admin"],
    )
    row = plan.cells.get(cell=tree.commune_a)
    services.draft_save(
        congress=row,
        actor=personas["commune"],
        achievements="Đảng bộ lãnh đạo hoàn thành các chỉ tiêu kinh tế - xã hội.",
    )
    services.congress_hold(
        congress=row,
        held_on=HELD,
        secretary=tree.secretary_member_a,
        deputies=[tree.member_a],
        decision="Quyết định số 120-QĐ/HU",
        actor=personas["admin"],
    )
    return {"plan": plan, "row": row, "admitted": admitted}


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [c.text for r in t.rows for c in r.cells]
    return "\n".join(parts)


def written():
    return (
        CongressPlan.objects.count(),
        CellCongress.objects.count(),
        Term.objects.count(),
        Position.objects.count(),
        AuditEvent.objects.count(),
    )


# --- services -----------------------------------------------------------------------------------


def test_the_district_plans_its_communes_congresses_and_the_congress_opens_the_term(
    tree, committee_congress
):
    plan, row = committee_congress["plan"], committee_congress["row"]
    assert {c.cell for c in plan.cells.all()} == {tree.commune_a, tree.commune_b}
    row.refresh_from_db()
    assert row.is_committee and row.held_on == HELD
    term = Term.objects.get(organization=tree.commune_a)
    assert (term.name, term.start, term.congress_date, term.end) == (
        "2025–2030",
        HELD,
        HELD,
        D(2030, 7, 1),
    )
    seats = {(p.member_id, p.title) for p in Position.objects.filter(term=term, end=None)}
    assert seats == {
        (tree.secretary_member_a.pk, Title.SECRETARY),
        (tree.member_a.pk, Title.DEPUTY_SECRETARY),
    }
    assert AuditEvent.objects.filter(object_id=row.pk, object_type="congresses.cellcongress")


def test_a_commune_does_not_plan_grassroots_congresses(tree, committee_congress):
    before = written()
    with pytest.raises(ValidationError, match="tỉnh ủy, huyện ủy"):
        services.plan_create(
            organization=tree.commune_a,
            term_name="2025–2030",
            term_start=D(2025, 7, 1),
            term_end=D(2030, 7, 1),
            deadline=D(2025, 9, 30),
            grassroots=True,
            actor=None,
        )
    assert written() == before


def test_only_a_grassroots_committee_is_added_and_once_a_term(tree, committee_congress):
    plan = committee_congress["plan"]
    before = written()
    with pytest.raises(ValidationError, match="không phải đảng bộ cơ sở"):
        services.committee_congress_add(plan=plan, organization=tree.cell_a, actor=None)
    with pytest.raises(ValidationError, match="đã có trong kế hoạch"):
        services.committee_congress_add(plan=plan, organization=tree.commune_b, actor=None)
    assert written() == before
    # An agency's committee that held its congress of the term before the plan reached it.
    agency = make_agency(tree.district)
    Term.objects.create(
        organization=agency,
        name="2025–2030",
        start=D(2025, 7, 20),
        end=D(2030, 7, 1),
        congress_date=D(2025, 7, 20),
    )
    before = written()
    with pytest.raises(ValidationError, match="đã tổ chức đại hội nhiệm kỳ 2025–2030 ngày 20/07"):
        services.committee_congress_add(plan=plan, organization=agency, actor=None)
    assert written() == before


def test_a_congress_in_the_future_or_a_second_in_the_term_is_refused(tree, committee_congress):
    plan = committee_congress["plan"]
    row_b = plan.cells.get(cell=tree.commune_b)
    before = written()
    with pytest.raises(ValidationError, match="không được sau hôm nay"):
        services.congress_hold(
            congress=row_b,
            held_on=datetime.date.today() + datetime.timedelta(days=3),
            secretary=tree.member_b,
            actor=None,
        )
    # Commune B's term opened by a congress on 15/07/2025 (its terms page): a second congress
    # of the term is refused.
    Term.objects.create(
        organization=tree.commune_b,
        name="2025–2030",
        start=D(2025, 7, 15),
        end=D(2030, 7, 1),
        congress_date=D(2025, 7, 15),
    )
    before = (before[0], before[1], before[2] + 1, *before[3:])
    with pytest.raises(ValidationError, match="đã tổ chức đại hội nhiệm kỳ 2025–2030"):
        services.congress_hold(
            congress=row_b, held_on=D(2025, 8, 1), secretary=tree.member_b, actor=None
        )
    with pytest.raises(ValidationError, match="đã được ghi ngày 20/08/2025"):
        services.congress_hold(
            congress=committee_congress["row"],
            held_on=D(2025, 8, 21),
            secretary=tree.member_a,
            actor=None,
        )
    row_b.refresh_from_db()
    assert row_b.held_on is None and written() == before


# --- documents ----------------------------------------------------------------------------------


def test_the_political_report_carries_the_terms_figures(tree, committee_congress):
    row = committee_congress["row"]
    row.refresh_from_db()
    context = committee_context_for(row, D(2026, 1, 5))
    # From 01/07/2020 (one term back: the commune had no term before) to the congress's eve.
    assert (context["tu_ngay"], context["den_ngay"]) == ("01/07/2020", "19/08/2025")
    assert (context["dang_vien_dau_ky"], context["dang_vien_cuoi_ky"]) == ("2", "5")
    assert (context["chinh_thuc"], context["du_bi"]) == ("2", "3")
    years = {r["nam"]: (r["ket_nap"], r["chi_tieu"], r["ti_le"]) for r in context["ket_nap_nam"]}
    assert years["2023"] == ("3", "4", "75%") and years["2024"] == ("0", "2", "0%")
    assert years["2021"] == ("0", "—", "—")
    # The first and the last year in part: those admitted within the term.
    assert "2020 (từ 01/07)" in years and "2025 (đến 19/08)" in years
    figures = ("so_ket_nap", "ket_nap_co_chi_tieu", "chi_tieu_ket_nap", "ti_le_ket_nap")
    assert [context[f] for f in figures] == ["3", "3", "6", "50%"]
    assert (context["so_chi_bo"], context["so_chi_bo_thon"], context["chi_bo_co_chi_uy"]) == (
        "2",
        "2",
        "0",
    )
    assert (context["so_cuoc_hop"], context["so_chuyen_de"]) == ("3", "1")
    assert context["ti_le_tot_kha"] == "66,6%"
    assert [(c["xep_loai"], c["so"]) for c in context["chat_luong"]] == [
        ("Tốt", "2"),
        ("Trung bình", "1"),
    ]
    assert (context["so_nhiem_vu"], context["so_nhiem_vu_hoan_thanh"]) == ("2", "1")
    assert context["so_cap_uy_moi"] == "2"
    assert [c["ho_ten"] for c in context["cap_uy_moi"]] == ["Lò Thị Ánh", "Nguyễn Văn An"]


def test_the_default_committee_templates_use_only_known_fields():
    from chibo.congresses.defaults import default_template

    for kind in ("committee_report", "committee_resolution"):
        assert "dang_bo" in check_template(default_template(kind), kind)


def test_the_congress_page_and_documents_for_writer_reader_and_outsider(
    tree, clients, committee_congress
):
    row = committee_congress["row"]
    url = f"/congresses/{row.pk}/"
    r = clients["admin"].get(url)
    text = r.content.decode()
    assert r.status_code == 200 and "Đại hội Đảng bộ xã An nhiệm kỳ 2025–2030" in text
    assert "committee_report.docx" in text and "political_report.docx" not in text
    assert 'id="draft-form"' in text
    r = clients["analyst"].get(url)
    assert r.status_code == 200 and 'id="draft-form"' not in r.content.decode()
    assert "Đảng bộ lãnh đạo hoàn thành" in r.content.decode()
    assert clients["commune"].get(url).status_code == 200
    for who in ("secretary_b", "member_a"):
        assert clients[who].get(url).status_code == 404
        assert clients[who].get(f"{url}committee_report.docx").status_code == 404
    # A cell's document is not a committee's.
    assert clients["admin"].get(f"{url}political_report.docx").status_code == 404
    r = clients["analyst"].get(f"{url}committee_report.docx")
    assert r.status_code == 200 and "bao-cao-chinh-tri-dang-bo-XA" in r["Content-Disposition"]
    text = text_of(r.content)
    assert "BÁO CÁO CHÍNH TRỊ" in text and "ĐẢNG BỘ XÃ AN" in text
    assert "kết nạp 3 đảng viên; các năm có chỉ tiêu kết nạp 3/6, đạt 50% chỉ tiêu" in text
    assert "66,6% buổi sinh hoạt được xếp loại Tốt, Khá" in text
    assert "0 chi bộ thôn, bản, tiểu khu có chi ủy (0%)" in text
    assert "Đảng bộ lãnh đạo hoàn thành các chỉ tiêu" in text
    r = clients["commune"].get(f"{url}committee_resolution.docx")
    text = text_of(r.content)
    assert r.status_code == 200 and "gồm 2 đồng chí" in text
    assert "Đồng chí Lò Thị Ánh, Bí thư" in text and "Đồng chí Nguyễn Văn An, Phó Bí thư" in text
    assert "báo cáo Huyện ủy Thử theo quy định" in text


def test_the_documents_are_in_vietnamese_in_the_english_ui(tree, clients, committee_congress):
    """The quality classes and the positions come from translated choices: a reader in the
    English UI gets the same Vietnamese documents, under the same names."""
    url = f"/congresses/{committee_congress['row'].pk}/"
    kinds = ("committee_report", "committee_resolution")
    vietnamese = {k: clients["commune"].get(f"{url}{k}.docx") for k in kinds}
    english = clients["analyst"]
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in english.get(url).content.decode()
    for kind in kinds:
        r = english.get(f"{url}{kind}.docx")
        assert r["Content-Disposition"] == vietnamese[kind]["Content-Disposition"]
        assert text_of(r.content) == text_of(vietnamese[kind].content)
    text = text_of(english.get(f"{url}committee_resolution.docx").content)
    assert "Đồng chí Lò Thị Ánh, Bí thư" in text and "Secretary" not in text
    assert "Tốt" in text_of(english.get(f"{url}committee_report.docx").content)


def test_the_upper_committees_go_by_their_own_names():
    from chibo.core.docx_layout import committee_of

    assert committee_of("Đảng bộ tỉnh Sơn La") == "Tỉnh ủy Sơn La"
    assert committee_of("Đảng bộ huyện Mai Sơn") == "Huyện ủy Mai Sơn"
    assert committee_of("Đảng bộ thành phố Sơn La") == "Thành ủy Sơn La"
    assert committee_of("Đảng bộ xã Nà Bó") == "Đảng ủy xã Nà Bó"
    assert committee_of("Chi bộ bản Áng") == "Chi bộ bản Áng"


def test_the_congress_is_recorded_on_its_page_by_card_numbers(tree, clients, committee_congress):
    row_b = committee_congress["plan"].cells.get(cell=tree.commune_b)
    url = f"/congresses/{row_b.pk}/"
    data = {"action": "hold", "held_on": "31/12/2099", "secretary": "02000001"}
    r = clients["admin"].post(url, data)
    assert r.status_code == 400 and "không được sau hôm nay" in r.content.decode()
    r = clients["admin"].post(url, {**data, "held_on": "01/08/2025", "members": "09999999"})
    assert r.status_code == 400 and "số thẻ 09999999" in r.content.decode()
    assert not Term.objects.filter(organization=tree.commune_b).exists()
    assert clients["analyst"].post(url, {**data, "held_on": "01/08/2025"}).status_code == 404
    r = clients["admin"].post(url, {**data, "held_on": "01/08/2025"})
    assert r.status_code == 302
    term = Term.objects.get(organization=tree.commune_b)
    assert term.congress_date == D(2025, 8, 1)
    assert Position.objects.get(term=term).member == tree.member_b


# --- lists --------------------------------------------------------------------------------------


def test_the_plans_pages_list_the_committees_congresses_in_a_constant_number_of_queries(
    tree, clients, committee_congress
):
    plan = committee_congress["plan"]
    urls = [f"/congresses/org/{tree.district.pk}/?as_of=01/09/2025", f"/congresses/plan/{plan.pk}/"]
    small = []
    for url in urls:
        with CaptureQueriesContext(connection) as q:
            r = clients["admin"].get(url)
        assert r.status_code == 200 and "Đảng bộ xã Bình" in r.content.decode()
        small.append(len(q))
    for i in range(3):
        agency = make_agency(tree.district, code=f"CQ{i}", name=f"Đảng bộ Cơ quan {i}")
        services.committee_congress_add(plan=plan, organization=agency, actor=None)
    for url, n in zip(urls, small, strict=True):
        with CaptureQueriesContext(connection) as q:
            r = clients["admin"].get(url)
        assert r.status_code == 200 and "Đảng bộ Cơ quan 2" in r.content.decode()
        assert len(q) == n, url
    # The commune reads its own congress there; the outsider does not read the district.
    r = clients["commune"].get(f"/congresses/org/{tree.commune_a.pk}/")
    assert r.status_code == 200 and f'href="/congresses/{committee_congress["row"].pk}/"' in (
        r.content.decode()
    )
    assert clients["secretary_b"].get(urls[0]).status_code == 404


def test_a_writer_adds_a_committees_congress_to_the_plan(tree, clients, committee_congress):
    plan = committee_congress["plan"]
    agency = make_agency(tree.district)
    url = f"/congresses/plan/{plan.pk}/"
    assert 'id="add-form"' not in clients["analyst"].get(url).content.decode()
    assert clients["analyst"].post(url, {"organization": agency.pk}).status_code == 404
    r = clients["admin"].post(url, {"organization": tree.cell_a.pk})
    assert r.status_code == 400 and not plan.cells.filter(cell=tree.cell_a).exists()
    r = clients["admin"].post(url, {"organization": agency.pk})
    row = plan.cells.get(cell=agency)
    assert r.status_code == 302 and r["Location"] == f"/congresses/{row.pk}/"

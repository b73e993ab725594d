"""The congress pages: each for a writer, a reader who may not write, and an outsider (404); a
bad query string is a 400; a refused write writes nothing; the plan page's query count does not
grow with its cells; the documents open and carry the cell's data and prose."""

import datetime
import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from chibo.committees.models import Position, Term
from chibo.congresses import services
from chibo.congresses.defaults import default_template
from chibo.congresses.models import (
    CellCongress,
    CongressDraft,
    CongressTemplate,
    RegulationReview,
    WorkingRegulation,
)
from chibo.organizations import services as org_services

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(tree):
    return services.plan_create(
        organization=tree.district,
        term_name="2023–2025",
        term_start=D(2023, 1, 1),
        term_end=D(2025, 7, 1),
        deadline=D(2023, 3, 31),
        reference="45-KH/HU",
        actor=None,
    )


def row_of(plan, cell) -> CellCongress:
    return plan.cells.get(cell=cell)


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [c.text for r in t.rows for c in r.cells]
    return "\n".join(parts)


# --- plans -------------------------------------------------------------------------------------


def test_plans_page_for_writer_reader_and_outsider(tree, clients, plan):
    r = clients["admin"].get(f"/congresses/org/{tree.district.pk}/?as_of=31/03/2023")
    text = r.content.decode()
    assert r.status_code == 200 and "45-KH/HU" in text and "0/3" in text
    assert 'id="plan-form"' in text
    r = clients["analyst"].get(f"/congresses/org/{tree.district.pk}/")
    assert r.status_code == 200 and 'id="plan-form"' not in r.content.decode()
    # The commune reads the district's plan that reaches its cells.
    r = clients["commune"].get(f"/congresses/org/{tree.commune_a.pk}/?as_of=31/03/2023")
    assert r.status_code == 200 and "45-KH/HU" in r.content.decode()
    assert "0/2" in r.content.decode()
    assert clients["secretary_b"].get(f"/congresses/org/{tree.commune_a.pk}/").status_code == 404
    assert clients["member_a"].get(f"/congresses/org/{tree.cell_a.pk}/").status_code == 404


def test_the_menu_leads_a_secretary_to_the_cells_congress(tree, clients, plan):
    r = clients["secretary_a"].get("/congresses/")
    assert r.status_code == 302 and r["Location"] == f"/congresses/org/{tree.cell_a.pk}/"
    r = clients["secretary_a"].get(r["Location"])
    text = r.content.decode()
    assert 'href="/congresses/"' in text
    assert f'href="/congresses/{row_of(plan, tree.cell_a).pk}/"' in text
    assert 'id="plan-form"' not in text
    assert clients["member_a"].get("/congresses/").status_code == 404


def test_plans_page_refuses_a_bad_query_and_a_bad_plan(tree, clients):
    r = clients["admin"].get(f"/congresses/org/{tree.district.pk}/?as_of=31/02/2023")
    assert r.status_code == 400 and "Ngày không hợp lệ" in r.content.decode()
    assert 'value="31/02/2023"' in r.content.decode()  # the filter again, as typed
    r = clients["commune"].post(
        f"/congresses/org/{tree.commune_a.pk}/",
        {
            "term_name": "2023–2025",
            "term_start": "01/01/2023",
            "term_end": "01/07/2025",
            "deadline": "01/01/2026",
        },
    )
    assert r.status_code == 400 and "Hạn hoàn thành phải nằm trong nhiệm kỳ" in r.content.decode()
    r = clients["analyst"].post(
        f"/congresses/org/{tree.district.pk}/",
        {
            "term_name": "2023–2025",
            "term_start": "01/01/2023",
            "term_end": "01/07/2025",
            "deadline": "31/03/2023",
        },
    )
    assert r.status_code == 404
    r = clients["commune"].post(
        f"/congresses/org/{tree.commune_a.pk}/",
        {
            "term_name": "2023–2025",
            "term_start": "01/01/2023",
            "term_end": "01/07/2025",
            "deadline": "15/03/2023",
            "reference": "12-KH/ĐU",
        },
    )
    assert r.status_code == 302
    assert CellCongress.objects.filter(plan__reference="12-KH/ĐU").count() == 2


def test_plan_page_shows_the_part_of_the_tree_the_user_reads(tree, clients, plan):
    services.congress_update(
        congress=row_of(plan, tree.cell_b), actor=None, drafted_on=D(2023, 1, 5)
    )
    CellCongress.objects.filter(cell=tree.cell_b).update(held_on=D(2023, 2, 1))
    # The district: a line per commune with its counts.
    r = clients["admin"].get(f"/congresses/plan/{plan.pk}/?as_of=31/03/2023")
    text = r.content.decode()
    assert 'id="rollup"' in text and tree.commune_a.name in text and tree.cell_a.name not in text
    assert "0/2" in text and "1/1" in text and "01/02/2023" in text
    # One commune opened: its cells.
    r = clients["admin"].get(f"/congresses/plan/{plan.pk}/?under={tree.commune_a.pk}")
    text = r.content.decode()
    assert tree.cell_a.name in text and tree.cell_a2.name in text and tree.cell_b.name not in text
    r = clients["commune"].get(f"/congresses/plan/{plan.pk}/")
    text = r.content.decode()
    assert tree.cell_a.name in text and tree.cell_b.name not in text
    assert (
        clients["commune"].get(f"/congresses/plan/{plan.pk}/?under={tree.commune_b.pk}").status_code
        == 404
    )
    r = clients["secretary_b"].get(f"/congresses/plan/{plan.pk}/")
    assert tree.cell_b.name in r.content.decode() and tree.cell_a.name not in r.content.decode()
    assert clients["member_a"].get(f"/congresses/plan/{plan.pk}/").status_code == 404
    assert clients["admin"].get("/congresses/plan/999999/").status_code == 404
    assert clients["admin"].get(f"/congresses/plan/{plan.pk}/?under=abc").status_code == 400


def test_plan_page_query_count_does_not_grow_with_cells(tree, clients, plan):
    urls = {
        "commune": f"/congresses/plan/{plan.pk}/?as_of=31/03/2023",
        "admin": f"/congresses/plan/{plan.pk}/?as_of=31/03/2023",
    }
    small = {}
    for who, url in urls.items():
        with CaptureQueriesContext(connection) as q:
            assert clients[who].get(url).status_code == 200
        small[who] = len(q)
    for i in range(5):
        org_services.org_create(
            code=f"XA-9{i}",
            name=f"Chi bộ bản Mới {i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_a,
            valid_from=D(2015, 1, 1),
            actor=None,
        )
    plan2 = services.plan_create(
        organization=tree.district,
        term_name="2026–2030",
        term_start=D(2026, 1, 1),
        term_end=D(2030, 7, 1),
        deadline=D(2026, 3, 31),
        actor=None,
    )
    assert plan2.cells.count() == 8
    for who in urls:
        with CaptureQueriesContext(connection) as big:
            r = clients[who].get(f"/congresses/plan/{plan2.pk}/?as_of=31/03/2026")
        assert r.status_code == 200 and "Chi bộ bản Mới 4" in r.content.decode() or who == "admin"
        assert len(big) == small[who], who


# --- a cell's congress -------------------------------------------------------------------------


def test_the_secretary_records_the_congress_and_its_committee(tree, clients, plan):
    row = row_of(plan, tree.cell_a)
    url = f"/congresses/{row.pk}/"
    r = clients["secretary_a"].get(url)
    assert r.status_code == 200 and 'id="hold-form"' in r.content.decode()
    assert 'id="deadline-form"' not in r.content.decode()
    r = clients["secretary_a"].post(
        url,
        {
            "action": "hold",
            "held_on": "20/02/2023",
            "secretary": tree.secretary_member_a.pk,
            "deputy": tree.member_a.pk,
        },
    )
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.held_on == D(2023, 2, 20) and row.term.start == D(2023, 2, 20)
    assert Position.objects.filter(term=row.term).count() == 2
    # A second time: the form is gone, a POST is refused and writes nothing.
    r = clients["secretary_a"].post(
        url, {"action": "hold", "held_on": "21/02/2023", "secretary": tree.member_a.pk}
    )
    assert r.status_code == 404
    assert Term.objects.filter(organization=tree.cell_a).count() == 1


def test_a_bad_committee_is_a_400_and_writes_nothing(tree, clients, plan):
    row = row_of(plan, tree.cell_a)
    r = clients["secretary_a"].post(
        f"/congresses/{row.pk}/",
        {
            "action": "hold",
            "held_on": "20/02/2023",
            "secretary": tree.member_a.pk,
            "deputy": tree.member_a.pk,
        },
    )
    assert r.status_code == 400 and "Mỗi người chỉ giữ một chức danh" in r.content.decode()
    assert not Term.objects.filter(organization=tree.cell_a).exists()
    r = clients["secretary_a"].post(
        f"/congresses/{row.pk}/", {"action": "hold", "held_on": "31/02/2023"}
    )
    assert r.status_code == 400


def test_reader_outsider_and_the_planners_deadline(tree, clients, plan):
    row = row_of(plan, tree.cell_a)
    url = f"/congresses/{row.pk}/"
    r = clients["analyst"].get(url)
    assert r.status_code == 200 and "hold-form" not in r.content.decode()
    assert clients["analyst"].post(url, {"action": "steps"}).status_code == 404
    assert clients["secretary_b"].get(url).status_code == 404
    assert clients["member_a"].get(url).status_code == 404
    # The plan is the district's: the commune does not move its deadline, the org board does.
    assert (
        clients["commune"].post(url, {"action": "deadline", "deadline": "15/03/2023"}).status_code
        == 404
    )
    r = clients["admin"].post(url, {"action": "deadline", "deadline": "15/03/2023"})
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.deadline == D(2023, 3, 15)
    r = clients["secretary_a"].post(
        url, {"action": "steps", "drafted_on": "10/02/2023", "opinion_on": "01/02/2023"}
    )
    assert r.status_code == 400
    row.refresh_from_db()
    assert row.drafted_on is None


# --- documents ---------------------------------------------------------------------------------


def test_the_documents_are_filled_with_the_cells_data_and_prose(tree, clients, plan):
    row = row_of(plan, tree.cell_a)
    r = clients["secretary_a"].post(
        f"/congresses/{row.pk}/",
        {
            "action": "draft",
            "achievements": "Đường bê tông nội bản 2 km.\n\nNhà văn hóa mới.",
            "directions": "Giữ vững & nâng cao <chất lượng>.",
        },
    )
    assert r.status_code == 302
    assert CongressDraft.objects.get(congress=row).achievements.startswith("Đường bê tông")
    for kind in ("political_report", "draft_resolution"):
        started = time.perf_counter()
        r = clients["analyst"].get(f"/congresses/{row.pk}/{kind}.docx")
        assert time.perf_counter() - started < 2
        assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
        text = text_of(r.content)
        assert "Chi bộ bản Áng" in text and "2023–2025" in text
        assert "Giữ vững & nâng cao <chất lượng>." in text
    text = text_of(
        clients["secretary_a"].get(f"/congresses/{row.pk}/political_report.docx").content
    )
    assert "Đường bê tông nội bản 2 km." in text and "Nhà văn hóa mới." in text
    assert "đến nay có 2 đảng viên" in text  # the cell's two members
    assert (
        clients["secretary_b"].get(f"/congresses/{row.pk}/political_report.docx").status_code == 404
    )
    assert clients["admin"].get(f"/congresses/{row.pk}/other.docx").status_code == 404


def test_pdf_only_where_libreoffice_is_installed(tree, clients, plan, monkeypatch):
    from chibo.congresses import documents

    row = row_of(plan, tree.cell_a)
    monkeypatch.setattr(documents, "pdf_converter", lambda: None)
    assert clients["admin"].get(f"/congresses/{row.pk}/political_report.pdf").status_code == 404
    monkeypatch.setattr(documents, "pdf_converter", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(documents, "pdf_bytes", lambda data: b"%PDF-1.4 test")
    r = clients["admin"].get(f"/congresses/{row.pk}/political_report.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def _with(content: bytes, old: str, new: str) -> bytes:
    doc = Document(io.BytesIO(content))
    for p in doc.paragraphs:
        if old in p.text:
            for run in p.runs:
                run.text = run.text.replace(old, new)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_template_with_an_unknown_placeholder_is_refused_naming_it(tree, clients, plan):
    bad = _with(default_template("political_report"), "{{ han_che }}", "{{ han_che_moi }}")
    url = f"/congresses/org/{tree.commune_a.pk}/templates/"
    upload = io.BytesIO(bad)
    upload.name = "mau.docx"
    r = clients["commune"].post(
        url, {"kind": "political_report", "valid_from": "01/01/2023", "file": upload}
    )
    assert r.status_code == 400
    text = r.content.decode()
    assert "han_che_moi" in text and "đoạn" in text
    assert not CongressTemplate.objects.exists()
    # An unknown field of a list's items is named too.
    bad = _with(default_template("political_report"), "{{ k.ho_ten }}", "{{ k.ten_day_du }}")
    upload = io.BytesIO(bad)
    upload.name = "mau.docx"
    r = clients["commune"].post(
        url, {"kind": "political_report", "valid_from": "01/01/2023", "file": upload}
    )
    assert r.status_code == 400 and "ten_day_du" in r.content.decode()
    upload = io.BytesIO(b"not a docx")
    upload.name = "mau.docx"
    r = clients["commune"].post(
        url, {"kind": "political_report", "valid_from": "01/01/2023", "file": upload}
    )
    assert r.status_code == 400 and not CongressTemplate.objects.exists()


def test_an_uploaded_version_is_kept_and_used_by_the_communes_cells(tree, clients, plan):
    good = _with(
        default_template("political_report"), "BÁO CÁO CHÍNH TRỊ", "BÁO CÁO CHÍNH TRỊ (MẪU XÃ AN)"
    )
    url = f"/congresses/org/{tree.commune_a.pk}/templates/"
    for day in ("01/01/2023", "01/02/2023"):
        upload = io.BytesIO(good)
        upload.name = "mau.docx"
        r = clients["commune"].post(
            url,
            {"kind": "political_report", "valid_from": day, "file": upload, "name": f"Mẫu {day}"},
        )
        assert r.status_code == 302
    versions = list(CongressTemplate.objects.order_by("valid_from"))
    assert len(versions) == 2 and versions[0].file.name != versions[1].file.name
    assert "han_che" in versions[0].placeholders
    row = row_of(plan, tree.cell_a)
    text = text_of(
        clients["secretary_a"].get(f"/congresses/{row.pk}/political_report.docx").content
    )
    assert "MẪU XÃ AN" in text
    # Commune B's cell keeps chibo's template.
    row_b = row_of(plan, tree.cell_b)
    text = text_of(
        clients["secretary_b"].get(f"/congresses/{row_b.pk}/political_report.docx").content
    )
    assert "MẪU XÃ AN" not in text and "BÁO CÁO CHÍNH TRỊ" in text
    # The cell reads its commune's versions, the outsider does not; only the commune uploads.
    assert (
        clients["secretary_a"].get(f"/congresses/templates/{versions[0].pk}.docx").status_code
        == 200
    )
    assert (
        clients["secretary_b"].get(f"/congresses/templates/{versions[0].pk}.docx").status_code
        == 404
    )
    assert clients["secretary_b"].get(url).status_code == 404
    r = clients["analyst"].get(url.replace(str(tree.commune_a.pk), str(tree.district.pk)))
    assert r.status_code == 200 and 'id="template-form"' not in r.content.decode()
    r = clients["secretary_a"].get("/congresses/templates/default/draft_resolution.docx")
    assert r.status_code == 200 and "NGHỊ QUYẾT" in text_of(r.content)


# --- working regulations -----------------------------------------------------------------------


def test_regulations_adopted_reviewed_and_seen_by_the_commune(tree, clients):
    Term.objects.create(
        organization=tree.cell_a, name="2023–2025", start=D(2023, 2, 1), end=D(2025, 7, 1)
    )
    Term.objects.create(
        organization=tree.cell_a2, name="2023–2025", start=D(2023, 2, 1), end=D(2025, 7, 1)
    )
    url = f"/congresses/cell/{tree.cell_a.pk}/regulations/"
    # A file is taken for what it holds: text named .docx, or a PDF named .doc, is refused.
    for content, name in ((b"quy che", "quy-che.docx"), (b"%PDF-1.4 quy che", "quy-che.doc")):
        bad = io.BytesIO(content)
        bad.name = name
        r = clients["secretary_a"].post(
            url, {"action": "adopt", "adopted_on": "01/06/2020", "file": bad}
        )
        assert r.status_code == 400 and "Nội dung tệp không phải" in r.content.decode(), name
        assert not WorkingRegulation.objects.exists()
    upload = io.BytesIO(b"%PDF-1.4 quy che")
    upload.name = "quy-che.pdf"
    r = clients["secretary_a"].post(
        url,
        {"action": "adopt", "adopted_on": "01/06/2020", "reference": "01-QC/CB", "file": upload},
    )
    assert r.status_code == 302
    reg = WorkingRegulation.objects.get(cell=tree.cell_a)
    r = clients["commune"].get(f"/congresses/org/{tree.commune_a.pk}/regulations/?as_of=31/03/2023")
    assert "2/2 chi bộ chưa rà soát" in r.content.decode()
    r = clients["secretary_a"].post(url, {"action": "review", "reviewed_on": "01/03/2019"})
    assert r.status_code == 400 and not RegulationReview.objects.exists()
    r = clients["secretary_a"].post(
        url, {"action": "review", "reviewed_on": "01/03/2023", "note": "Giữ nguyên"}
    )
    assert r.status_code == 302 and reg.reviews.count() == 1
    r = clients["commune"].get(f"/congresses/org/{tree.commune_a.pk}/regulations/?as_of=31/03/2023")
    assert "1/2 chi bộ chưa rà soát" in r.content.decode()
    # As of a day before the review, the figure is what it was.
    r = clients["commune"].get(f"/congresses/org/{tree.commune_a.pk}/regulations/?as_of=28/02/2023")
    assert "2/2 chi bộ chưa rà soát" in r.content.decode()
    r = clients["official"].get(url)
    assert (
        r.status_code == 200
        and "Giữ nguyên" in r.content.decode()
        and "adopt-form" not in r.content.decode()
    )
    assert (
        clients["official"].post(url, {"action": "review", "reviewed_on": "02/03/2023"}).status_code
        == 404
    )
    assert (
        clients["secretary_a"]
        .get(f"/congresses/regulations/{reg.pk}/file")
        .content.startswith(b"%PDF")
    )
    assert clients["secretary_b"].get(url).status_code == 404
    assert clients["secretary_b"].get(f"/congresses/regulations/{reg.pk}/file").status_code == 404
    r = clients["commune"].get(f"/congresses/org/{tree.commune_a.pk}/regulations/?as_of=x")
    assert r.status_code == 400


def test_regulations_page_query_count_does_not_grow_with_cells(tree, clients):
    client = clients["commune"]
    url = f"/congresses/org/{tree.commune_a.pk}/regulations/?as_of=31/03/2023"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(5):
        cell = org_services.org_create(
            code=f"XA-8{i}",
            name=f"Chi bộ bản Sau {i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_a,
            valid_from=D(2015, 1, 1),
            actor=None,
        )
        Term.objects.create(
            organization=cell, name="2023–2025", start=D(2023, 1, 5), end=D(2025, 7, 1)
        )
        reg = WorkingRegulation.objects.create(cell=cell, adopted_on=D(2020, 6, 1), text="Quy chế")
        RegulationReview.objects.create(regulation=reg, reviewed_on=D(2023, 2, 1))
    with CaptureQueriesContext(connection) as big:
        r = client.get(url)
    assert "0/7" not in r.content.decode() and "2/7 chi bộ chưa rà soát" in r.content.decode()
    assert len(big) == len(small)


@pytest.fixture
def vietnamese_after():
    """The language middleware activates a language per request; don't leak it to other tests."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_pages_in_english(tree, clients, plan, vietnamese_after):
    client = clients["secretary_a"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    row = row_of(plan, tree.cell_a)
    text = client.get(f"/congresses/{row.pk}/").content.decode()
    assert "Record the congress" in text and "Congress documents" in text
    text = client.get(f"/congresses/org/{tree.cell_a.pk}/").content.decode()
    assert "The cell&#x27;s congresses" in text or "The cell's congresses" in text


def test_congress_page_query_count_does_not_grow_with_members(tree, clients, plan):
    from conftest import make_member

    row = row_of(plan, tree.cell_a)
    url = f"/congresses/{row.pk}/"
    client = clients["secretary_a"]
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(6):
        make_member(tree.cell_a, f"Lò Văn Thêm {i}", card=f"0100009{i}")
    with CaptureQueriesContext(connection) as big:
        r = client.get(url)
    assert "Lò Văn Thêm 5" in r.content.decode()
    assert len(big) == len(small)


def test_the_plans_page_is_the_list_behind_the_indicator(tree, clients, plan):
    from chibo.core import indicators

    CellCongress.objects.filter(cell=tree.cell_a).update(held_on=D(2023, 2, 10))
    url = indicators.list_url("congress_days_ahead", tree.commune_a, D(2023, 3, 31))
    assert url == f"/congresses/org/{tree.commune_a.pk}/?as_of=31%2F03%2F2023"
    client = clients["commune"]
    with CaptureQueriesContext(connection) as small:
        r = client.get(url)
    table = r.content.decode().split('id="current"')[1].split("</table>")[0]
    assert tree.cell_a.name in table and "10/02/2023" in table and "49" in table
    assert tree.cell_a2.name in table and tree.cell_b.name not in table
    r = clients["admin"].get(f"/congresses/org/{tree.district.pk}/?as_of=31/03/2023")
    table = r.content.decode().split('id="current"')[1].split("</table>")[0]
    assert tree.commune_a.name in table and "1/2" in table and tree.cell_a.name not in table
    for i in range(4):
        cell = org_services.org_create(
            code=f"XA-7{i}",
            name=f"Chi bộ bản Kế {i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_a,
            valid_from=D(2015, 1, 1),
            actor=None,
        )
        CellCongress.objects.create(
            plan=plan, cell=cell, deadline=D(2023, 3, 31), held_on=D(2023, 3, 1)
        )
    with CaptureQueriesContext(connection) as big:
        r = client.get(url)
    assert "Chi bộ bản Kế 3" in r.content.decode()
    assert len(big) == len(small)

"""The admission pages: each for a writer, a reader who may not write, and an outsider (404);
bad query strings answer 400; a refused step writes nothing; the query count of the board does
not grow with the candidates."""

import datetime
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from docx import Document

from chibo.admissions import services
from chibo.admissions.models import AdmissionStep, AdmissionTarget, Candidate, Step
from conftest import make_member

from .helpers import new_candidate, walk

pytestmark = pytest.mark.django_db
D = datetime.date


def board_url(org):
    return f"/admissions/org/{org.pk}/"


def test_board_for_writer_reader_and_outsider(tree, clients):
    c = new_candidate(tree)
    walk(tree, c, Step.SPONSORS)
    r = clients["secretary_a"].get(board_url(tree.cell_a) + "?as_of=01/03/2021")
    assert r.status_code == 200
    text = r.content.decode()
    assert "Lường Văn Mới" in text and "Thêm quần chúng ưu tú" in text
    assert "Chờ đoàn thể nhận xét, giới thiệu" in text
    r = clients["admin"].get(board_url(tree.district) + "?as_of=01/03/2021&step=mass_org")
    assert r.status_code == 200 and "Lường Văn Mới" in r.content.decode()
    r = clients["admin"].get(board_url(tree.district) + "?as_of=01/03/2021&step=course")
    assert "Lường Văn Mới" not in r.content.decode()
    r = clients["analyst"].get(board_url(tree.district) + "?as_of=01/03/2021")
    assert r.status_code == 200 and "Thêm quần chúng ưu tú" not in r.content.decode()
    assert "Lường Văn Mới" in r.content.decode()
    # Before the candidate was listed, the board is empty.
    r = clients["commune"].get(board_url(tree.commune_a) + "?as_of=01/01/2021")
    assert "Lường Văn Mới" not in r.content.decode()
    assert clients["secretary_b"].get(board_url(tree.cell_a)).status_code == 404
    assert clients["member_a"].get(board_url(tree.cell_a)).status_code == 404
    assert clients["secretary_a"].get(board_url(tree.district)).status_code == 404


def test_board_refuses_a_bad_query(tree, clients):
    r = clients["admin"].get(board_url(tree.district) + "?as_of=31/02/2021")
    assert r.status_code == 400 and "Tính đến ngày" in r.content.decode()
    r = clients["admin"].get(board_url(tree.district) + "?step=<b>x</b>")
    assert r.status_code == 400 and "<b>" not in r.content.decode()


def test_index_redirects_to_the_users_board(tree, clients):
    r = clients["secretary_a"].get("/admissions/")
    assert r.status_code == 302 and r["Location"] == board_url(tree.cell_a)
    assert clients["member_a"].get("/admissions/").status_code == 404


def test_nav_link_for_board_commune_and_cell_users(tree, clients):
    for name, shown in (
        ("admin", True),
        ("commune", True),
        ("secretary_a", True),
        ("member_a", False),
    ):
        r = clients[name].get("/org/" if name != "member_a" else "/meetings/my/")
        assert ('href="/admissions/"' in r.content.decode()) is shown, name


def test_candidate_page_for_writer_reader_and_outsider(tree, clients):
    c = new_candidate(tree, cid="014098000777")
    walk(tree, c, Step.APPLICATION)
    r = clients["secretary_a"].get(f"/admissions/{c.pk}/")
    text = r.content.decode()
    assert r.status_code == 200
    assert "Chờ đảng viên giới thiệu" in text and 'id="step-form"' in text
    assert "Nhận xét, giới thiệu của đoàn thể" in text  # listed as missing
    assert "014098000777" in text
    r = clients["official"].get(f"/admissions/{c.pk}/")
    text = r.content.decode()
    assert r.status_code == 200 and 'id="step-form"' not in text
    assert "014098000777" not in text and "•••••••••777" in text
    assert clients["secretary_b"].get(f"/admissions/{c.pk}/").status_code == 404
    assert clients["secretary_b"].get("/admissions/999999/").status_code == 404


def test_step_post_records_or_refuses(tree, clients):
    c = new_candidate(tree)
    walk(tree, c, Step.APPLICATION)
    url = f"/admissions/{c.pk}/step/"
    data = {
        "kind": "sponsors",
        "on": "10/02/2021",
        "sponsor_1": tree.member_a.pk,
        "sponsor_2": tree.member_b.pk,  # of cell B: refused with the reason
    }
    r = clients["secretary_a"].post(url, data)
    assert r.status_code == 400  # a member outside the secretary's scope is not a choice
    other = make_member(tree.cell_a2, "Hà Văn Đông", card="01000009")
    r = clients["commune"].post(url, {**data, "sponsor_2": other.pk})
    assert r.status_code == 400
    assert "Hà Văn Đông không sinh hoạt ở Chi bộ bản Áng" in r.content.decode()
    assert not AdmissionStep.objects.filter(candidate=c, kind="sponsors").exists()
    assert clients["official"].post(url, data).status_code == 404
    assert clients["secretary_b"].post(url, data).status_code == 404
    data["sponsor_2"] = tree.secretary_member_a.pk
    r = clients["secretary_a"].post(url, data)
    assert r.status_code == 302
    step = AdmissionStep.objects.get(candidate=c, kind="sponsors")
    assert {step.sponsor_1_id, step.sponsor_2_id} == {tree.member_a.pk, tree.secretary_member_a.pk}
    r = clients["secretary_a"].post(url, {"kind": "mass_org", "on": "not a date"})
    assert r.status_code == 400 and "Ngày không hợp lệ" in r.content.decode()


def test_ceremony_before_decision_refused_through_the_page(tree, clients):
    c = new_candidate(tree)
    walk(tree, c, Step.DECISION)
    r = clients["commune"].post(
        f"/admissions/{c.pk}/step/", {"kind": "ceremony", "on": "01/03/2021"}
    )
    assert r.status_code == 400
    assert "trước ngày quyết định kết nạp 22/03/2021" in r.content.decode()
    assert Candidate.objects.get(pk=c.pk).member_id is None


def test_candidate_create_page(tree, clients):
    r = clients["secretary_a"].get("/admissions/new/")
    assert r.status_code == 200
    data = {
        "cell": tree.cell_a.pk,
        "listed_on": "04/01/2021",
        "full_name": "Tòng Thị Hoa",
        "sex": "female",
        "birth_date": "01/05/1999",
        "ethnicity": "Thái",
        "religion": "Không",
    }
    r = clients["secretary_a"].post("/admissions/new/", data)
    assert r.status_code == 302
    c = Candidate.objects.get(full_name="Tòng Thị Hoa")
    assert c.cell_id == tree.cell_a.pk
    r = clients["secretary_b"].post("/admissions/new/", {**data, "full_name": "Khác"})
    assert r.status_code == 400  # cell A is not among cell B's secretary's cells
    assert not Candidate.objects.filter(full_name="Khác").exists()
    assert clients["analyst"].get("/admissions/new/").status_code == 404


def test_targets_page_sets_and_rolls_up(tree, clients):
    url = f"/admissions/org/{tree.district.pk}/targets/?year=2021"
    r = clients["admin"].post(
        url,
        {"organization": tree.commune_a.pk, "value": 3, "decided_on": "10/01/2021"},
    )
    assert r.status_code == 302
    assert AdmissionTarget.objects.get(organization=tree.commune_a).value == 3
    c = new_candidate(tree)
    walk(tree, c, Step.CEREMONY)
    r = clients["analyst"].get(url)
    text = r.content.decode()
    assert r.status_code == 200 and 'id="target-form"' not in text
    assert "Đảng bộ xã An" in text and "33%" in text
    # The commune splits its target to its cells, not above it.
    cell_url = f"/admissions/org/{tree.commune_a.pk}/targets/?year=2021"
    r = clients["commune"].post(
        cell_url, {"organization": tree.cell_a.pk, "value": 4, "decided_on": "15/01/2021"}
    )
    assert r.status_code == 400 and "vượt chỉ tiêu" in r.content.decode()
    r = clients["commune"].post(
        cell_url, {"organization": tree.cell_a.pk, "value": 2, "decided_on": "15/01/2021"}
    )
    assert r.status_code == 302
    assert clients["commune"].get(url).status_code == 404
    assert clients["secretary_b"].get(cell_url).status_code == 404
    r = clients["secretary_a"].post(
        f"/admissions/org/{tree.cell_a.pk}/targets/?year=2021",
        {"organization": tree.cell_a.pk, "value": 9, "decided_on": "15/01/2021"},
    )
    assert r.status_code == 404  # a cell does not set its own target
    assert clients["admin"].get(url.replace("2021", "abc")).status_code == 400


def test_resolutions_as_docx(tree, clients):
    c = new_candidate(tree)
    walk(tree, c, Step.RECOGNITION)
    for kind, words in (
        ("admission", ["Đề nghị kết nạp đảng viên", "Số 05-NQ/CB", "Nguyễn Văn An"]),
        ("official", ["Đề nghị công nhận đảng viên chính thức", "Số 07-NQ/CB", "05/04/2022"]),
    ):
        r = clients["official"].get(f"/admissions/{c.pk}/{kind}.docx")
        assert r.status_code == 200
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        doc = Document(io.BytesIO(r.content))
        text = "\n".join(p.text for p in doc.paragraphs)
        text += "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
        assert "Lường Văn Mới" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
        for w in words:
            assert w in text, (kind, w)
    assert clients["secretary_b"].get(f"/admissions/{c.pk}/admission.docx").status_code == 404
    other = new_candidate(tree, name="Chưa Xét")
    assert clients["admin"].get(f"/admissions/{other.pk}/admission.docx").status_code == 404


def _board_queries(client, org):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(board_url(org) + "?as_of=01/06/2022")
    assert r.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_board_query_count_does_not_grow(tree, clients):
    client = clients["admin"]
    c = new_candidate(tree, name="Một")
    walk(tree, c, Step.SPONSORS)
    _board_queries(client, tree.district)  # warm the session and the caches
    small = _board_queries(client, tree.district)
    for i in range(6):
        c = new_candidate(tree, name=f"Người {i}", cell=tree.cell_a if i % 2 else tree.cell_b)
        services.step_record(
            actor=None, candidate=c, kind=Step.COURSE, on=D(2021, 2, 1), number=str(i)
        )
    large = _board_queries(client, tree.district)
    # session, the user with the roles held today, OTP device, the organization, its path on the
    # day, the candidates, their steps, the rules, the holidays, the navigation's unread
    # notifications
    assert len(small) == len(large) == 10, "\n".join(large)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_candidate_page_query_count_does_not_grow_with_the_steps(tree, clients):
    client = clients["secretary_a"]
    short = new_candidate(tree, name="Ngắn")
    walk(tree, short, Step.COURSE)
    long = new_candidate(tree, name="Dài")
    walk(tree, long, Step.CEREMONY)
    _queries(client, f"/admissions/{short.pk}/")
    assert _queries(client, f"/admissions/{short.pk}/") == _queries(
        client, f"/admissions/{long.pk}/"
    )


def test_targets_page_query_count_does_not_grow_with_the_children(tree, clients):
    from chibo.organizations import services as org_services

    client = clients["admin"]
    url = f"/admissions/org/{tree.district.pk}/targets/?year=2021"
    _queries(client, url)
    few = _queries(client, url)
    for i in range(3):
        commune = org_services.org_create(
            code=f"XN{i}",
            name=f"Đảng bộ xã Mới {i}",
            kind="grassroots",
            grassroots_type="commune",
            parent=tree.district,
            valid_from=D(2015, 1, 1),
            actor=None,
        )
        services.target_set(
            actor=None, organization=commune, year=2021, value=2, decided_on=D(2021, 1, 10)
        )
    assert _queries(client, url) == few


@pytest.fixture
def vietnamese_after():
    """The language middleware activates a language per request; don't leak it to other tests."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_pages_in_english(tree, clients, vietnamese_after):
    c = new_candidate(tree)
    walk(tree, c, Step.DECISION)
    client = clients["secretary_a"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = client.get(f"/admissions/{c.pk}/").content.decode()
    assert "Awaiting the ceremony" in text and "Record the next step" in text
    text = client.get(board_url(tree.cell_a) + "?as_of=01/04/2021").content.decode()
    assert "candidates and probationary members in the pipeline on 01/04/2021" in text


def test_admitted_list_behind_the_indicator(tree, clients):
    c = new_candidate(tree)
    walk(tree, c, Step.CEREMONY)
    url = f"/admissions/org/{tree.commune_a.pk}/admitted/?as_of=31/12/2021"
    for name in ("admin", "analyst", "commune"):
        r = clients[name].get(url)
        text = r.content.decode()
        assert r.status_code == 200 and "Lường Văn Mới" in text and "05/04/2021" in text, name
    r = clients["admin"].get(f"/admissions/org/{tree.commune_b.pk}/admitted/?as_of=31/12/2021")
    assert "Lường Văn Mới" not in r.content.decode()
    r = clients["admin"].get(url.replace("2021", "2022"))
    assert "Lường Văn Mới" not in r.content.decode()  # admitted in 2021, not in 2022
    assert clients["secretary_b"].get(url).status_code == 404
    assert clients["admin"].get(url.replace("31/12/2021", "x")).status_code == 400
    r = clients["admin"].get(f"/admissions/org/{tree.district.pk}/targets/?year=2021")
    assert f"/admissions/org/{tree.commune_a.pk}/admitted/?as_of=31/12/2021" in r.content.decode()


def test_organization_page_links_to_its_board(tree, clients):
    r = clients["commune"].get(f"/org/{tree.commune_a.pk}/")
    assert f'href="/admissions/org/{tree.commune_a.pk}/"' in r.content.decode()

"""The report pages on the small tree: the org board and the commune staff read their
organizations' reports (others: 404); a bad date, a date after today or an organization that
did not exist then is a 400 with the form; the upload refuses an unknown placeholder, naming
it, and keeps a good template as a new dated version that the report then uses."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.organizations import services as org_services
from chibo.reports.defaults import default_template
from chibo.reports.models import ReportTemplate
from conftest import make_agency

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [c.text for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_allowed_readers_get_the_page_and_the_docx(tree, clients):
    for who, org in (
        ("admin", tree.district),
        ("analyst", tree.district),
        ("commune", tree.commune_a),
    ):
        r = clients[who].get(f"/reports/org/{org.pk}/?as_of=31/03/2023")
        assert r.status_code == 200, who
        assert f"/reports/org/{org.pk}/report.docx?as_of=31/03/2023" in r.content.decode()
    r = clients["commune"].get(f"/reports/org/{tree.commune_a.pk}/report.docx?as_of=31/03/2023")
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="bao-cao-XA-20230331.docx"'
    text = text_of(r.content)
    assert "Đảng bộ xã An có 1 tổ chức cơ sở đảng trực thuộc, 2 chi bộ thôn, bản, tiểu khu" in text
    assert "với 2 đảng viên" in text and "ĐẢNG BỘ HUYỆN THỬ" in text


def test_the_menu_leads_to_the_highest_organization_and_on_to_those_under_it(tree, clients):
    r = clients["admin"].get("/reports/")
    assert r.status_code == 302 and r["Location"] == f"/reports/org/{tree.district.pk}/"
    text = clients["admin"].get(r["Location"] + "?as_of=31/03/2023").content.decode()
    assert 'href="/reports/"' in text
    assert f'href="/reports/org/{tree.commune_a.pk}/?as_of=31/03/2023"' in text
    assert f'href="/reports/org/{tree.commune_b.pk}/?as_of=31/03/2023"' in text
    assert f"/reports/org/{tree.cell_a.pk}/" not in text
    r = clients["commune"].get("/reports/")
    assert r["Location"] == f"/reports/org/{tree.commune_a.pk}/"
    for who in ("secretary_a", "member_a", "official"):
        assert clients[who].get("/reports/").status_code == 404
        assert 'href="/reports/"' not in clients[who].get("/").content.decode()


def test_the_pages_query_count_does_not_grow_with_the_organizations_under_it(tree, clients):
    url = f"/reports/org/{tree.district.pk}/?as_of=31/03/2023"
    clients["admin"].get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert clients["admin"].get(url).status_code == 200
        return len(queries)

    before = count()
    for i in range(3):
        org_services.org_create(
            code=f"XN{i}",
            name=f"Đảng bộ xã Mới {i}",
            kind="grassroots",
            grassroots_type="commune",
            parent=tree.district,
            valid_from=datetime.date(2020, 1, 1),
            actor=None,
        )
    assert count() == before
    assert "Đảng bộ xã Mới 2" in clients["admin"].get(url).content.decode()


def test_outsiders_get_404(tree, clients):
    for who in ("secretary_a", "member_a", "official", "secretary_b"):
        for url in (
            f"/reports/org/{tree.commune_a.pk}/",
            f"/reports/org/{tree.commune_a.pk}/report.docx?as_of=31/03/2023",
            f"/reports/org/{tree.commune_a.pk}/templates/",
            "/reports/templates/default.docx",
        ):
            assert clients[who].get(url).status_code == 404, (who, url)
    # The commune staff of commune A reads neither commune B nor the district.
    assert clients["commune"].get(f"/reports/org/{tree.commune_b.pk}/").status_code == 404
    assert clients["commune"].get(f"/reports/org/{tree.district.pk}/").status_code == 404


@pytest.mark.parametrize(
    "as_of, message",
    [
        ("31/02/2023", None),
        (day_text(today() + datetime.timedelta(days=1)), "chưa đến"),
        ("31/12/2014", "không có hiệu lực vào ngày 31/12/2014"),
    ],
)
def test_a_bad_date_is_a_400_with_the_form(tree, clients, as_of, message):
    for url in (
        f"/reports/org/{tree.district.pk}/?as_of={as_of}",
        f"/reports/org/{tree.district.pk}/report.docx?as_of={as_of}",
    ):
        r = clients["admin"].get(url)
        text = r.content.decode()
        assert r.status_code == 400 and 'id="report-form"' in text
        assert 'id="download"' not in text
        assert message is None or message in text


def test_an_ended_organization_reports_on_its_last_day_unless_asked(tree, clients):
    """An organization that ended (2025): its report page without a date is its last day's,
    with that day in the form and the download's link; today, asked for, is refused."""
    org = make_agency(tree.district)
    org_services.org_close(org=org, on=datetime.date(2025, 7, 1), actor=None)
    page = f"/reports/org/{org.pk}/"
    r = clients["admin"].get(page)
    text = r.content.decode()
    assert r.status_code == 200 and 'value="30/06/2025"' in text and 'id="download"' in text
    r = clients["admin"].get(f"{page}report.docx")
    assert r.status_code == 200 and "30/06/2025" in text_of(r.content)
    r = clients["admin"].get(f"{page}?as_of={day_text(today())}")
    assert r.status_code == 400 and "không có hiệu lực vào ngày" in r.content.decode()


def _upload(client, org, content: bytes, valid_from="01/01/2023"):
    return client.post(
        f"/reports/org/{org.pk}/templates/",
        {
            "valid_from": valid_from,
            "name": "Mẫu của huyện",
            "file": SimpleUploadedFile("mau.docx", content),
        },
    )


def _template(sentence: str) -> bytes:
    doc = Document(io.BytesIO(default_template()))
    doc.add_paragraph(sentence)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_upload_refuses_an_unknown_placeholder_naming_it(tree, clients):
    r = _upload(clients["admin"], tree.district, _template("Có {{ so_ban_ma }} bản."))
    text = r.content.decode()
    assert r.status_code == 400
    assert "so_ban_ma" in text and "không có trong danh sách trường của báo cáo" in text
    assert not ReportTemplate.objects.exists()
    r = _upload(clients["admin"], tree.district, _template("{{ members.__class__.__mro__ }}"))
    assert r.status_code == 400 and "Mẫu không được dùng “__class__”" in r.content.decode()
    r = _upload(clients["admin"], tree.district, b"not a docx")
    assert r.status_code == 400 and "Tệp không phải văn bản Word (.docx)." in r.content.decode()
    assert not ReportTemplate.objects.exists()


def test_a_good_template_is_a_dated_version_used_from_its_date(tree, clients):
    r = _upload(clients["admin"], tree.district, _template("Riêng: {{ village_cells }} chi bộ."))
    assert r.status_code == 302
    row = ReportTemplate.objects.get()
    assert row.valid_from == datetime.date(2023, 1, 1) and "village_cells" in row.placeholders
    assert AuditEvent.objects.filter(
        object_id=str(row.pk), object_type__icontains="reporttemplate"
    ).exists()
    url = f"/reports/org/{tree.commune_a.pk}/report.docx?as_of="
    assert "Riêng: 2 chi bộ." in text_of(clients["commune"].get(url + "31/03/2023").content)
    # Before its date, the default.
    assert "Riêng:" not in text_of(clients["commune"].get(url + "31/12/2022").content)
    # The analyst reads the versions but does not upload.
    r = clients["analyst"].get(f"/reports/org/{tree.district.pk}/templates/")
    assert r.status_code == 200 and 'id="template-form"' not in r.content.decode()
    assert _upload(clients["analyst"], tree.district, _template("x")).status_code == 404

"""The workbook pages: only org-board admins; upload → check → confirm → import as tasks; the
export of an organization's data; outsiders get 404."""

import io

import openpyxl
import pytest
from django.urls import reverse

from chibo.members.models import Member
from chibo.organizations.models import Organization
from chibo.workbook import schema
from chibo.workbook.models import WorkbookExport, WorkbookImport

from .test_import import book, first_load, member, rows

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings, tmp_path):
    settings.TASKS = IMMEDIATE  # django.tasks resets its backends when the setting changes
    settings.MEDIA_ROOT = tmp_path


def _upload(client, data: bytes, name="so-du-lieu.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return client.post(reverse("workbook:index"), {"file": f})


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["analyst", "commune", "secretary_a", "member_a", "official"])
def test_only_org_board_admins_see_the_pages(clients, persona, tree):
    client = clients[persona]
    assert client.get(reverse("workbook:index")).status_code == 404
    assert client.get(reverse("workbook:template")).status_code == 404
    assert client.get(reverse("workbook:export", args=[tree.district.pk])).status_code == 404


def _exported(client, org) -> bytes:
    """Ask for the export of `org` (its task runs at once: immediate_tasks), follow it to its
    page, download the file."""
    url = reverse("workbook:export", args=[org.pk])
    assert "Xuất sổ dữ liệu (.xlsx)" in client.get(url).text
    response = client.post(url)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Đã xuất xong" in page.text and 'id="download"' in page.text
    item = WorkbookExport.objects.latest("id")
    response = client.get(reverse("workbook:export_file", args=[item.pk]))
    assert response.status_code == 200 and item.filename in response["Content-Disposition"]
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_template_and_the_export(clients, tree, immediate_tasks):
    admin = clients["admin"]
    page = admin.get(reverse("workbook:index"))
    assert page.status_code == 200
    assert "Tải mẫu sổ dữ liệu" in page.text
    response = admin.get(reverse("workbook:template"))
    wb = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert wb.sheetnames == [schema.GUIDE_SHEET] + [s.name for s in schema.SHEETS]
    wb = openpyxl.load_workbook(io.BytesIO(_exported(admin, tree.commune_a)), read_only=True)
    codes = [r[0] for r in wb["Tổ chức"].iter_rows(min_row=2, values_only=True)]
    assert set(codes) == {"XA", "XA-01", "XA-02"}
    cards = {r[0] for r in wb["Đảng viên"].iter_rows(min_row=2, values_only=True)}
    assert "02000001" not in cards and "01000001" in cards
    page = admin.get(reverse("organizations:detail", args=[tree.commune_a.pk])).text
    assert reverse("workbook:export", args=[tree.commune_a.pk]) in page
    page = clients["analyst"].get(reverse("organizations:detail", args=[tree.commune_a.pk])).text
    assert reverse("workbook:export", args=[tree.commune_a.pk]) not in page


@pytest.mark.django_db
def test_an_admin_outside_the_organization_gets_404(tree, personas):
    from chibo.accounts.models import Role, RoleAssignment
    from conftest import login_client

    RoleAssignment.objects.create(
        user=personas["secretary_b"],
        role=Role.ORG_ADMIN,
        organization=tree.commune_b,
        valid_from=tree.commune_b.valid_from,
    )
    client = login_client(personas["secretary_b"])  # signed in as the admin they now are
    assert client.get(reverse("workbook:index")).status_code == 200
    assert client.get(reverse("workbook:export", args=[tree.commune_a.pk])).status_code == 404
    assert client.post(reverse("workbook:export", args=[tree.commune_a.pk])).status_code == 404


@pytest.mark.django_db
def test_an_export_is_its_askers_alone_and_the_latest_are_kept(
    clients, personas, tree, immediate_tasks
):
    from chibo.accounts.models import Role, RoleAssignment
    from chibo.workbook.tasks import EXPORTS_KEPT, storage_dir
    from conftest import login_client

    admin = clients["admin"]
    for _i in range(EXPORTS_KEPT + 1):
        admin.post(reverse("workbook:export", args=[tree.commune_a.pk]))
    items = list(WorkbookExport.objects.order_by("id"))
    assert [i.state for i in items] == ["done"] * (EXPORTS_KEPT + 1)
    # The oldest file is removed; its page says so and its download is a 404.
    assert not (storage_dir() / items[0].stored_name).exists()
    assert (
        "Tệp đã được xóa" in admin.get(reverse("workbook:export_detail", args=[items[0].pk])).text
    )
    assert admin.get(reverse("workbook:export_file", args=[items[0].pk])).status_code == 404
    assert admin.get(reverse("workbook:export_file", args=[items[-1].pk])).status_code == 200
    # Another admin (of the whole district too) gets 404 for an export that is not theirs.
    other = personas["analyst"]
    RoleAssignment.objects.create(
        user=other,
        role=Role.ORG_ADMIN,
        organization=tree.district,
        valid_from=tree.district.valid_from,
    )
    client = login_client(other)
    for name in ("workbook:export_detail", "workbook:export_file"):
        assert client.get(reverse(name, args=[items[-1].pk])).status_code == 404


@pytest.mark.django_db
def test_upload_check_confirm_import(clients, personas, immediate_tasks):
    from chibo.accounts.models import Role, RoleAssignment
    from conftest import login_client

    admin = personas["admin"]
    admin.is_superuser = True  # an empty database's first load: the root is new
    admin.save()
    RoleAssignment.objects.filter(user=admin).delete()
    client = clients["admin"]
    before = Organization.objects.count()
    response = _upload(client, first_load())
    item = WorkbookImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/workbook/{item.pk}/")
    assert item.state == WorkbookImport.State.CHECKED
    page = client.get(reverse("workbook:detail", args=[item.pk]))
    assert "Sẽ thêm" in page.text and "Nhập dữ liệu" in page.text
    assert Organization.objects.count() == before  # checked, not written
    response = client.post(reverse("workbook:confirm", args=[item.pk]))
    item.refresh_from_db()
    assert item.state == WorkbookImport.State.DONE
    assert Organization.objects.filter(code="HX").exists()
    assert Member.objects.filter(party_card_number="18000001").exists()
    assert "Đã nhập xong" in client.get(reverse("workbook:detail", args=[item.pk])).text
    # Another admin's import is a 404, like a missing one.
    root = Organization.objects.get(code="HX")
    RoleAssignment.objects.create(
        user=personas["analyst"], role=Role.ORG_ADMIN, organization=root, valid_from=root.valid_from
    )
    other = login_client(personas["analyst"])  # signed in as the admin they now are
    assert other.get(reverse("workbook:detail", args=[item.pk])).status_code == 404


@pytest.mark.django_db
def test_errors_and_warnings_in_the_preview(clients, tree, immediate_tasks):
    client = clients["admin"]
    bad = book({"Đảng viên": rows(schema.MEMBERS, [member("17000001", "Lò Văn A", cell="XA-09")])})
    _upload(client, bad)
    item = WorkbookImport.objects.get()
    assert item.state == WorkbookImport.State.FAILED
    page = client.get(reverse("workbook:detail", args=[item.pk]))
    assert "XA-09" in page.text and "không có gì được ghi" in page.text
    assert "Nhập dữ liệu" not in page.text
    late = member("17000002", "Lường Văn Muộn", cell="XA-01", admission_date="12/05/1998")
    late["official_date"] = None
    _upload(client, book({"Đảng viên": rows(schema.MEMBERS, [late])}))
    item = WorkbookImport.objects.order_by("-pk").first()
    assert item.state == WorkbookImport.State.CHECKED
    response = client.post(reverse("workbook:confirm", args=[item.pk]))
    assert response.status_code == 400 and "xác nhận" in response.text
    assert not Member.objects.filter(party_card_number="17000002").exists()
    client.post(reverse("workbook:confirm", args=[item.pk]), {"accept_warnings": "1"})
    item.refresh_from_db()
    assert item.state == WorkbookImport.State.DONE
    assert Member.objects.filter(party_card_number="17000002").exists()


@pytest.mark.django_db
def test_a_task_that_breaks_leaves_a_failed_import_not_a_page_waiting(
    clients, tree, immediate_tasks, monkeypatch
):
    from chibo.workbook import importer

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "import_workbook", broken)
    _upload(clients["admin"], first_load())
    item = WorkbookImport.objects.get()
    assert item.state == WorkbookImport.State.FAILED
    page = clients["admin"].get(reverse("workbook:detail", args=[item.pk])).text
    assert "Lỗi ngoài dự kiến" in page and "hx-trigger" not in page

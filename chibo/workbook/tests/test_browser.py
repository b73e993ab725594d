"""In a real browser: an org-board admin uploads a small workbook, watches the check's progress
bar turn into the preview, confirms, and watches the import run to its end. The tasks run in
the database's queue (django-tasks-db), worked by `db_worker --batch` as the page waits."""

import datetime

import pytest
from django.core.management import call_command

from chibo.members.models import Member
from chibo.workbook import schema
from chibo.workbook.models import WorkbookImport
from conftest import between_requests, sign_in

from .test_import import book, member, rows

pytestmark = pytest.mark.browser


def _work():
    with between_requests():  # the page polls meanwhile
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_upload_preview_progress_and_import(
    browser, live_server, personas, tree, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    data = book(
        {
            "Đảng viên": rows(
                schema.MEMBERS,
                [
                    member("17000001", "Lò Văn Pọm", cell="XA-01"),
                    member("17000002", "Cầm Thị Ánh", cell="XA-02", sex="Nữ"),
                ],
            ),
            "Quá trình sinh hoạt": rows(
                schema.MEMBERSHIPS,
                [{"member": "17000001", "cell": "XA-01", "start": datetime.date(2011, 5, 19)}],
            ),
        }
    )
    path = tmp_path / "so-du-lieu-xa-an.xlsx"
    path.write_bytes(data)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    # (a password and a TOTP code: accounts/tests/test_auth.py; in a browser, members' tests)
    sign_in(page, live_server.url, "admin", "/workbook/")
    assert page.url == f"{live_server.url}/workbook/"

    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Tải lên và kiểm tra')")
    assert page.locator("progress").is_visible()  # queued: the bar waits for the worker
    assert "Đang kiểm tra" in page.locator("#status").inner_text()

    _work()
    page.wait_for_selector("text=Sẽ thêm", timeout=10_000)  # the page polled its way there
    assert "Đảng viên" in page.locator("#status table").inner_text()
    assert not Member.objects.filter(party_card_number="17000001").exists()

    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Nhập dữ liệu')")
    assert page.locator("progress").is_visible()
    _work()
    page.wait_for_selector("text=Đã nhập xong", timeout=10_000)
    assert WorkbookImport.objects.get().state == WorkbookImport.State.DONE
    pom = Member.objects.get(party_card_number="17000001")
    assert pom.cell == tree.cell_a and pom.memberships.get().start == datetime.date(2011, 5, 19)
    assert Member.objects.get(party_card_number="17000002").cell == tree.cell_a2
    context.close()

"""In a real browser, on a phone (390×844): the secretary of cell A takes a candidate from the
awareness course to official member through the pages: adds the candidate, records each step
with its date and number, is refused a ceremony before the decision, and ends with the member
record the ceremony created, official from the end of probation. Drives Debian's Chromium through
Playwright."""

import datetime

import pytest

from chibo.admissions.models import AdmissionStep, Candidate, Step
from chibo.members.models import Member
from conftest import PHONE, sign_in

from .helpers import WAY

pytestmark = pytest.mark.browser


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_secretary_takes_a_candidate_to_official_member_on_a_phone(
    browser, live_server, personas, tree, tmp_path
):
    base = live_server.url
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, base, "secretary_a", "/")

    # From the top navigation to the cell's board, then the new candidate's form.
    with page.expect_navigation():
        page.click("nav.mainnav >> text=Kết nạp")
    assert page.url == f"{base}/admissions/org/{tree.cell_a.pk}/"
    with page.expect_navigation():
        page.click("text=Thêm quần chúng ưu tú")
    page.fill("[name=listed_on]", "04/01/2021")
    page.fill("[name=full_name]", "Lường Thị Hoa")
    page.select_option("[name=sex]", "female")
    page.fill("[name=birth_date]", "12/08/1998")
    page.select_option("[name=ethnicity]", "Thái")
    _submit(page, "form.card button[type=submit]")
    candidate = Candidate.objects.get(full_name="Lường Thị Hoa")
    assert page.url == f"{base}/admissions/{candidate.pk}/"
    assert "Chưa học lớp nhận thức về Đảng" in page.locator("#standing").inner_text()

    form = "#step-form"
    for kind, on, number in WAY:
        if kind == Step.CEREMONY:
            # A ceremony before the decision is refused, with the reason, and nothing is written.
            page.select_option(f"{form} [name=kind]", kind)
            page.fill(f"{form} [name=on]", "15/03/2021")
            _submit(page, f"{form} button[type=submit]")
            assert "trước ngày quyết định kết nạp 22/03/2021" in page.content()
            assert not Member.objects.filter(full_name="Lường Thị Hoa").exists()
        page.select_option(f"{form} [name=kind]", kind)
        page.fill(f"{form} [name=on]", f"{on:%d/%m/%Y}")
        page.fill(f"{form} [name=number]", number)
        if kind == Step.SPONSORS:
            page.select_option(f"{form} [name=sponsor_1]", str(tree.member_a.pk))
            page.select_option(f"{form} [name=sponsor_2]", str(tree.secretary_member_a.pk))
        _submit(page, f"{form} button[type=submit]")
        assert AdmissionStep.objects.filter(candidate=candidate, kind=kind, on=on).exists(), kind
        assert "Đã ghi" in page.locator(".messages").inner_text()
        if kind == Step.CEREMONY:
            assert "Đảng viên dự bị" in page.locator("h1").inner_text()
            assert "Hết thời gian dự bị: 05/04/2022" in page.locator("#standing").inner_text()

    assert "Đảng viên chính thức" in page.locator("h1").inner_text()
    assert page.locator(form).count() == 0  # nothing left to record
    member = Member.objects.get(full_name="Lường Thị Hoa")
    assert member.cell_id == tree.cell_a.pk
    assert (member.admission_date, member.official_date) == (
        datetime.date(2021, 4, 5),
        datetime.date(2022, 4, 5),
    )
    # The resolutions are offered for download, and the member record is one tap away.
    assert page.locator("a[href$='/admission.docx']").count() == 1
    assert page.locator("a[href$='/official.docx']").count() == 1
    with page.expect_navigation():
        page.click("text=Hồ sơ đảng viên")
    assert page.url == f"{base}/members/{member.pk}/"

    # The pages fit the phone.
    page.goto(f"{base}/admissions/{candidate.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot = tmp_path / "admission-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    context.close()

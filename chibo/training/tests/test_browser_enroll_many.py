"""In a real browser, on a phone: the commune's staff enrol every member shown at once with
"select all shown" (static/js/select-all.js) and one tap of the submit button."""

import datetime

import pytest

from chibo.training.models import Enrollment
from conftest import PHONE, make_member, sign_in

from .conftest import make_course

pytestmark = pytest.mark.browser


def test_select_all_shown_then_one_submit(browser, live_server, personas, tree):
    course = make_course(tree.district, title="Tập huấn", start=datetime.date(2030, 4, 4))
    extra = make_member(tree.cell_a2, "Vì Văn Đông")
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    url = f"/training/courses/{course.pk}/enroll-many/?org={tree.cell_a2.pk}"
    sign_in(page, live_server.url, "commune", url)
    assert page.url == f"{live_server.url}{url}"
    select_all = page.locator("[data-select-all=members]")
    assert select_all.is_visible()  # shown once the script runs
    boxes = page.locator("input[name=members]")
    assert boxes.count() == 1
    select_all.check()
    assert boxes.nth(0).is_checked()
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Cử những người đã chọn')")
    assert page.url == f"{live_server.url}/training/courses/{course.pk}/"
    assert "Đã cử 1 người vào lớp." in page.content()
    assert list(Enrollment.objects.filter(course=course).values_list("member_id", flat=True)) == [
        extra.pk
    ]
    context.close()

"""A filter with a bad value shows a whole page (issue 14: it was one bare unstyled line): the
site's header, the message, and the filters again with the value as typed and the error beside
its field, to correct and send again. Status 400."""

import html
import json
import re

import pytest

pytestmark = pytest.mark.django_db

CASES = [
    # (persona, url, parameter, bad value, the field's message)
    ("commune", "/org/{commune_a}/", "as_of", "31/02/2023", "Ngày không hợp lệ (dd/mm/yyyy)."),
    ("commune", "/committees/org/{commune_a}/", "as_of", "31/02/2023", "Ngày không hợp lệ"),
    ("commune", "/meetings/month/", "month", "2023-13", "Tháng không hợp lệ"),
    ("commune", "/members/", "age", "abc", "Hãy chọn một lựa chọn hợp lệ."),
    ("commune", "/training/", "year", "abc", "Hãy nhập một số nguyên."),
    ("commune", "/members/badges/{commune_a}/", "year", "abc", "Hãy nhập một số nguyên."),
    ("commune", "/meetings/officials/org/{commune_a}/", "as_of", "31/02/2023", "Ngày không hợp lệ"),
]


@pytest.mark.parametrize(("who", "url", "name", "value", "error"), CASES)
def test_a_bad_filter_shows_the_page_with_the_error_beside_its_field(
    tree, clients, who, url, name, value, error
):
    url = url.format(commune_a=tree.commune_a.pk)
    r = clients[who].get(url, {name: value})
    assert r.status_code == 400
    body = r.content.decode()
    assert '<header class="topbar">' in body  # the site's page, not a bare line
    form = body[body.index('<form method="get"') :]
    form = form[: form.index("</form>")]
    # the field again, with what was typed, its error beside it
    field = re.search(rf'<div><label for="id_{name}">.*?</div>', form, re.S)
    assert field, form
    assert f'name="{name}"' in field[0]
    if "<select" not in field[0]:
        assert f'value="{html.escape(value)}"' in field[0]
    assert error in html.unescape(field[0])
    assert 'class="errorlist' in field[0]


def test_a_live_filter_gets_the_page_in_place_of_the_one_it_is_on(tree, clients):
    """htmx ignores a 4xx unless told: the pages that load it swap a 400, and bad_query tells it
    to replace the body (the fragment the filter targets cannot hold the filters' errors).
    members/tests/test_browser.py sees it happen."""
    page = clients["commune"].get("/members/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)[1]
    assert {"code": "400", "swap": True, "error": False} in json.loads(config)["responseHandling"]
    r = clients["commune"].get("/members/", {"age": "abc"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400
    assert (r["HX-Retarget"], r["HX-Reswap"]) == ("body", "innerHTML")
    body = r.content.decode()
    assert '<header class="topbar">' in body and 'id="bad-query"' in body
    assert 'name="age"' in body and "Hãy chọn một lựa chọn hợp lệ." in html.unescape(body)
    # A page's own load (not htmx) is not retargeted.
    assert "HX-Retarget" not in clients["commune"].get("/members/", {"age": "abc"})


@pytest.mark.parametrize(
    "url",
    [
        "/members/",
        "/training/",
        "/meetings/month/",
        "/accounts/notifications/",
        "/admissions/org/{commune_a}/admitted/",
        "/meetings/officials/org/{commune_a}/",
    ],
)
def test_a_bad_page_number_is_named_by_its_label(tree, clients, url):
    """Every list's page number is core.forms.PageField: its error names «Trang», not «page»."""
    r = clients["commune"].get(url.format(commune_a=tree.commune_a.pk), {"page": "0"})
    if r.status_code == 404:
        pytest.fail(f"{url} is not a page of this persona")
    assert r.status_code == 400, url
    text = html.unescape(r.content.decode())
    assert "Trang:" in text and "page:" not in text

"""A live filter with a value its field refuses (the training year box takes 1990–2100): htmx
checks the form before it sends and stops; with reportValidityOfForms (templates/htmx.html) the
browser shows its message on the field, as a plain form's submit does. Before, nothing was sent
and nothing was said: the list stayed as if it had been filtered."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

from conftest import PHONE, sign_in


@pytest.mark.django_db
def test_the_pages_with_htmx_tell_it_to_report_a_refused_value(tree, clients):
    page = clients["commune"].get("/training/").content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)[1])
    assert config["reportValidityOfForms"] is True
    # The option is the shipped htmx's own (django-htmx's copy), not a guess it would ignore.
    with open(finders.find("django_htmx/htmx-2.js"), encoding="utf-8") as f:
        source = f.read()
    assert "htmx.config.reportValidityOfForms" in source


@pytest.mark.browser
def test_a_year_under_the_boxs_minimum_is_reported_on_the_field(browser, live_server, personas):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server.url, "commune", "/training/")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "year=" in r.url else None)
    year = page.locator("#id_year")
    year.fill("1980")
    year.press("Tab")  # the change that would send the filters
    page.wait_for_timeout(300)
    assert sent == []  # the browser refused the value: nothing went to the server
    assert year.evaluate("e => e.validationMessage") != ""
    # The browser reported it: the field has the focus back, with its message shown.
    assert page.evaluate("document.activeElement.id") == "id_year"
    year.fill("2024")
    with page.expect_response(lambda r: "year=2024" in r.url) as answer:
        year.press("Tab")
    assert answer.value.ok
    assert any("year=2024" in url for url in sent)
    context.close()

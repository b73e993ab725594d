"""Page weight (issue 14): htmx only on the pages that use it, and pages and static files
compressed by chibo itself, but for the pages that show a secret (BREACH). The timings over an
emulated slow line are bench/page_weight.py's."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import login_client

pytestmark = pytest.mark.django_db
HTMX = "django_htmx/htmx-2.min.js"
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def templates():
    roots = [
        Path(settings.BASE_DIR) / "templates",
        *Path(settings.BASE_DIR).glob("chibo/*/templates"),
    ]
    for root in roots:
        for path in root.rglob("*.html"):
            yield root, path


def test_every_template_that_uses_htmx_loads_it():
    by_name = {str(p.relative_to(root)): p.read_text() for root, p in templates()}

    def loads_htmx(name, seen=()):
        text = by_name.get(name, "")
        if '{% block htmx %}{% include "htmx.html" %}' in text:
            return True
        parent = re.match(r'{% extends "([^"]+)" %}', text)
        return bool(parent) and parent[1] not in seen and loads_htmx(parent[1], (*seen, name))

    using = [
        n
        for n, text in by_name.items()
        if re.search(r"\shx-(get|post|trigger|target|swap|select)", text)
    ]
    assert using  # the tree, the lists...
    pages = [n for n in using if n.startswith(("organizations/", "meetings/", "members/"))]
    assert pages
    for name in using:
        text = by_name[name]
        if name == "base.html" or "{% extends" not in text:
            continue  # an included fragment: the page that includes it loads htmx
        assert loads_htmx(name), name


def test_htmx_only_where_a_page_uses_it(tree, personas, clients):
    assert HTMX not in clients["secretary_a"].get("/").content.decode()  # the home
    assert HTMX not in Client().get(reverse("accounts:login")).content.decode()
    tree_page = clients["commune"].get(reverse("organizations:tree")).content.decode()
    assert HTMX in tree_page and "hx-get" in tree_page


def test_pages_and_static_files_are_compressed(tree, personas):
    r = Client().get(reverse("accounts:login"), **GZIP)
    assert r["Content-Encoding"] == "gzip" and "Accept-Encoding" in r["Vary"]
    assert "csrfmiddlewaretoken" in gzip.decompress(r.content).decode()
    home = login_client(personas["secretary_a"]).get("/", **GZIP)
    assert home["Content-Encoding"] == "gzip"
    assert "Chi bộ bản Áng" in gzip.decompress(home.content).decode()
    css = Client().get(settings.STATIC_URL + "css/chibo.css", **GZIP)
    assert css["Content-Encoding"] == "gzip"
    body = (
        gzip.decompress(b"".join(css.streaming_content))
        if css.streaming
        else gzip.decompress(css.content)
    )
    assert b".topbar" in body
    # without Accept-Encoding: plain
    assert "Content-Encoding" not in Client().get(reverse("accounts:login"))


def test_pages_with_a_secret_are_not_compressed(tree, personas):
    c = login_client(personas["secretary_a"])
    for url in (reverse("accounts:tokens"), reverse("meetings:calendar")):
        r = c.get(url, **GZIP)
        assert r.status_code == 200 and "Content-Encoding" not in r, url
    r = c.post(reverse("meetings:calendar"), {"target": "me"}, follow=True, **GZIP)
    assert "Content-Encoding" not in r and "chỉ hiện một lần" in r.content.decode()


def test_a_spreadsheet_is_not_compressed_again(tree, personas):
    r = login_client(personas["admin"]).get(
        reverse("meetings:month"), {"format": "xlsx", "org": tree.commune_a.pk}, **GZIP
    )
    assert r.status_code == 200 and "Content-Encoding" not in r

"""The top navigation: each persona sees the links to the pages its roles can read, and each
link leads to a page that answers it (not a 404)."""

import re

import pytest

from conftest import login_client

pytestmark = pytest.mark.django_db

LINKS = {
    "/org/": "Tổ chức",
    "/members/": "Đảng viên",
    "/committees/": "Cấp ủy",
    "/training/": "Đào tạo",
    "/training/contests/": "Hội thi",
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def nav_links(client) -> dict[str, str]:
    html = client.get("/", follow=True).content.decode()
    nav = re.search(r'<nav class="mainnav">(.*?)</nav>', html, re.S).group(1)
    return {href: text.strip() for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)}


@pytest.mark.parametrize("name", ["admin", "analyst", "commune", "secretary_a", "official"])
def test_readers_see_every_section_and_each_opens(personas, name):
    client = login_client(personas[name])
    links = nav_links(client)
    assert {href: links.get(href) for href in LINKS} == LINKS
    for href in LINKS:
        assert client.get(href, follow=True).status_code == 200, href


def test_a_member_sees_only_their_own_record(personas, tree):
    client = login_client(personas["member_a"])
    links = nav_links(client)
    assert links == {f"/members/{tree.member_a.pk}/": "Hồ sơ của tôi"}
    for href in LINKS:
        assert client.get(href).status_code == 404, href


def test_the_links_are_translated(personas):
    client = login_client(personas["commune"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    links = nav_links(client)
    assert links["/committees/"] == "Committees"
    assert links["/training/"] == "Training"
    assert links["/training/contests/"] == "Contest"

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
    # the criteria sets and the rating sets: read by every reader (reader_or_404), entered by
    # the org board
    "/criteria/": "Tiêu chí",
    "/ratings/sets/": "Tiêu chuẩn xếp loại",
}


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
    assert links == {
        "/meetings/my/": "Việc của tôi",
        f"/members/{tree.member_a.pk}/": "Hồ sơ của tôi",
    }
    home = client.get("/").content.decode()  # their tasks and next meeting first
    assert "Nhiệm vụ của tôi" in home and "Sinh hoạt sắp tới" in home
    for href in [*LINKS, "/meetings/month/", "/meetings/officials/mine/"]:
        assert client.get(href).status_code == 404, href


def test_an_official_finds_the_cells_they_follow(personas):
    client = login_client(personas["official"])
    links = nav_links(client)
    assert links["/meetings/officials/mine/"] == "Chi bộ tôi theo dõi"
    assert client.get("/meetings/officials/mine/").status_code == 200
    commune = login_client(personas["commune"])
    assert "/meetings/officials/mine/" not in nav_links(commune)
    assert commune.get("/meetings/officials/mine/").status_code == 404


def test_the_links_are_translated(personas):
    client = login_client(personas["commune"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    links = nav_links(client)
    assert links["/committees/"] == "Committees"
    assert links["/training/"] == "Training"
    assert links["/training/contests/"] == "Contest"


@pytest.mark.parametrize(
    ("name", "shown"),
    [("admin", True), ("analyst", True), ("commune", False), ("secretary_a", False)],
)
def test_the_reorganization_plans_for_the_org_board_alone(personas, name, shown):
    """The plans (chibo.reorg) are the org board's: its admin writes them, its analyst reads."""
    client = login_client(personas[name])
    links = nav_links(client)
    assert (links.get("/reorg/") == "Sắp xếp tổ chức") is shown
    assert ("/reorg/" in links) is shown
    assert client.get("/reorg/").status_code == (200 if shown else 404)


def test_the_sets_links_are_translated(personas):
    client = login_client(personas["analyst"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    links = nav_links(client)
    assert links["/ratings/sets/"] == "Rating sets"
    assert links["/reorg/"] == "Reorganization"

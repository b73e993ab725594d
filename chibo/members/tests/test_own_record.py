"""A member alone reads their own record; no link on it leads to a page that 404s for them
(issue 14: the record linked to their cell's page)."""

import re

import pytest


@pytest.mark.django_db
def test_every_link_on_the_members_own_record_opens_for_them(tree, clients):
    client = clients["member_a"]
    body = client.get(f"/members/{tree.member_a.pk}/").content.decode()
    assert tree.cell_a.name in body  # the cell is named, not linked
    assert f'href="/org/{tree.cell_a.pk}/"' not in body
    links = set(re.findall(r'href="(/[^"#]*)', body)) - {"/static/"}
    links = {u for u in links if not u.startswith("/static/")}
    assert links  # the menu at least
    for url in sorted(links):
        assert client.get(url).status_code in (200, 302), url


@pytest.mark.django_db
def test_a_reader_still_gets_the_cells_links(tree, clients):
    body = clients["secretary_a"].get(f"/members/{tree.member_a.pk}/").content.decode()
    assert f'href="/org/{tree.cell_a.pk}/"' in body
    assert f'href="/members/statistics/{tree.cell_a.pk}/"' in body

"""Pages reached from the organization's page (issue 14: the assigned officials' page and the
supported villages' page were linked from nowhere)."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["commune", "analyst"])
def test_a_committees_page_links_its_officials_and_supported_villages(persona, tree, clients):
    client = clients[persona]
    org = tree.commune_a
    body = client.get(f"/org/{org.pk}/").content.decode()
    for url, title in [
        (f"/meetings/officials/org/{org.pk}/", "Cán bộ theo dõi chi bộ"),
        (f"/meetings/support/org/{org.pk}/", "Giúp đỡ bản đặc biệt khó khăn"),
    ]:
        assert f'href="{url}">{title}</a>' in body
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_an_outsider_gets_neither_page(tree, clients):
    client = clients["secretary_b"]
    assert client.get(f"/org/{tree.commune_a.pk}/").status_code == 404
    assert client.get(f"/meetings/officials/org/{tree.commune_a.pk}/").status_code == 404

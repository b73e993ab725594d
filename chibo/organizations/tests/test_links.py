"""Pages reached from the organization's page (issue 14: the assigned officials' page and the
supported villages' page were linked from nowhere; the villages' plans and criteria pages were
reached only through the commune's criteria table, the rating sets only from a year that had
one)."""

import pytest

from chibo.core.dates import today
from chibo.organizations.models import Village


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


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["commune", "analyst"])
def test_a_communes_page_links_its_villages_plans_and_criteria(persona, tree, clients):
    client = clients[persona]
    commune = Village.objects.get(code="V-A1").commune
    body = client.get(f"/org/{tree.commune_a.pk}/").content.decode()
    year = today().year
    for url, title in [
        (f"/plans/commune/{commune.pk}/{year}/", f"Kế hoạch năm của các bản {year}"),
        (f"/criteria/commune/{commune.pk}/", "Kết quả thực hiện tiêu chí"),
    ]:
        assert f'href="{url}">{title}</a>' in body
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["secretary_a", "commune"])
def test_a_cells_page_links_its_villages_plan_of_the_year(persona, tree, clients):
    client = clients[persona]
    village = Village.objects.get(code="V-A1")
    body = client.get(f"/org/{tree.cell_a.pk}/").content.decode()
    year = today().year
    plan = f"/plans/village/{village.pk}/{year}/"
    title = f"Kế hoạch phát triển kinh tế – xã hội năm {year}"
    assert f'href="{plan}">{title}</a>' in body
    assert f'href="/criteria/village/{village.pk}/">Kết quả thực hiện tiêu chí</a>' in body
    assert client.get(plan).status_code == 200
    assert client.get(f"/criteria/village/{village.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_ratings_page_links_the_sets_even_for_a_year_without_one(tree, clients):
    """Before any set is in force the org board must still find where to enter one."""
    client = clients["admin"]
    body = client.get(f"/ratings/org/{tree.district.pk}/", {"year": 2005}).content.decode()
    assert "Chưa có bộ tiêu chuẩn xếp loại áp dụng cho năm 2005." in body
    assert 'href="/ratings/sets/"' in body
    assert client.get("/ratings/sets/").status_code == 200

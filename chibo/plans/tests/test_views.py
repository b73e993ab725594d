"""The village plan page: the commune assigns, approves, returns; the cell sends; the district's
analyst reads; an outsider gets 404. Bad input is a 400 with the message, nothing written."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chibo.organizations.models import Village
from chibo.organizations.services_villages import village_create
from chibo.plans.models import PlanTarget, VillagePlan
from conftest import D0

pytestmark = pytest.mark.django_db
S = VillagePlan.Status
TARGET = {
    "action": "assign",
    "name": "Giảm hộ nghèo",
    "unit": "hộ",
    "yearly_value": "3",
    "measure": "sum",
}


@pytest.fixture
def url(tree):
    return reverse("plans:village", args=[Village.objects.get(code="V-A1").pk, 2024])


def test_the_loop_through_the_page(clients, url):
    commune, cell = clients["commune"], clients["secretary_a"]
    assert commune.post(url, TARGET).status_code == 302
    assert cell.post(url, {"action": "submit", "text": "Kế hoạch năm 2024"}).status_code == 302
    r = commune.post(url, {"action": "return", "comment": "Bổ sung giải pháp"})
    assert r.status_code == 302
    html = cell.get(url).content.decode()
    assert "Bổ sung giải pháp" in html and "Xã trả lại" in html
    assert cell.post(url, {"action": "submit", "text": "Đã bổ sung"}).status_code == 302
    assert commune.post(url, {"action": "approve"}).status_code == 302
    plan = VillagePlan.objects.get()
    assert (plan.status, plan.text) == (S.APPROVED, "Đã bổ sung")
    # approved twice: a 400 with the message, nothing changed
    r = commune.post(url, {"action": "approve"})
    assert r.status_code == 400 and "đã được phê duyệt lúc" in r.content.decode()
    html = clients["analyst"].get(url).content.decode()
    assert "Giảm hộ nghèo" in html and "Đã phê duyệt" in html and 'name="action"' not in html


def test_an_amount_is_written_with_its_unit(clients, url):
    """'%' right after the number (as 95,9%), any other unit after a space."""
    commune = clients["commune"]
    assert commune.post(url, TARGET).status_code == 302
    share = {**TARGET, "name": "Tỷ lệ hộ dùng nước sạch", "unit": "%", "yearly_value": "97,5"}
    assert commune.post(url, share).status_code == 302
    # 1.500 as a Vietnamese secretary writes fifteen hundred (it was read as 1,5).
    road = {**TARGET, "name": "Bê tông hóa đường", "unit": "m", "yearly_value": "1.500"}
    assert commune.post(url, road).status_code == 302
    assert PlanTarget.objects.get(target__name="Bê tông hóa đường").target.yearly_value == 1500
    html = commune.get(url).content.decode()
    assert "<td>3 hộ</td>" in html and "<td>97,50%</td>" in html and "<td>1.500 m</td>" in html


def test_a_target_with_no_unit_is_a_400_and_nothing_written(clients, url):
    r = clients["commune"].post(url, {**TARGET, "unit": ""})
    assert r.status_code == 400 and "đơn vị tính" in r.content.decode()
    assert not PlanTarget.objects.exists() and not VillagePlan.objects.exists()


def test_roles_read_only_and_outsider(clients, url):
    assert clients["secretary_a"].post(url, TARGET).status_code == 404
    assert clients["analyst"].post(url, TARGET).status_code == 404
    assert clients["secretary_a"].post(url, {"action": "approve"}).status_code == 404
    assert clients["secretary_b"].get(url).status_code == 404
    assert clients["secretary_b"].post(url, TARGET).status_code == 404
    assert clients["member_a"].get(url).status_code == 404
    assert not PlanTarget.objects.exists()
    r = clients["secretary_a"].get(url)
    assert r.status_code == 200 and "Xã chưa giao chỉ tiêu" in r.content.decode()


def test_query_count_does_not_grow_with_the_targets(clients, url, django_assert_num_queries):
    client = clients["commune"]
    client.post(url, TARGET)
    client.get(url)
    # session, the user with the roles held today, notifications; village; plan; items (the
    # form's choices); targets
    with django_assert_num_queries(7):
        client.get(url)
    for n in range(3):
        client.post(url, {**TARGET, "name": f"Chỉ tiêu {n}"})
    with django_assert_num_queries(7):
        r = client.get(url)
    assert len(r.context["targets"]) == 4


def test_commune_page_and_assignment_table(clients, tree, url):
    village = Village.objects.get(code="V-A1")
    clients["commune"].post(url, TARGET)
    page = reverse("plans:commune", args=[village.commune_id, 2024])
    r = clients["commune"].get(page)
    html = r.content.decode()
    assert r.status_code == 200 and "0/1 bản có kế hoạch được phê duyệt" in html
    assert "Đang soạn" in html
    assert clients["analyst"].get(page).status_code == 200
    assert clients["secretary_b"].get(page).status_code == 404
    xlsx = reverse("plans:commune_assignments", args=[village.commune_id, 2024])
    r = clients["commune"].get(xlsx)
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("Bản Áng", "Giảm hộ nghèo", "hộ", 3)
    assert clients["secretary_b"].get(xlsx).status_code == 404


def test_commune_page_query_count_does_not_grow(clients, tree, url, django_assert_num_queries):
    village = Village.objects.get(code="V-A1")
    client = clients["commune"]
    client.post(url, TARGET)
    page = reverse("plans:commune", args=[village.commune_id, 2024])
    client.get(page)
    # session, the user with the roles held today, notifications; commune; villages, plans,
    # sets, statuses
    with django_assert_num_queries(8):
        client.get(page)
    for n in range(3):
        village_create(
            actor=None,
            kind="ban",
            code=f"V-Y{n}",
            name=f"Y{n}",
            commune=village.commune,
            cell=tree.cell_a2,
            valid_from=D0,
        )
    with django_assert_num_queries(8):
        r = client.get(page)
    assert len(r.context["rows"]) == 4

"""The preparation page's adds carry a submission key (issue 14): an agenda item, a material or a
target sent twice from the same page (back, then submit) is added once."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chibo.meetings.models import AgendaItem, Material
from chibo.targets.models import Target
from conftest import login_client

from .core_helpers import meeting_of
from .test_prepare import PDF, media  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def keys(client, meeting) -> list[str]:
    body = client.get(reverse("meetings:prepare", args=[meeting.pk])).content.decode()
    return re.findall(r'name="submission_key" value="([0-9a-f-]{36})"', body)


def test_an_agenda_item_sent_twice_is_added_once(tree, personas):
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    agenda_key = keys(client, m)[0]
    url = reverse("meetings:agenda_add", args=[m.pk])
    data = {"section": "business", "title": "Bàn việc sửa đường", "submission_key": agenda_key}
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()
    assert AgendaItem.objects.filter(meeting=m, title="Bàn việc sửa đường").count() == 1


def test_a_material_sent_twice_is_attached_once(tree, personas, media):  # noqa: F811
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    material_key = keys(client, m)[1]
    url = reverse("meetings:material_upload", args=[m.pk])
    for _ in range(2):
        f = SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")
        r = client.post(url, {"file": f, "name": "Báo cáo", "submission_key": material_key})
        assert r.status_code == 302
    assert Material.objects.filter(meeting=m, name="Báo cáo").count() == 1


def test_a_target_sent_twice_is_added_once(tree, personas):
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    target_key = keys(client, m)[2]
    url = reverse("meetings:target_add", args=[m.pk])
    data = {"year": m.month.year, "name": "Trồng rừng", "unit": "ha", "yearly_value": "12"}
    data |= {"measure": "sum", "submission_key": target_key}
    first = client.post(url, data)
    assert first.status_code == 302
    # Before: the second send answered 400, "Chi bộ đã có chỉ tiêu này", after a first that worked.
    again = client.post(url, data, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()
    assert Target.objects.filter(cell=tree.cell_a, name="Trồng rừng").count() == 1

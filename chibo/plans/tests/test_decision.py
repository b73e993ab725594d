"""The commune's decision approving its villages' plans (.docx, the Party's format): it opens,
names the approved villages and their targets and not the others, is dated the last approval
and signed by the commune's secretary of that day; readers of the commune download it, others
get 404; while nothing is approved, the commune's page says so."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from docx import Document

from chibo.committees.models import Position, Title
from chibo.organizations.models import Village
from chibo.organizations.services_villages import village_create
from chibo.plans import services
from chibo.plans.models import VillagePlan
from conftest import D0, make_member

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _assign(village, name, value):
    return services.target_assign(
        village=village, year=2024, name=name, unit="hộ", yearly_value=Decimal(value), actor=None
    )


@pytest.fixture
def plans(tree, personas):
    ang = Village.objects.get(code="V-A1")
    dong = village_create(
        actor=None, kind="ban", code="V-A2", name="Đông", commune=ang.commune, cell=tree.cell_a2,
        valid_from=D0,
    )  # fmt: skip
    approved = _assign(ang, "Giảm hộ nghèo", 3).plan
    _assign(ang, "Hộ được sử dụng nước sạch", 12)
    waiting = _assign(dong, "Xóa nhà tạm", 2).plan
    services.plan_submit(plan=waiting, text="", actor=None)
    secretary = make_member(tree.cell_a2, "Hoàng Văn Thư", card="03000001")
    Position.objects.create(
        organization=tree.commune_a, member=secretary, title=Title.SECRETARY, start=D0
    )
    return approved, waiting


def _paragraphs(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_the_decision_names_the_approved_villages(tree, plans, clients, personas):
    approved, _waiting = plans
    url = reverse("plans:commune_decision", args=[approved.village.commune_id, 2024])
    page = reverse("plans:commune", args=[approved.village.commune_id, 2024])
    # nothing approved yet: no link, and the address sends back with the reason
    assert url not in clients["commune"].get(page).content.decode()
    r = clients["commune"].get(url, follow=True)
    assert r.redirect_chain[-1][0] == page
    assert "Chưa có kế hoạch nào của năm được phê duyệt" in r.content.decode()
    services.plan_approve(
        plan=services.plan_submit(plan=approved, text="", actor=None), actor=personas["commune"]
    )
    VillagePlan.objects.filter(pk=approved.pk).update(
        decided_at=datetime.datetime(2024, 2, 10, 9, tzinfo=TZ)
    )
    assert url in clients["commune"].get(page).content.decode()
    r = clients["commune"].get(url)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "quyet-dinh-phe-duyet-ke-hoach-C-A-2024.docx" in r["Content-Disposition"]
    text = _paragraphs(r.content)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "ĐẢNG ỦY XÃ AN" in text
    assert "ĐẢNG BỘ HUYỆN THỬ" in text and "An, ngày 10 tháng 02 năm 2024" in text
    assert "QUYẾT ĐỊNH" in text and "năm 2024 của 1 thôn, bản" in text
    assert "Bản Áng" in text and "Chi bộ bản Áng" in text and "10/02/2024" in text
    assert "Giảm hộ nghèo: 3 hộ" in text and "Hộ được sử dụng nước sạch: 12 hộ" in text
    assert "Đông" not in text and "Xóa nhà tạm" not in text  # sent, not approved
    assert "T/M BAN THƯỜNG VỤ" in text and "Hoàng Văn Thư" in text
    # readers of the commune download it; others get 404
    assert clients["analyst"].get(url).status_code == 200
    for outsider in ("secretary_b", "member_a", "secretary_a"):
        assert clients[outsider].get(url).status_code == 404

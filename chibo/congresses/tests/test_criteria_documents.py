"""The congress documents say which criteria the cell's village met and has not yet met, and
which of the district's policies apply: from the criteria sets and the village's statuses."""

import datetime
import io
from decimal import Decimal

import pytest
from docx import Document

from chibo.congresses import services
from chibo.congresses.content import context_for
from chibo.congresses.criteria_content import criteria_context
from chibo.congresses.models import CellCongress
from chibo.criteria.models import CriteriaSet
from chibo.criteria.services import ItemSpec, criteria_set_create, village_status_record
from chibo.organizations.models import Village

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def congress(tree):
    plan = services.plan_create(
        organization=tree.district,
        term_name="2023–2025",
        term_start=D(2023, 1, 1),
        term_end=D(2025, 7, 1),
        deadline=D(2023, 3, 31),
        reference="45-KH/HU",
        actor=None,
    )
    row = plan.cells.get(cell=tree.cell_a)
    CellCongress.objects.filter(pk=row.pk).update(scheduled_on=D(2023, 2, 10))
    ntm = criteria_set_create(
        kind=CriteriaSet.Kind.VILLAGE_NTM,
        name="Bộ tiêu chí bản nông thôn mới 2021–2025",
        valid_from=D(2021, 1, 1),
        items=[
            ItemSpec(code="1", name="Giao thông", unit="%", threshold=Decimal(70)),
            ItemSpec(code="2", name="Nhà ở dân cư", unit="%", threshold=Decimal(80)),
            ItemSpec(code="3", name="Hộ nghèo", unit="%", threshold=Decimal(10), compare="le"),
        ],
        actor=None,
    )
    policies = criteria_set_create(
        kind=CriteriaSet.Kind.DISTRICT_POLICIES,
        name="12 chủ trương của Ban Thường vụ Huyện ủy",
        decision="05-CTr/HU",
        valid_from=D(2021, 1, 1),
        items=[ItemSpec(code="1", name="Trồng cây ăn quả", unit="ha", threshold=Decimal(5))],
        actor=None,
    )
    village = Village.objects.get(code="V-A1")
    items = {i.code: i for i in ntm.items.all()}
    village_status_record(
        village=village,
        year=2022,
        values={items["1"]: Decimal(85), items["2"]: Decimal("62.5"), items["3"]: Decimal(8)},
        actor=None,
    )
    village_status_record(
        village=village, year=2022, values={policies.items.get(): Decimal(3)}, actor=None
    )
    # A later year's values are not the congress's (held in February 2023: 2022 is reported).
    village_status_record(village=village, year=2023, values={items["2"]: Decimal(90)}, actor=None)
    return CellCongress.objects.get(pk=row.pk)


def test_the_context_names_the_criteria_met_and_not_yet_and_the_policies(congress):
    context = criteria_context(congress.cell_id, D(2023, 2, 10))
    assert context["ban"] == "Áng" and context["nam_tieu_chi"] == "2022"
    assert [t["ten"] for t in context["tieu_chi_dat"]] == ["Giao thông", "Hộ nghèo"]
    (not_met,) = context["tieu_chi_chua_dat"]
    assert (not_met["ten"], not_met["gia_tri"], not_met["nguong"]) == (
        "Nhà ở dân cư",
        "62,5",
        "≥ 80",
    )
    assert context["so_tieu_chi_dat"] == "2" and context["so_tieu_chi_chua_dat"] == "1"
    (standing,) = context["bo_tieu_chi"]
    assert (standing["so_dat"], standing["so_tieu_chi"], standing["danh_gia"]) == (
        "2",
        "3",
        "Chưa đạt chuẩn",
    )
    (policy,) = context["chu_truong"]
    assert (policy["ten"], policy["ket_qua"], policy["danh_gia"]) == (
        "Trồng cây ăn quả",
        "3",
        "Chưa đạt",
    )
    assert "05-CTr/HU" in context["chu_truong_van_ban"]
    # The whole context of the congress carries them, with every other placeholder.
    assert context_for(congress, D(2023, 3, 1))["tieu_chi_chua_dat"] == [not_met]


def test_a_cell_with_no_village_or_no_result_gets_empty_lists(tree, congress):
    context = criteria_context(tree.cell_b.pk, D(2023, 2, 10))
    assert context["tieu_chi_dat"] == [] and context["chu_truong"] == []
    assert context["so_tieu_chi_chua_dat"] == "0" and context["nam_tieu_chi"] == ""


def test_the_default_documents_carry_them(tree, clients, congress):
    r = clients["secretary_a"].get(f"/congresses/{congress.pk}/political_report.docx")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Năm 2022, Áng đạt 2 tiêu chí, còn 1 tiêu chí chưa đạt" in text
    assert "- 2. Nhà ở dân cư: 62,5 % (yêu cầu ≥ 80);" in text
    assert "- 1. Giao thông: 85 % (yêu cầu ≥ 70);" in text
    assert "Bộ tiêu chí bản nông thôn mới 2021–2025 (Áng): đạt 2/3 tiêu chí" in text
    assert "- 1. Trồng cây ăn quả: 3 ha (yêu cầu ≥ 5), Chưa đạt;" in text
    r = clients["secretary_a"].get(f"/congresses/{congress.pk}/draft_resolution.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "tiêu chí bản chưa đạt (1 tiêu chí): Nhà ở dân cư;" in text


def test_the_catalogue_lists_them(tree, clients):
    text = clients["admin"].get(f"/congresses/org/{tree.district.pk}/templates/").content.decode()
    for name in ("tieu_chi_dat", "tieu_chi_chua_dat", "chu_truong", "bo_tieu_chi"):
        assert name in text

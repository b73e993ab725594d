"""The political report's targets are those the cell's meetings follow: where a village plan
gives the cell its targets for a year, the approved plan's (not the cell's own of that year,
nor those of a plan still drafted); a year no plan covers keeps the cell's own."""

import datetime
from decimal import Decimal

import pytest

from chibo.congresses import services
from chibo.congresses.content import context_for
from chibo.congresses.models import CellCongress
from chibo.organizations.models import Village
from chibo.plans import services as plans
from chibo.targets.services import target_add

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_report_reads_the_approved_plans_targets_not_the_cells_own(tree, personas):
    commune, secretary = personas["commune"], personas["secretary_a"]
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
    congress = CellCongress.objects.get(pk=row.pk)
    village = Village.objects.get(code="V-A1")

    def own(year, name):
        target_add(cell=tree.cell_a, year=year, name=name, unit="m", yearly_value=500, actor=None)

    def assign(year, name):
        return plans.target_assign(
            village=village, year=year, name=name, unit="hộ", yearly_value=Decimal(3), actor=commune
        )

    own(2021, "Làm đường liên bản")  # a year before plans: the cell's own target
    own(2022, "Sửa nhà văn hóa")  # the cell's own, outside the plan the commune approved
    link = assign(2022, "Giảm hộ nghèo")
    plans.plan_approve(
        plan=plans.plan_submit(plan=link.plan, text="Kế hoạch 2022", actor=secretary),
        actor=commune,
    )
    assign(2023, "Trồng cây ăn quả")  # a plan still drafted: nothing of 2023 followed
    own(2023, "Thu đảng phí")

    context = context_for(congress, D(2023, 3, 1))
    assert [(t["nam"], t["ten"]) for t in context["chi_tieu"]] == [
        ("2021", "Làm đường liên bản"),
        ("2022", "Giảm hộ nghèo"),
    ]
    assert (context["so_chi_tieu"], context["so_chi_tieu_dat"]) == ("2", "0")

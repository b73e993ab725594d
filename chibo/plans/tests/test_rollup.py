"""The plans' roll-up at commune, district and cell as of a date: villages whose plan was approved
by then, the approved plans' targets on track, villages that met the new-rural set the year
before; the list behind each figure (a line per commune above the communes, per village or target
below), scoped; a later change leaves an earlier date's figures as they were."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from chibo.core import indicators as registry
from chibo.core.tests.indicator_batch import assert_batch_agrees
from chibo.criteria import services as criteria_services
from chibo.criteria.models import CriteriaSet
from chibo.criteria.services import ItemSpec, criteria_set_create
from chibo.organizations.models import Commune, Village
from chibo.organizations.services_villages import commune_create, village_create
from chibo.plans import services
from chibo.plans.models import VillagePlan
from chibo.targets.models import Target, TargetProgress
from conftest import D0

pytestmark = pytest.mark.django_db
D = datetime.date
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CODES = ("village_plans_approved", "plan_targets_on_track", "villages_ntm_met")


def _assign(village, name, unit, value, measure=Target.Measure.SUM, actor=None):
    return services.target_assign(
        village=village,
        year=2024,
        name=name,
        unit=unit,
        yearly_value=Decimal(value),
        measure=measure,
        actor=actor,
    ).target


def _approve(plan, actor, on: datetime.datetime):
    plan = services.plan_submit(plan=plan, text="", actor=None)
    services.plan_approve(plan=plan, actor=actor)
    VillagePlan.objects.filter(pk=plan.pk).update(decided_at=on)  # the day it was approved


def _progress(target, values: dict[int, int]):
    for month, value in values.items():
        TargetProgress.objects.create(target=target, month=D(2024, month, 1), value=value)


@pytest.fixture
def data(tree, personas):
    """Commune An: Áng (cell A, plan approved 10/02/2024: poor households 12 a year, 2+1+1 by
    March, 0 in April; dues 100% a month, 90% in March) and Đông (cell A2, plan approved
    15/04/2024: 600 m of road, 100 in April). Commune Bình: Bó (cell B, plan sent, not approved).
    Áng met the village new-rural set in 2023, Đông did not, Bó met it only in 2024."""
    commune = personas["commune"]
    an = Commune.objects.get(code="C-A")
    binh = commune_create(
        code="C-B", name="Bình", kind="commune", party_committee=tree.commune_b, valid_from=D0,
        actor=None,
    )  # fmt: skip
    ang = Village.objects.get(code="V-A1")
    mk = village_create
    dong = mk(actor=None, kind="ban", code="V-A2", name="Đông", commune=an, cell=tree.cell_a2,
              valid_from=D0)  # fmt: skip
    bo = mk(actor=None, kind="ban", code="V-B1", name="Bó", commune=binh, cell=tree.cell_b,
            valid_from=D0)  # fmt: skip
    poor = _assign(ang, "Giảm hộ nghèo", "hộ", 12)
    dues = _assign(ang, "Thu đảng phí", "%", 100, measure=Target.Measure.LEVEL)
    _approve(poor.plan_link.plan, commune, datetime.datetime(2024, 2, 10, 9, tzinfo=TZ))
    _progress(poor, {1: 2, 2: 1, 3: 1, 4: 0})
    _progress(dues, {1: 100, 2: 100, 3: 90})
    road = _assign(dong, "Làm đường bê tông", "m", 600)
    _approve(road.plan_link.plan, commune, datetime.datetime(2024, 4, 15, 9, tzinfo=TZ))
    _progress(road, {4: 100})
    trees = _assign(bo, "Trồng cây ăn quả", "ha", 10)
    services.plan_submit(plan=trees.plan_link.plan, text="", actor=None)
    ntm = criteria_set_create(
        kind=CriteriaSet.Kind.VILLAGE_NTM,
        name="Bản NTM",
        valid_from=D(2022, 1, 1),
        items=[ItemSpec(code="7", name="Hộ nghèo", unit="%", threshold=Decimal(10), compare="le")],
        actor=None,
    )
    for village, year, value in ((ang, 2023, 8), (dong, 2023, 15), (bo, 2023, 12), (bo, 2024, 9)):
        criteria_services.village_status_record(
            village=village,
            year=year,
            values={ntm.items.get(): Decimal(value)},
            actor=None,
        )
    tree.villages = (ang, dong, bo)
    tree.targets = (poor, dues, road, trees)
    return tree


def figures(org, on):
    values = {c: registry.get(c).compute(org, on) for c in CODES}
    return {c: (v.value, v.of) for c, v in values.items()}


def test_figures_as_of_dates_at_district_commune_and_cell(data, personas):
    t = data
    assert figures(t.district, D(2024, 3, 31)) == {
        "village_plans_approved": (1, 3),  # Đông approved 15/04, Bó not yet
        "plan_targets_on_track": (1, 2),  # households 4 ≥ 12×3/12; dues 90% < 100%
        "villages_ntm_met": (1, 3),  # Áng in 2023 (Bó's 2024 is next year's figure)
    }
    # 15/03: February is the last month completed: 3 ≥ 2 households, dues 100%
    assert figures(t.district, D(2024, 3, 15))["plan_targets_on_track"] == (2, 2)
    # 05/02: no plan approved yet
    assert figures(t.district, D(2024, 2, 5))["village_plans_approved"] == (0, 3)
    assert figures(t.district, D(2024, 2, 5))["plan_targets_on_track"] == (0, 0)
    # 30/04: Đông's road 100 m < 600×4/12; households 4 ≥ 4; dues' latest month 90%
    assert figures(t.district, D(2024, 4, 30)) == {
        "village_plans_approved": (2, 3),
        "plan_targets_on_track": (1, 3),
        "villages_ntm_met": (1, 3),
    }
    assert figures(t.commune_a, D(2024, 3, 31))["village_plans_approved"] == (1, 2)
    assert figures(t.commune_b, D(2024, 3, 31))["village_plans_approved"] == (0, 1)
    assert figures(t.cell_a, D(2024, 3, 31))["plan_targets_on_track"] == (1, 2)
    # 2025's figures read 2024's criteria: Bó met them then
    assert figures(t.district, D(2025, 1, 31))["villages_ntm_met"] == (1, 3)
    assert figures(t.commune_b, D(2025, 1, 31))["villages_ntm_met"] == (1, 1)
    # Bó's plan approved today: the figure of 31/03/2024 stays as it was
    services.plan_approve(plan=t.targets[3].plan_link.plan, actor=personas["commune"])
    assert figures(t.district, D(2024, 3, 31))["village_plans_approved"] == (1, 3)


def test_each_figure_links_to_its_list(data, clients):
    t = data
    for code in CODES:
        url = registry.list_url(code, t.district, D(2024, 3, 31))
        assert url == f"/plans/org/{t.district.pk}/indicators/{code}/?as_of=31%2F03%2F2024"
    # the district: a line per commune, each linking to the commune's list
    url = registry.list_url("village_plans_approved", t.district, D(2024, 3, 31))
    r = clients["analyst"].get(url)
    html = r.content.decode()
    assert r.status_code == 200 and "1/3" in html
    lines = [(c.commune.name, c.villages, c.approved, c.on_track, c.targets, c.ntm)
             for c in r.context["rows"]]  # fmt: skip
    assert lines == [("An", 2, 1, 1, 2, 1), ("Bình", 1, 0, 0, 0, 0)]
    assert f"/plans/org/{t.commune_a.pk}/indicators/village_plans_approved/" in html
    # the commune: a line per village, per target for the targets on track
    url = reverse("plans:indicator", args=[t.commune_a.pk, "plan_targets_on_track"])
    r = clients["commune"].get(url, {"as_of": "31/03/2024"})
    rows = [(v.village.name, tl.target.name, tl.to_date, tl.expected, tl.on_track)
            for v, tl in r.context["rows"]]  # fmt: skip
    assert rows == [
        ("Áng", "Giảm hộ nghèo", Decimal(4), Decimal(3), True),
        ("Áng", "Thu đảng phí", Decimal(90), Decimal(100), False),
    ]
    assert "Chậm" in r.content.decode()
    url = reverse("plans:indicator", args=[t.commune_a.pk, "villages_ntm_met"])
    html = clients["commune"].get(url, {"as_of": "31/03/2024"}).content.decode()
    assert "Bản NTM" in html and "Đông" in html and "năm 2023" in html


def test_the_lists_scope_and_bad_input(data, clients):
    t = data
    url = reverse("plans:indicator", args=[t.commune_a.pk, "village_plans_approved"])
    assert clients["secretary_b"].get(url).status_code == 404
    assert clients["member_a"].get(url).status_code == 404
    assert clients["secretary_a"].get(url).status_code == 404  # above the cell
    cell = reverse("plans:indicator", args=[t.cell_a.pk, "village_plans_approved"])
    assert clients["secretary_a"].get(cell).status_code == 200
    assert clients["commune"].get(url.replace("village_plans", "nothing")).status_code == 404
    r = clients["commune"].get(url, {"as_of": "32/13/2024"})
    assert r.status_code == 400 and "Ngày không hợp lệ" in r.content.decode()


def test_the_list_reads_a_fixed_number_of_queries(data, clients, django_assert_num_queries):
    t = data
    url = reverse("plans:indicator", args=[t.district.pk, "plan_targets_on_track"])
    client = clients["analyst"]
    client.get(url, {"as_of": "30/04/2024"})
    # session, the user with the roles held today, notifications; organization; its path that
    # day; the village links (the cells' periods inside); plans; targets; progress; sets; items;
    # statuses
    with django_assert_num_queries(12):
        client.get(url, {"as_of": "30/04/2024"})
    an = Commune.objects.get(code="C-A")
    for n in range(3):
        v = village_create(actor=None, kind="ban", code=f"V-X{n}", name=f"X{n}", commune=an,
                           cell=t.cell_a2, valid_from=D0)  # fmt: skip
        _approve(
            services.target_assign(
                village=v, year=2024, name=f"Đường {n}", unit="m", yearly_value=5, actor=None
            ).plan,
            None,
            datetime.datetime(2024, 1, 20, tzinfo=TZ),
        )
    with django_assert_num_queries(12):
        r = client.get(url, {"as_of": "30/04/2024"})
    assert r.context["value"].of == 6


def test_a_batch_gives_each_organization_its_own_roll_up(data):
    # compute_many reads the villages of every organization at once (rollup.preload)
    assert_batch_agrees(data, [D(2024, 2, 5), D(2024, 3, 31), D(2024, 4, 30)], CODES)

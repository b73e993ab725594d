"""Village plans: targets assigned (a unit required, criteria item of the year), the plan
submitted, returned with a comment, corrected, approved once; only approved plans' targets are
followed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chibo.core.models import AuditEvent
from chibo.criteria import services as criteria_services
from chibo.criteria.models import CriteriaSet
from chibo.criteria.services import ItemSpec, criteria_set_create
from chibo.organizations.models import Village
from chibo.plans import selectors, services
from chibo.plans.models import PlanTarget, VillagePlan
from chibo.targets.models import Target
from chibo.targets.services import target_add

pytestmark = pytest.mark.django_db
S = VillagePlan.Status


@pytest.fixture
def village(tree):
    return Village.objects.get(code="V-A1")


@pytest.fixture
def item(tree):
    s = criteria_set_create(
        kind=CriteriaSet.Kind.VILLAGE_NTM,
        name="Bản NTM",
        valid_from=datetime.date(2022, 1, 1),
        valid_to=datetime.date(2026, 1, 1),
        items=[ItemSpec(code="7", name="Hộ nghèo", unit="%", threshold=Decimal(10), compare="le")],
        actor=None,
    )
    return s.items.get()


def assign(village, year=2024, name="Giảm hộ nghèo", unit="hộ", **kw):
    return services.target_assign(
        village=village, year=year, name=name, unit=unit, yearly_value=Decimal(3), actor=None, **kw
    )


def test_the_loop_assign_submit_return_correct_approve(village, item, personas):
    commune = personas["commune"]
    link = assign(village, criteria_item=item)
    plan = link.plan
    assert (plan.status, link.target.cell_id, link.criteria_item) == (
        S.DRAFT,
        village.cell_id,
        item,
    )
    assert list(selectors.followed_targets(village.cell, 2024)) == []
    plan = services.plan_submit(plan=plan, text="Kế hoạch phát triển KT-XH năm 2024", actor=None)
    assert plan.status == S.SUBMITTED and plan.submitted_at
    plan = services.plan_return(plan=plan, comment="  Bổ sung   giải pháp ", actor=commune)
    assert (plan.status, plan.comment, plan.decided_by) == (
        S.RETURNED,
        "Bổ sung giải pháp",
        commune,
    )
    plan = services.plan_submit(plan=plan, text="Đã bổ sung giải pháp", actor=None)
    plan = services.plan_approve(plan=plan, actor=commune)
    assert plan.status == S.APPROVED
    assert list(selectors.followed_targets(village.cell, 2024)) == [link.target]
    statuses = AuditEvent.objects.filter(
        object_type="plans.villageplan", action="status"
    ).values_list("changes__status", flat=True)
    assert sorted(map(tuple, statuses)) == sorted(
        [
            ("draft", "submitted"),
            ("submitted", "returned"),
            ("returned", "submitted"),
            ("submitted", "approved"),
        ]
    )


def test_a_plan_approved_twice_is_refused_and_nothing_written(village, personas):
    plan = assign(village).plan
    plan = services.plan_submit(plan=plan, text="", actor=None)
    plan = services.plan_approve(plan=plan, actor=personas["commune"])
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as e:
        services.plan_approve(plan=plan, actor=personas["admin"])
    assert "đã được phê duyệt lúc" in e.value.messages[0]
    plan.refresh_from_db()
    assert plan.decided_by == personas["commune"] and AuditEvent.objects.count() == events
    # nor a target added to it, nor sent again
    with pytest.raises(ValidationError):
        assign(village, name="Làm đường")
    with pytest.raises(ValidationError):
        services.plan_submit(plan=plan, text="", actor=None)
    assert PlanTarget.objects.count() == 1


def test_a_target_with_no_unit_is_refused_and_nothing_written(village):
    with pytest.raises(ValidationError) as e:
        assign(village, unit="  ")
    assert "đơn vị tính" in " ".join(e.value.message_dict["unit"])
    assert not Target.objects.exists() and not PlanTarget.objects.exists()
    assert not VillagePlan.objects.exists()
    with pytest.raises(ValidationError):
        target_add(
            cell=village.cell, year=2024, name="X", unit="", yearly_value=Decimal(1), actor=None
        )


def test_a_criteria_item_not_in_force_that_year_is_refused(village, item):
    with pytest.raises(ValidationError) as e:
        assign(village, year=2027, criteria_item=item)
    assert "không thuộc bộ áp dụng năm 2027" in " ".join(e.value.message_dict["criteria_item"])
    assert not Target.objects.exists()


def test_return_needs_a_submitted_plan_and_a_comment(village):
    plan = assign(village).plan
    with pytest.raises(ValidationError):
        services.plan_return(plan=plan, comment="Sửa", actor=None)
    plan = services.plan_submit(plan=plan, text="", actor=None)
    with pytest.raises(ValidationError):
        services.plan_return(plan=plan, comment="  ", actor=None)
    with pytest.raises(ValidationError):
        services.plan_submit(plan=plan, text="", actor=None)
    plan.refresh_from_db()
    assert plan.status == S.SUBMITTED


def test_where_a_plan_gives_the_years_targets_only_the_approved_plans_are_followed(
    village, personas
):
    own = target_add(
        cell=village.cell,
        year=2024,
        name="Thu đảng phí",
        unit="%",
        yearly_value=Decimal(100),
        actor=None,
    )
    other_year = target_add(
        cell=village.cell, year=2023, name="Làm đường", unit="m", yearly_value=1, actor=None
    )
    # no plan for the year (the years before plans): the cell's own targets
    assert list(selectors.followed_targets(village.cell, 2024)) == [own]
    assert not selectors.plan_governs(village.cell, 2024)
    link = assign(village)
    # a plan drafted: neither its targets nor the cell's own of that year, until approved
    assert selectors.plan_governs(village.cell, 2024)
    assert list(selectors.followed_targets(village.cell, 2024)) == []
    assert list(selectors.followed_targets(village.cell, 2023)) == [other_year]
    plan = services.plan_submit(plan=link.plan, text="", actor=None)
    services.plan_approve(plan=plan, actor=personas["commune"])
    assert list(selectors.followed_targets(village.cell, 2024, 2023)) == [other_year, link.target]
    # and the cell adds none of its own for that year
    with pytest.raises(ValidationError) as e:
        services.cell_target_add(
            cell=village.cell, year=2024, name="Khác", unit="hộ", yearly_value=1, actor=None
        )
    assert "theo kế hoạch của bản" in e.value.messages[0]
    added = services.cell_target_add(
        cell=village.cell, year=2025, name="Khác", unit="hộ", yearly_value=1, actor=None
    )
    assert added.year == 2025 and not Target.objects.filter(year=2024, name="Khác").exists()


def test_the_communes_rows_give_each_village_its_plan_and_the_sets_it_met(
    tree, village, item, personas, django_assert_num_queries
):
    (row,) = selectors.commune_rows(village.commune, 2024)
    assert (row.village, row.plan, row.n_targets, row.sets_met) == (village, None, 0, [])
    plan = assign(village).plan
    assign(village, name="Làm đường", unit="m")
    services.plan_approve(
        plan=services.plan_submit(plan=plan, text="", actor=None), actor=personas["commune"]
    )
    criteria_services.village_status_record(
        village=village, year=2024, values={item: Decimal(8)}, actor=None
    )
    # villages, plans, sets, items, statuses
    with django_assert_num_queries(5):
        (row,) = selectors.commune_rows(village.commune, 2024)
    assert row.approved and row.n_targets == 2 and row.sets_met == [item.criteria_set]
    (row,) = selectors.commune_rows(village.commune, 2023)
    assert row.plan is None and row.sets_met == []

"""The demo's criteria (chibo/demo/criteria.py): the sets in force 2021–2026 without overlap,
the 2026 sets replacing the old ones, and village standings that improve over the years."""

import datetime

import pytest
from django.db.models import Count, Q

from chibo.core import indicators
from chibo.criteria import selectors
from chibo.criteria.models import CriteriaSet, VillageCriterionStatus
from chibo.organizations.models import Commune, Organization
from chibo.plans.models import PlanTarget, VillagePlan

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
D = datetime.date


def test_one_set_of_each_kind_in_force_each_day_from_2022(demo):
    for day in (D(2022, 6, 1), D(2025, 12, 31), D(2026, 1, 1)):
        kinds = list(CriteriaSet.objects.in_force(day).values_list("kind", flat=True))
        assert sorted(kinds) == sorted(CriteriaSet.Kind.values)
    in_2026 = CriteriaSet.objects.in_force(D(2026, 1, 1)).get(kind="commune_ntm")
    assert in_2026.decision == "QĐ 51/2025/QĐ-TTg" and in_2026.items.count() == 10
    old = CriteriaSet.objects.get(decision="QĐ 318/QĐ-TTg")
    assert old.valid_to == D(2026, 1, 1) and old.items.count() == 19


def test_no_village_is_judged_on_a_set_not_in_force_that_year(demo):
    """The rule of criteria.services.village_status_record (and of the workbook's import)."""
    for year in (2021, 2025, 2026):
        start, end = D(year, 1, 1), D(year + 1, 1, 1)
        outside = VillageCriterionStatus.objects.filter(year=year).filter(
            Q(item__criteria_set__valid_from__gte=end) | Q(item__criteria_set__valid_to__lte=start)
        )
        assert not outside.exists(), year
    assert VillageCriterionStatus.objects.filter(year=2026).exists()


def test_villages_meet_more_criteria_as_the_years_pass(demo):
    ntm = CriteriaSet.Kind.VILLAGE_NTM
    shares = []
    for year in (2021, 2025):
        rows = VillageCriterionStatus.objects.filter(year=year, item__criteria_set__kind=ntm)
        counts = rows.aggregate(n=Count("id"), met=Count("id", filter=Q(met=True)))
        shares.append(counts["met"] / counts["n"])
    assert 0.3 < shares[0] < shares[1] < 0.95
    # the communes' tables: some villages meet the whole set in 2025, not all
    met = []
    for commune in Commune.objects.all():
        _sets, rows = selectors.commune_table(commune, 2025)
        met += [s.met for r in rows for s in r.sets if s.criteria_set.kind == ntm]
    assert 0 < sum(met) < len(met)


def test_village_plans_are_approved_with_targets_serving_criteria(demo):
    plans = VillagePlan.objects.filter(year=2022)
    assert plans.count() > 100
    assert not plans.exclude(status=VillagePlan.Status.APPROVED).exists()
    linked = PlanTarget.objects.filter(plan__year=2022, criteria_item__isnull=False)
    assert linked.exists() and linked.count() < PlanTarget.objects.filter(plan__year=2022).count()
    waiting = VillagePlan.objects.filter(year=2023, status=VillagePlan.Status.SUBMITTED).count()
    assert 0 < waiting < VillagePlan.objects.filter(year=2023).count() // 5


def test_the_plans_roll_up_on_the_demo(demo):
    """The district's roll-up as of dates: the 2023 plans approved in February (those still
    waiting are not), every 2022 plan target judged on the whole year."""
    district = Organization.objects.get(code="SL-MS")

    def figure(code, on):
        v = indicators.get(code).compute(district, on)
        return v.value, v.of

    def cells(on):  # a village cell serves one village in the demo
        return indicators.get("village_cells").compute(district, on).value

    approved = VillagePlan.objects.filter(year=2023, status=VillagePlan.Status.APPROVED)
    assert figure("village_plans_approved", D(2023, 1, 31)) == (0, cells(D(2023, 1, 31)))
    assert figure("village_plans_approved", D(2023, 3, 31)) == (approved.count(), 293)
    assert figure("village_plans_approved", D(2022, 12, 31)) == ((n := cells(D(2022, 12, 31))), n)
    on_track, targets = figure("plan_targets_on_track", D(2022, 12, 31))
    assert targets == PlanTarget.objects.filter(plan__year=2022).count()
    assert 0 < on_track < targets
    met, villages = figure("villages_ntm_met", D(2023, 3, 31))
    assert 0 < met < villages == 293

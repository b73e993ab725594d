"""Criteria sets: versions of a kind never overlap, a new one replaces the old from its date,
what was recorded under the old one stays; a village's values judged against the thresholds."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chibo.core.models import AuditEvent
from chibo.criteria import selectors, services
from chibo.criteria.models import CriteriaItem, CriteriaSet, VillageCriterionStatus
from chibo.criteria.services import ItemSpec
from chibo.organizations.models import Village

pytestmark = pytest.mark.django_db
D = datetime.date
KIND = CriteriaSet.Kind.VILLAGE_NTM


def items(*specs):
    return [
        ItemSpec(code=c, name=f"Tiêu chí {c}", unit=u, threshold=t, compare=cmp)
        for c, u, t, cmp in specs
    ]


TWO = items(("1", "%", Decimal(95), "ge"), ("2", "%", Decimal(5), "le"))


START = D(2022, 1, 1)


def make(valid_from=START, valid_to=None, replace=False, name="Bản NTM 2022", specs=TWO):
    return services.criteria_set_create(
        kind=KIND,
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        items=specs,
        replace=replace,
        actor=None,
    )


def test_set_is_written_with_its_items_and_an_audit_event():
    s = make()
    assert [(i.code, i.unit, i.threshold, i.order) for i in s.items.all()] == [
        ("1", "%", Decimal(95), 1),
        ("2", "%", Decimal(5), 2),
    ]
    event = AuditEvent.objects.get(object_type="criteria.criteriaset", object_id=str(s.pk))
    assert event.changes["items"] == ["1", "2"]


def test_overlapping_set_of_the_same_kind_is_refused_and_nothing_written():
    old = make(valid_to=D(2026, 1, 1))
    with pytest.raises(ValidationError) as e:
        make(valid_from=D(2025, 7, 1), name="Bản NTM 2025")
    text = " ".join(e.value.message_dict["valid_from"])
    assert "“Bản NTM 2022”" in text and "01/01/2022" in text and "01/01/2026" in text
    assert list(CriteriaSet.objects.all()) == [old]
    assert CriteriaItem.objects.count() == 2


def test_an_open_set_is_not_replaced_unless_asked():
    make()
    with pytest.raises(ValidationError) as e:
        make(valid_from=D(2026, 1, 1), name="Bản NTM 2026")
    assert "Thay thế bộ cùng loại" in " ".join(e.value.message_dict["valid_from"])
    assert CriteriaSet.objects.count() == 1
    assert CriteriaSet.objects.get().valid_to is None


def test_a_set_of_another_kind_may_share_the_days():
    make()
    services.criteria_set_create(
        kind=CriteriaSet.Kind.VILLAGE_MODEL,
        name="Bản NTM kiểu mẫu",
        valid_from=D(2022, 1, 1),
        items=TWO,
        actor=None,
    )
    assert CriteriaSet.objects.count() == 2


def test_a_new_set_replaces_the_old_from_its_date_and_keeps_what_was_recorded(tree):
    village = Village.objects.get(code="V-A1")
    old = make()
    item = old.items.get(code="1")
    services.village_status_record(
        village=village, year=2025, values={item: Decimal("96.5")}, actor=None
    )
    new = make(valid_from=D(2026, 1, 1), replace=True, name="Bản NTM 2026")
    old.refresh_from_db()
    assert old.valid_to == D(2026, 1, 1) and new.valid_to is None
    assert [s.pk for s in CriteriaSet.objects.in_force(D(2025, 12, 31))] == [old.pk]
    assert [s.pk for s in CriteriaSet.objects.in_force(D(2026, 1, 1))] == [new.pk]
    # 2025 still reads the old set and its recorded value
    (standing,) = selectors.village_status(village, 2025)
    assert standing.criteria_set == old
    assert [(r.item.code, r.status and r.status.value) for r in standing.rows] == [
        ("1", Decimal("96.5")),
        ("2", None),
    ]
    # the old set's item cannot be recorded in a year it is not in force
    with pytest.raises(ValidationError):
        services.village_status_record(
            village=village, year=2026, values={item: Decimal(99)}, actor=None
        )


@pytest.mark.parametrize(
    "specs, problem",
    [
        ([], "ít nhất một tiêu chí"),
        (items(("1", "", Decimal(1), "ge")), "đơn vị tính"),
        (items(("1", "%", None, "ge")), "ngưỡng"),
        (items(("1", "%", Decimal(1), "ge"), ("1", "hộ", Decimal(2), "ge")), "bị trùng"),
        (items(("1", "%", Decimal(1), "gt")), "không hợp lệ"),
    ],
)
def test_bad_items_are_refused_and_nothing_written(specs, problem):
    with pytest.raises(ValidationError) as e:
        make(specs=specs)
    assert problem in " ".join(e.value.message_dict["items"])
    assert not CriteriaSet.objects.exists() and not CriteriaItem.objects.exists()


def test_end_before_start_is_refused():
    with pytest.raises(ValidationError):
        make(valid_from=D(2022, 1, 1), valid_to=D(2022, 1, 1))
    assert not CriteriaSet.objects.exists()


def test_village_values_are_judged_and_the_set_met_when_every_item_is(tree):
    village = Village.objects.get(code="V-A1")
    s = make()
    one, two = s.items.all()
    services.village_status_record(
        village=village, year=2024, values={one: Decimal(96), two: Decimal(7)}, actor=None
    )
    (standing,) = selectors.village_status(village, 2024)
    assert [r.met for r in standing.rows] == [True, False] and not standing.met
    services.village_status_record(
        village=village, year=2024, values={one: None, two: Decimal("4.5")}, actor=None
    )
    (standing,) = selectors.village_status(village, 2024)
    assert [r.met for r in standing.rows] == [True, True] and standing.met
    row = VillageCriterionStatus.objects.get(item=two, year=2024)
    assert row.value == Decimal("4.5")
    # the year before stays unrecorded
    (before,) = selectors.village_status(village, 2023)
    assert not before.met and before.n_met == 0
    events = AuditEvent.objects.filter(
        object_type="organizations.village", object_id=village.pk, action="update"
    )
    assert events.count() == 2


def test_negative_value_is_refused(tree):
    village = Village.objects.get(code="V-A1")
    item = make().items.first()
    with pytest.raises(ValidationError):
        services.village_status_record(
            village=village, year=2024, values={item: Decimal(-1)}, actor=None
        )
    assert not VillageCriterionStatus.objects.exists()

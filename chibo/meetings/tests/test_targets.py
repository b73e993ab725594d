"""A target's year so far: amounts add up month by month; a rate (Thu đảng phí 100%) is reached
again each month, so the year so far is the latest month's value, never 300%."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chibo.meetings.documents.selectors import paper
from chibo.meetings.selectors import progress_by_target
from chibo.targets import services
from chibo.targets.models import Target, TargetProgress
from conftest import login_client

from .core_helpers import meeting_of

pytestmark = pytest.mark.django_db
D = datetime.date


def targets(cell, actor):
    road = services.target_add(
        cell=cell, year=2023, name="Làm đường", unit="m", yearly_value=Decimal(500), actor=actor
    )
    dues = services.target_add(
        cell=cell,
        year=2023,
        name="Thu đảng phí",
        unit="%",
        yearly_value=Decimal(100),
        measure=Target.Measure.LEVEL,
        actor=actor,
    )
    for month, m, d in ((1, 100, 95), (2, 150, 100)):
        TargetProgress.objects.create(target=road, month=D(2023, month, 1), value=Decimal(m))
        TargetProgress.objects.create(target=dues, month=D(2023, month, 1), value=Decimal(d))
    TargetProgress.objects.create(target=road, month=D(2022, 12, 1), value=Decimal(999))
    return road, dues


def test_sums_add_up_and_levels_keep_the_latest(tree, personas):
    road, dues = targets(tree.cell_a, personas["secretary_a"])
    march = progress_by_target([road, dues], D(2023, 3, 1))
    assert march[road.pk] | {} == {
        "month": None, "before": Decimal(250), "to_date": Decimal(250), "note": "",
        "measure": "sum",
    }  # fmt: skip
    assert (march[dues.pk]["before"], march[dues.pk]["to_date"]) == (Decimal(100), Decimal(100))
    TargetProgress.objects.create(target=road, month=D(2023, 3, 1), value=Decimal(50))
    TargetProgress.objects.create(target=dues, month=D(2023, 3, 1), value=Decimal(90))
    march = progress_by_target([road, dues], D(2023, 3, 1))
    assert march[road.pk]["to_date"] == Decimal(300)
    assert (march[dues.pk]["before"], march[dues.pk]["to_date"]) == (Decimal(100), Decimal(90))
    january = progress_by_target([road, dues], D(2023, 1, 1))
    assert january[road.pk]["before"] == 0 and january[dues.pk]["before"] is None
    assert january[dues.pk]["to_date"] == Decimal(95)


def test_the_record_page_and_the_minutes_say_the_same(tree, personas):
    road, dues = targets(tree.cell_a, personas["secretary_a"])
    m = meeting_of(tree.cell_a)  # March 2023
    page = login_client(personas["secretary_a"]).get(f"/meetings/{m.pk}/record/")
    body = page.content.decode()
    assert "các tháng trước 250" in body and "tháng gần nhất 100" in body
    rows = {t.name: t for t in paper(m.pk).targets}
    assert rows["Làm đường"].cumulative == Decimal(250)
    assert rows["Thu đảng phí"].cumulative == Decimal(100)  # not 195%


def test_a_measure_must_be_one_of_the_choices(tree, personas):
    with pytest.raises(ValidationError) as e:
        services.target_add(
            cell=tree.cell_a,
            year=2023,
            name="X",
            unit="%",
            yearly_value=Decimal(1),
            measure="average",
            actor=personas["secretary_a"],
        )
    assert "measure" in e.value.message_dict and not Target.objects.exists()

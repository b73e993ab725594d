"""Meetings follow only an approved village plan's targets: where the commune gave the cell its
targets of the year in a plan, the record page, its checks, the preparation page and the minutes
show and take progress only on the approved plan's targets; a year with no plan keeps the cell's
own targets; a record keeps the targets it recorded progress on."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chibo.meetings import selectors
from chibo.meetings.documents.selectors import paper
from chibo.meetings.record.selectors import record_context
from chibo.meetings.record.services import meeting_record
from chibo.organizations.models import Village
from chibo.plans import services as plans
from chibo.targets.models import TargetProgress
from chibo.targets.services import target_add
from conftest import login_client

from .core_helpers import key, meeting_of, record_data

pytestmark = pytest.mark.django_db


def _record(tree, meeting, actor, progress):
    data = record_data(
        meeting, selectors.roll_call(tree.cell_a, meeting.scheduled_date), progress=progress
    )
    data["chair"], data["minute_taker"] = tree.secretary_member_a.pk, tree.member_a.pk
    return meeting_record(
        meeting=meeting, data=data, actor=actor, submission_key=key(), version=meeting.version
    )


def _names(meeting):
    return [t.name for t in record_context(meeting).targets]


def test_only_the_approved_plans_targets_are_followed(tree, personas):
    secretary, commune = personas["secretary_a"], personas["commune"]
    own = target_add(
        cell=tree.cell_a, year=2023, name="Thu đảng phí", unit="%", yearly_value=100, actor=None
    )
    m = meeting_of(tree.cell_a)  # March 2023
    assert _names(m) == ["Thu đảng phí"]  # no plan for the year: the cell's own
    link = plans.target_assign(
        village=Village.objects.get(code="V-A1"),
        year=2023,
        name="Giảm hộ nghèo",
        unit="hộ",
        yearly_value=Decimal(3),
        actor=commune,
    )
    # the plan is drafted: nothing followed, no progress taken, nothing written
    assert _names(m) == []
    with pytest.raises(ValidationError) as e:
        _record(tree, m, secretary, [{"target": link.target.pk, "value": "1"}])
    assert "progress" in e.value.message_dict and not TargetProgress.objects.exists()
    body = login_client(secretary).get(f"/meetings/{m.pk}/record/").content.decode()
    assert "kế hoạch năm của bản khi xã đã phê duyệt" in body and "Thu đảng phí" not in body
    page = login_client(secretary).get(f"/meetings/{m.pk}/prepare/").content.decode()
    assert "do Đảng ủy xã giao theo kế hoạch của bản" in page and "Thu đảng phí" not in page
    plan = plans.plan_submit(plan=link.plan, text="Kế hoạch 2023", actor=secretary)
    plans.plan_approve(plan=plan, actor=commune)
    assert _names(m) == ["Giảm hộ nghèo"]
    with pytest.raises(ValidationError):  # the cell's own target of that year is not followed
        _record(tree, m, secretary, [{"target": own.pk, "value": "100"}])
    m = _record(tree, m, secretary, [{"target": link.target.pk, "value": "2"}]).meeting
    (p,) = TargetProgress.objects.all()
    assert (p.target, p.value, p.meeting) == (link.target, Decimal(2), m)
    assert [(t.name, t.cumulative) for t in paper(m.pk).targets] == [("Giảm hộ nghèo", 2)]
    body = login_client(secretary).get(f"/meetings/{m.pk}/record/").content.decode()
    assert "Giảm hộ nghèo" in body and "Thu đảng phí" not in body


def test_a_record_keeps_the_targets_it_recorded_progress_on(tree, personas):
    own = target_add(
        cell=tree.cell_a, year=2023, name="Làm đường", unit="m", yearly_value=500, actor=None
    )
    m = meeting_of(tree.cell_a)
    m = _record(tree, m, personas["secretary_a"], [{"target": own.pk, "value": "50"}]).meeting
    plans.target_assign(
        village=Village.objects.get(code="V-A1"),
        year=2023,
        name="Giảm hộ nghèo",
        unit="hộ",
        yearly_value=Decimal(3),
        actor=personas["commune"],
    )
    # March's record said 50 m; a plan given later does not take it from its page nor minutes
    assert _names(m) == ["Làm đường"]
    assert [t.name for t in paper(m.pk).targets] == ["Làm đường"]
    april = meeting_of(tree.cell_a, month=m.month.replace(month=4))
    assert _names(april) == []


def test_the_preparation_page_refuses_an_own_target_in_a_planned_year(tree, personas):
    plans.target_assign(
        village=Village.objects.get(code="V-A1"),
        year=2023,
        name="Giảm hộ nghèo",
        unit="hộ",
        yearly_value=Decimal(3),
        actor=personas["commune"],
    )
    m = meeting_of(tree.cell_a)
    data = {"year": 2023, "name": "Khác", "unit": "hộ", "yearly_value": "1", "measure": "sum"}
    data["submission_key"] = key()
    r = login_client(personas["secretary_a"]).post(f"/meetings/{m.pk}/prepare/targets/", data)
    assert r.status_code == 400 and "không thêm chỉ tiêu riêng" in r.content.decode()
    assert not tree.cell_a.targets.filter(name="Khác").exists()

"""The meeting day (rules as data, Sunday and holiday shifts, rule changes, a commune's own rule),
the month's generation (idempotent, as-of structure, agenda copied), thematic meetings and the
quarter flag, the command."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chibo.core.models import AuditEvent
from chibo.meetings import lifecycle as services
from chibo.meetings import schedule, selectors
from chibo.meetings.models import (
    AgendaTemplate,
    AgendaTemplateItem,
    CellMeeting,
    DayShift,
    Holiday,
    MeetingRule,
)
from chibo.organizations import services as org_services
from chibo.organizations.models import Organization

from .core_helpers import APRIL, MARCH, D, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(tree):
    return org_services.org_create(
        code="XA-CQ",
        name="Chi bộ Ủy ban xã An",
        kind=Organization.Kind.CELL,
        cell_type=Organization.CellType.AGENCY,
        parent=tree.commune_a,
        valid_from=D(2015, 1, 1),
        actor=None,
    )


def rule(org, day, start, cell_type="residential", **kw):
    return MeetingRule.objects.create(
        organization=org, cell_type=cell_type, effective_from=start, day=day, source="test", **kw
    )


# --- the day ----------------------------------------------------------------------------------


def test_residential_cells_meet_on_the_24th_agency_cells_on_the_25th(tree, agency):
    assert schedule.meeting_day(tree.cell_a, MARCH) == D(2023, 3, 24)  # a Friday
    assert schedule.meeting_day(agency, D(2023, 4, 1)) == D(2023, 4, 25)  # a Tuesday


def test_saturday_is_kept_sunday_moves_for_agency_cells(tree, agency):
    # 25/03/2023 is a Saturday: neither a Sunday nor a holiday, the day stands.
    assert schedule.meeting_day(agency, MARCH) == D(2023, 3, 25)
    # 25/06/2023 is a Sunday; agency cells move BEFORE to a working day (Mon–Fri): Friday 23rd.
    assert schedule.meeting_day(agency, D(2023, 6, 1)) == D(2023, 6, 23)


def test_residential_cells_keep_a_sunday(tree):
    assert D(2023, 9, 24).weekday() == 6
    assert schedule.meeting_day(tree.cell_a, D(2023, 9, 1)) == D(2023, 9, 24)


def test_holidays_move_the_day_after_to_a_working_day(tree, agency):
    # Tết 2023: 20–26/01. Residential 24/01 (Tue) -> 27/01 (Fri); agency 25/01 (Wed) -> 27/01.
    assert schedule.meeting_day(tree.cell_a, D(2023, 1, 1)) == D(2023, 1, 27)
    assert schedule.meeting_day(agency, D(2023, 1, 1)) == D(2023, 1, 27)


def test_a_holiday_shift_skips_sundays_for_residential_cells(tree):
    Holiday.objects.create(date=D(2023, 6, 24), name="Ngày thử")  # a Saturday
    # AFTER: Sunday 25th is not a working day for the shift (Mon–Sat), so Monday 26th.
    assert schedule.meeting_day(tree.cell_a, D(2023, 6, 1)) == D(2023, 6, 26)


def test_a_shift_stays_in_the_month(tree, agency):
    # Tết 2025: 25/01–02/02. Agency 25/01 (Sat, holiday) AFTER would leave January (03/02):
    # it goes the other way, to Friday 24/01.
    assert schedule.meeting_day(agency, D(2025, 1, 1)) == D(2025, 1, 24)


def test_a_rule_change_applies_from_the_month_after_its_date(tree):
    rule(None, 20, D(2023, 5, 15))
    assert schedule.meeting_day(tree.cell_a, APRIL) == D(2023, 4, 24)
    assert schedule.meeting_day(tree.cell_a, D(2023, 5, 1)) == D(2023, 5, 24)  # mid-May rule
    assert schedule.meeting_day(tree.cell_a, D(2023, 6, 1)) == D(2023, 6, 20)
    rule(None, 12, D(2023, 7, 1))
    assert schedule.meeting_day(tree.cell_a, D(2023, 7, 1)) == D(2023, 7, 12)


def test_the_nearest_organization_rule_wins(tree, agency):
    rule(tree.district, 15, D(2020, 1, 1))
    rule(tree.commune_a, 10, D(2020, 1, 1), on_sunday=DayShift.AFTER)
    assert schedule.meeting_day(tree.cell_a, MARCH) == D(2023, 3, 10)  # commune's own
    assert schedule.meeting_day(tree.cell_b, MARCH) == D(2023, 3, 15)  # district's
    # The commune's rule is for residential cells: its agency cell keeps the global one.
    assert schedule.meeting_day(agency, MARCH) == D(2023, 3, 25)
    # A commune's rule not yet in force leaves the district's.
    rule(tree.commune_b, 5, D(2023, 4, 1))
    assert schedule.meeting_day(tree.cell_b, MARCH) == D(2023, 3, 15)
    assert schedule.meeting_day(tree.cell_b, APRIL) == D(2023, 4, 5)
    # The commune's rule moves a Sunday AFTER: 10/09/2023 is a Sunday.
    assert schedule.meeting_day(tree.cell_a, D(2023, 9, 1)) == D(2023, 9, 11)
    assert schedule.rule_for(tree.cell_a, MARCH).organization == tree.commune_a


def test_a_holiday_with_keep_still_moves_on_a_sunday(tree, agency):
    rule(None, 25, D(2023, 1, 1), cell_type="agency", on_sunday="before", on_holiday="keep")
    Holiday.objects.create(date=D(2023, 6, 25), name="Ngày thử")  # a Sunday
    assert schedule.meeting_day(agency, D(2023, 6, 1)) == D(2023, 6, 23)
    assert schedule.meeting_day(agency, D(2023, 1, 1)) == D(2023, 1, 25)  # Tết kept


def test_quarter_and_months():
    assert schedule.quarter_of(D(2023, 5, 17)) == (D(2023, 4, 1), D(2023, 6, 30))
    assert schedule.add_months(D(2023, 12, 5), 1) == D(2024, 1, 1)
    assert schedule.last_of_month(D(2024, 2, 3)) == D(2024, 2, 29)


# --- generation -------------------------------------------------------------------------------


def test_generate_plans_every_cell_with_the_agenda_and_sheet(tree, personas):
    created = plan(tree.district, actor=personas["admin"])
    assert {m.cell for m in created} == {tree.cell_a, tree.cell_a2, tree.cell_b}
    m = CellMeeting.objects.get(cell=tree.cell_a, month=MARCH)
    assert m.scheduled_date == D(2023, 3, 24)
    assert m.status == CellMeeting.Status.PLANNED and m.kind == CellMeeting.Kind.REGULAR
    titles = list(m.agenda.values_list("section", "title"))
    assert len(titles) == 10
    assert titles[0] == ("opening", "Tuyên bố lý do, giới thiệu đại biểu, cử thư ký")
    assert titles[-1][0] == "closing"
    assert m.score_sheet.items.count() == 8
    events = AuditEvent.objects.filter(object_type="meetings.cellmeeting", action="create")
    assert events.count() == 3
    assert set(events.values_list("actor__username", flat=True)) == {"admin"}


def test_generate_is_idempotent_and_never_moves_a_meeting(tree):
    assert len(plan(tree.commune_a)) == 2
    assert plan(tree.commune_a) == []
    assert plan(tree.district) != []  # only XB-01 is new
    assert CellMeeting.objects.count() == 3
    m = CellMeeting.objects.get(cell=tree.cell_a)
    m.status = CellMeeting.Status.HELD
    m.save()
    rule(tree.commune_a, 10, D(2020, 1, 1))
    assert plan(tree.district) == []
    m.refresh_from_db()
    assert m.scheduled_date == D(2023, 3, 24)
    # The next month follows the new rule.
    plan(tree.commune_a, APRIL)
    assert CellMeeting.objects.get(cell=tree.cell_a, month=APRIL).scheduled_date == D(2023, 4, 10)


def test_generate_reads_the_structure_of_the_month(tree):
    late = org_services.org_create(
        code="XA-03",
        name="Chi bộ bản Mới",
        kind=Organization.Kind.CELL,
        cell_type="residential",
        parent=tree.commune_a,
        valid_from=D(2023, 3, 25),  # founded after its March day
        actor=None,
    )
    org_services.org_close(org=tree.cell_a2, on=D(2023, 3, 10), actor=None)
    created = plan(tree.commune_a)
    assert [m.cell for m in created] == [tree.cell_a]
    assert {m.cell for m in plan(tree.commune_a, APRIL)} == {tree.cell_a, late}
    # A month before the cell existed: nothing for it.
    assert {m.cell for m in plan(tree.commune_a, D(2014, 6, 1))} == set()


def test_generate_uses_a_commune_agenda_template(tree):
    template = AgendaTemplate.objects.create(
        organization=tree.commune_b, name="Mẫu xã Bình", effective_from=D(2022, 1, 1)
    )
    AgendaTemplateItem.objects.create(template=template, section="opening", order=1, title="Mở")
    plan(tree.district)
    assert list(
        CellMeeting.objects.get(cell=tree.cell_b).agenda.values_list("title", flat=True)
    ) == ["Mở"]
    assert CellMeeting.objects.get(cell=tree.cell_a).agenda.count() == 10


def test_the_command(tree):
    out = StringIO()
    call_command("meetings_generate", "--month", "2023-03", "--org", "XA", stdout=out)
    assert "đã tạo 2 buổi" in out.getvalue()
    call_command("meetings_generate", "--month", "2023-03", stdout=out)
    assert CellMeeting.objects.count() == 3
    out = StringIO()
    call_command("meetings_generate", "--month", "2023-03", stdout=out)
    assert "Tổng cộng: 0 buổi mới." in out.getvalue()
    # the month as the pages read it: mm/yyyy too, within 1900–2100
    call_command("meetings_generate", "--month", "03/2023", stdout=out)
    with pytest.raises(CommandError, match="yyyy-mm"):
        call_command("meetings_generate", "--month", "2023/03")
    with pytest.raises(CommandError, match="1900–2100"):
        call_command("meetings_generate", "--month", "0001-03")
    with pytest.raises(CommandError, match="ZZ"):
        call_command("meetings_generate", "--month", "2023-03", "--org", "ZZ")


# --- thematic meetings ------------------------------------------------------------------------


def test_thematic_meetings_and_the_quarter_flag(tree, personas):
    actor = personas["secretary_a"]
    plan(tree.district)
    t = services.meeting_plan_thematic(
        cell=tree.cell_a,
        scheduled_date=D(2023, 3, 10),
        topic="Học tập và làm theo Bác",
        actor=actor,
    )
    assert t.kind == CellMeeting.Kind.THEMATIC and t.agenda.count() == 10
    assert t.has_thematic_part
    # Planned only: every cell is flagged.
    flagged = selectors.cells_without_thematic(tree.district, D(2023, 2, 14))
    assert flagged == [tree.cell_a, tree.cell_a2, tree.cell_b]
    t.status = CellMeeting.Status.HELD
    t.save()
    regular_b = CellMeeting.objects.get(cell=tree.cell_b)
    regular_b = services.meeting_set_topic(meeting=regular_b, topic="Chuyển đổi số", actor=None)
    regular_b.status = CellMeeting.Status.CONFIRMED
    regular_b.save()
    assert selectors.cells_without_thematic(tree.district, MARCH) == [tree.cell_a2]
    assert selectors.cells_without_thematic(tree.commune_b, MARCH) == []
    # The next quarter starts afresh.
    assert len(selectors.cells_without_thematic(tree.district, APRIL)) == 3


def test_a_thematic_meeting_needs_a_topic_and_an_existing_cell(tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.meeting_plan_thematic(
            cell=tree.cell_a, scheduled_date=D(2023, 3, 10), topic=" ", actor=None
        )
    with pytest.raises(ValidationError):
        services.meeting_plan_thematic(
            cell=tree.cell_a, scheduled_date=D(2010, 3, 10), topic="X", actor=None
        )
    with pytest.raises(ValidationError):
        services.meeting_plan_thematic(
            cell=tree.commune_a, scheduled_date=D(2023, 3, 10), topic="X", actor=None
        )
    assert not CellMeeting.objects.exists()


def test_moving_a_planned_day_stays_in_its_month(tree):
    (m,) = plan(tree.cell_a)
    with pytest.raises(Exception, match="03/2023"):
        services.meeting_set_topic(meeting=m, topic="", scheduled_date=D(2023, 4, 2), actor=None)
    services.meeting_set_topic(meeting=m, topic="", scheduled_date=D(2023, 3, 20), actor=None)
    m.refresh_from_db()
    assert m.scheduled_date == D(2023, 3, 20)
    assert datetime.date(2023, 3, 20) == m.scheduled_date

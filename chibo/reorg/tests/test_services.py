"""Reorganization plans: the preview, its conflicts, applying all or nothing, the undo."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template import Context, Template

from chibo.accounts.models import Role, RoleAssignment
from chibo.committees.models import CommuneLeader, Position, Title
from chibo.core import indicators
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.meetings.models import FollowAssignment
from chibo.members import counts as member_counts
from chibo.members.models import Membership
from chibo.members.services import member_transfer
from chibo.organizations import services as org_services
from chibo.organizations.models import Commune, Organization, OrganizationEvent, Village
from chibo.reorg import selectors, services
from chibo.reorg.models import Reorganization
from conftest import make_member

ON = datetime.date(2027, 1, 1)
BEFORE = ON - datetime.timedelta(days=1)
TODAY = datetime.date(2026, 12, 1)


def members_count(org, day):
    return indicators.get("members").compute(org, day).value


def merge_communes(tree, admin, **kwargs):
    return services.reorg_draft(
        kind="merge",
        sources=[tree.commune_a, tree.commune_b],
        parts=[{"code": "XN", "name": "Đảng bộ xã An Bình"}],
        on=ON,
        actor=admin,
        decision="Quyết định 01-QĐ/HU",
        **kwargs,
    )


@pytest.mark.django_db
def test_the_preview_lists_what_moves_and_writes_nothing(tree, personas):
    plan = merge_communes(tree, personas["admin"])
    before = Organization.objects.count()
    p = selectors.preview(plan, today=TODAY)
    assert p.ok, p.conflicts
    counts = p.counts()
    assert counts["organization"] == 3  # cells A, A2 and B follow the new commune committee
    assert counts["role"] == 1  # the commune staff's role
    assert "member" not in counts  # members stay in their cells
    assert [t.name for t in p.targets] == ["Đảng bộ xã An Bình"]
    assert p.parent == tree.district
    assert Organization.objects.count() == before
    assert plan.owner == tree.district


@pytest.mark.django_db
def test_merging_communes_moves_cells_and_roles_and_keeps_every_figure_of_before(tree, personas):
    admin = personas["admin"]
    commune_c = Commune.objects.get(code="C-A")
    CommuneLeader.objects.create(
        commune=tree.commune_a,
        post="party_secretary",
        full_name="Hà Văn Một",
        is_local=True,
        start=datetime.date(2020, 1, 1),
    )
    plan = merge_communes(tree, admin)
    a_before = members_count(tree.commune_a, BEFORE)
    b_before = members_count(tree.commune_b, BEFORE)
    assert (a_before, b_before) == (2, 1)

    services.reorg_apply(reorganization=plan, actor=admin, today=ON)

    plan.refresh_from_db()
    new = Organization.objects.get(code="XN")
    assert plan.status == "applied" and plan.parts.get().organization == new
    assert new.parent == tree.district and new.valid_from == ON
    for cell in (tree.cell_a, tree.cell_a2, tree.cell_b):
        cell.refresh_from_db()
        assert cell.parent == new and cell.path.startswith(new.path)
    for old in (tree.commune_a, tree.commune_b):
        old.refresh_from_db()
        assert old.valid_to == ON
        event = old.events.get(kind=OrganizationEvent.Kind.MERGED)
        assert list(event.related.all()) == [new]
    # The figures of the day before are the same; from the date, the new commune has them all.
    assert members_count(tree.commune_a, BEFORE) == 2
    assert members_count(tree.commune_b, BEFORE) == 1
    assert members_count(new, BEFORE) == 0
    assert members_count(new, ON) == 3
    assert members_count(tree.district, BEFORE) == members_count(tree.district, ON) == 3
    village_cells = indicators.get("village_cells")
    assert village_cells.compute(tree.commune_a, BEFORE).value == 2
    assert village_cells.compute(new, BEFORE).value == 0
    assert village_cells.compute(new, ON).value == 3
    # The commune staff's role ends at the old commune and opens at the new one.
    roles = RoleAssignment.objects.filter(user=personas["commune"]).order_by("valid_from")
    assert [(r.organization_id, r.valid_from, r.valid_to) for r in roles] == [
        (tree.commune_a.pk, datetime.date(2015, 1, 1), ON),
        (new.pk, ON, None),
    ]
    leader = CommuneLeader.objects.get(commune=new)
    assert (leader.full_name, leader.start) == ("Hà Văn Một", ON)
    commune_c.refresh_from_db()
    assert commune_c.party_committee == new
    assert AuditEvent.objects.filter(
        object_type="reorg.reorganization", object_id=str(plan.pk), action="restructure"
    ).exists()


@pytest.mark.django_db
def test_a_seat_held_in_both_merged_cells_is_a_conflict_until_the_plan_names_who_keeps_it(
    tree, personas
):
    admin = personas["admin"]
    other = make_member(tree.cell_a2, "Quàng Văn Hai", card="01000003")
    first = Position.objects.create(
        organization=tree.cell_a,
        member=tree.secretary_member_a,
        title=Title.SECRETARY,
        start=datetime.date(2020, 1, 1),
    )
    second = Position.objects.create(
        organization=tree.cell_a2,
        member=other,
        title=Title.SECRETARY,
        start=datetime.date(2020, 1, 1),
    )
    plan = services.reorg_draft(
        kind="merge",
        sources=[tree.cell_a, tree.cell_a2],
        parts=[{"code": "XA-09", "name": "Chi bộ bản Áng Đông"}],
        on=ON,
        actor=admin,
    )
    p = selectors.preview(plan, today=TODAY)
    assert any("Bí thư do 2 người giữ" in c for c in p.conflicts), p.conflicts
    with pytest.raises(ValidationError, match="Bí thư do 2 người giữ"):
        services.reorg_apply(reorganization=plan, actor=admin, today=ON)
    assert not Organization.objects.filter(code="XA-09").exists()

    services.reorg_draft_update(
        reorganization=plan, actor=admin, choices={"seats": {"position:secretary": first.pk}}
    )
    services.reorg_apply(reorganization=plan, actor=admin, today=ON)
    new = Organization.objects.get(code="XA-09")
    assert list(Position.objects.filter(organization=new).values_list("member_id", "start")) == [
        (tree.secretary_member_a.pk, ON)
    ]
    second.refresh_from_db()
    assert second.end == ON
    moved = Membership.objects.filter(cell=new, start=ON, reason="merge")
    assert moved.count() == 3
    village = Village.objects.get(code="V-A1")
    assert village.cell == new
    # The secretary's and the member's accounts follow; the cell's figures before stay.
    assert RoleAssignment.objects.filter(
        organization=new, role=Role.CELL_SECRETARY, valid_from=ON
    ).exists()
    assert members_count(tree.cell_a, BEFORE) == 2 and members_count(tree.cell_a2, BEFORE) == 1
    assert members_count(new, ON) == 3


@pytest.mark.django_db
def test_bad_plans_are_refused_with_a_clear_message_and_nothing_written(tree, personas):
    admin = personas["admin"]
    count = Organization.objects.count()
    events = AuditEvent.objects.count()

    def conflicts(**kwargs):
        plan = services.reorg_draft(actor=admin, **kwargs)
        found = selectors.preview(plan, today=TODAY).conflicts
        with pytest.raises(ValidationError):
            services.reorg_apply(reorganization=plan, actor=admin, today=max(plan.on, TODAY))
        return " | ".join(found)

    cells = [tree.cell_a, tree.cell_a2]
    taken = conflicts(kind="merge", sources=cells, parts=[{"code": "XB", "name": "X"}], on=ON)
    assert "Mã XB đã được dùng cho Đảng bộ xã Bình" in taken
    past = conflicts(
        kind="merge",
        sources=cells,
        parts=[{"code": "N", "name": "N"}],
        on=datetime.date(2026, 1, 1),
    )
    assert "đã qua" in past
    early = conflicts(
        kind="merge",
        sources=cells,
        parts=[{"code": "N", "name": "N"}],
        on=datetime.date(2015, 1, 1),
    )
    assert "lần thay đổi gần nhất của Chi bộ bản Áng" in early
    orphan = conflicts(
        kind="split",
        sources=[tree.commune_a],
        parts=[{"code": "N1", "name": "Một"}, {"code": "N2", "name": "Hai"}],
        on=ON,
        choices={"parts": {f"organization:{tree.cell_a.pk}": 0}},
    )
    assert "Chi bộ bản Đông sẽ không còn tổ chức cấp trên" in orphan
    mixed = conflicts(kind="merge", sources=[tree.cell_b], into=tree.commune_a, on=ON)
    assert "cùng loại" in mixed
    assert Organization.objects.count() == count
    assert not Organization.objects.filter(valid_to__isnull=False).exists()
    # Only the drafts' own audit events were written.
    assert (
        AuditEvent.objects.count() - events
        == Reorganization.objects.count()
        == AuditEvent.objects.filter(object_type="reorg.reorganization").count()
    )


@pytest.mark.django_db
def test_a_plan_applies_on_its_date_not_before(tree, personas):
    plan = merge_communes(tree, personas["admin"])
    with pytest.raises(ValidationError, match="chỉ áp dụng được từ ngày đó"):
        services.reorg_apply(reorganization=plan, actor=personas["admin"], today=TODAY)
    plan.refresh_from_db()
    assert plan.status == "draft"


@pytest.mark.django_db
def test_a_split_sends_members_and_villages_where_the_plan_says(tree, personas):
    admin = personas["admin"]
    village = Village.objects.get(code="V-A1")
    official = RoleAssignment.objects.get(user=personas["official"])
    choices = {
        "parts": {
            f"role:{official.pk}": 0,
            f"member:{tree.member_a.pk}": 0,
            f"member:{tree.secretary_member_a.pk}": 1,
            f"village:{village.pk}": 1,
        }
    }
    plan = services.reorg_draft(
        kind="split",
        sources=[tree.cell_a],
        parts=[{"code": "S1", "name": "Chi bộ Áng 1"}, {"code": "S2", "name": "Chi bộ Áng 2"}],
        on=ON,
        actor=admin,
        choices=choices,
    )
    p = selectors.preview(plan, today=TODAY)
    assert p.ok, p.conflicts
    services.reorg_apply(reorganization=plan, actor=admin, today=ON)
    s1, s2 = Organization.objects.get(code="S1"), Organization.objects.get(code="S2")
    tree.member_a.refresh_from_db()
    tree.secretary_member_a.refresh_from_db()
    assert (tree.member_a.cell, tree.secretary_member_a.cell) == (s1, s2)
    village.refresh_from_db()
    assert village.cell == s2
    # Each account goes with its member: the secretary's to S2, the member's to S1.
    assert (
        RoleAssignment.objects.get(user=personas["secretary_a"], valid_to=None).organization == s2
    )
    assert RoleAssignment.objects.get(user=personas["member_a"], valid_to=None).organization == s1
    # A role without a member record goes to the part the plan names.
    assert RoleAssignment.objects.get(user=personas["official"], valid_to=None).organization == s1
    tree.cell_a.refresh_from_db()
    assert tree.cell_a.valid_to == ON
    assert members_count(tree.cell_a, BEFORE) == 2 and members_count(s1, ON) == 1


@pytest.mark.django_db
def test_undo_puts_everything_back_while_nothing_depends_on_it(tree, personas):
    admin = personas["admin"]
    plan = merge_communes(tree, admin)
    paths = dict(Organization.objects.values_list("pk", "path"))
    roles = list(RoleAssignment.objects.values_list("pk", "organization_id", "valid_to"))
    plan = services.reorg_apply(reorganization=plan, actor=admin, today=ON)
    assert plan.journal and services.dependents(plan) == []

    services.reorg_undo(reorganization=plan, actor=admin)

    plan.refresh_from_db()
    assert plan.status == "undone"
    assert not Organization.objects.filter(code="XN").exists()
    assert dict(Organization.objects.values_list("pk", "path")) == paths
    assert list(RoleAssignment.objects.values_list("pk", "organization_id", "valid_to")) == roles
    assert not Organization.objects.filter(valid_to__isnull=False).exists()
    assert members_count(tree.commune_a, ON) == 2
    assert AuditEvent.objects.filter(action="delete", object_type="organizations.organization")
    with pytest.raises(ValidationError, match="đã áp dụng"):
        services.reorg_undo(reorganization=plan, actor=admin)


@pytest.mark.django_db
def test_undo_is_refused_with_the_reason_once_something_depends_on_it(tree, personas):
    admin = personas["admin"]
    plan = services.reorg_draft(
        kind="merge",
        sources=[tree.cell_a, tree.cell_a2],
        parts=[{"code": "XA-09", "name": "Chi bộ bản Áng Đông"}],
        on=ON,
        actor=admin,
    )
    services.reorg_apply(reorganization=plan, actor=admin, today=ON)
    new = Organization.objects.get(code="XA-09")
    member_transfer(member=tree.member_b, to_cell=new, on=datetime.date(2027, 2, 1), actor=admin)
    reasons = services.dependents(plan)
    assert any("Chi bộ bản Áng Đông đã có" in r for r in reasons), reasons
    # What it has is named in Vietnamese (the membership the transfer opened), not "membership".
    assert "Chi bộ bản Áng Đông đã có 1 quá trình sinh hoạt ghi sau khi áp dụng." in reasons
    with pytest.raises(ValidationError, match="Không thể hoàn tác"):
        services.reorg_undo(reorganization=plan, actor=admin)
    assert Organization.objects.filter(code="XA-09").exists()


def test_every_kind_of_row_is_named_in_vietnamese():
    """The refusal to undo names each kind of row that refers to an organization, the back
    office each kind it lists or refuses (its model's verbose name): Django's made-up English
    name ("position", "holiday") is not one."""
    from django.apps import apps
    from django.utils.text import camel_case_to_spaces

    made_up = []
    for model in apps.get_models():
        meta = model._meta
        if not model.__module__.startswith("chibo."):
            continue
        default = camel_case_to_spaces(meta.object_name)
        if str(meta.verbose_name) == default or str(meta.verbose_name_plural) == default + "s":
            made_up.append(meta.label)
    assert not made_up, made_up


@pytest.mark.django_db
def test_reorganize_drafts_and_applies_in_one_call(tree, personas):
    plan = services.reorganize(
        kind="merge", sources=[tree.cell_a2], into=tree.cell_a, on=ON, actor=None, today=ON
    )
    assert plan.status == "applied"
    tree.cell_a2.refresh_from_db()
    assert tree.cell_a2.valid_to == ON
    with pytest.raises(ValidationError, match="Mã XB"):
        services.reorganize(
            kind="merge",
            sources=[tree.commune_a, tree.commune_b],
            parts=[{"code": "XB", "name": "X"}],
            on=ON,
            actor=None,
            today=ON,
        )
    assert Reorganization.objects.count() == 1  # the refused one left no draft


@pytest.mark.django_db
def test_a_scheduled_plan_is_applied_on_its_day_by_the_daily_run(tree, personas):
    admin = personas["admin"]
    plan = merge_communes(tree, admin)
    services.reorg_schedule(reorganization=plan, actor=admin, today=TODAY)
    plan.refresh_from_db()
    assert plan.status == "scheduled"
    with pytest.raises(ValidationError, match="không còn là dự thảo"):
        services.reorg_draft_update(reorganization=plan, actor=admin, title="Khác")
    assert services.reorg_apply_due(today=BEFORE) == []  # not yet
    [(applied, reasons)] = services.reorg_apply_due(today=ON)
    assert reasons == [] and applied.status == "applied"
    assert Organization.objects.get(code="XN").valid_from == ON
    assert services.reorg_apply_due(today=ON) == []  # a second run does nothing


@pytest.mark.django_db
def test_a_scheduled_plan_stopped_on_its_day_becomes_a_draft_and_says_why(tree, personas):
    admin = personas["admin"]
    plan = merge_communes(tree, admin)
    services.reorg_schedule(reorganization=plan, actor=admin, today=TODAY)
    org_services.org_create(
        code="XN", name="Trùng mã", kind="grassroots", grassroots_type="commune",
        parent=tree.district, valid_from=TODAY, actor=None,
    )  # fmt: skip
    [(refused, reasons)] = services.reorg_apply_due(today=ON)
    assert any("Mã XN đã được dùng" in r for r in reasons)
    refused.refresh_from_db()
    assert refused.status == "draft"
    tree.commune_a.refresh_from_db()
    assert tree.commune_a.valid_to is None
    event = AuditEvent.objects.filter(object_type="reorg.reorganization").latest("id")
    assert "Mã XN đã được dùng" in event.note


@pytest.mark.django_db
def test_a_plan_with_conflicts_cannot_wait_for_its_date(tree, personas):
    plan = services.reorg_draft(
        kind="merge",
        sources=[tree.cell_a, tree.cell_a2],
        parts=[{"code": "XB", "name": "X"}],
        on=ON,
        actor=personas["admin"],
    )
    with pytest.raises(ValidationError, match="Mã XB"):
        services.reorg_schedule(reorganization=plan, actor=personas["admin"], today=TODAY)
    plan.refresh_from_db()
    assert plan.status == "draft"


@pytest.mark.django_db
def test_the_daily_command_with_nothing_due(tree):
    out = io.StringIO()
    call_command("reorg_apply_due", stdout=out)
    assert out.getvalue().strip() == "0 applied, 0 refused"


@pytest.mark.django_db
def test_a_trial_run_finds_what_a_service_refuses_and_writes_nothing(tree, personas):
    """A committee member's seat in two small cells: the merged cell (3 official members) elects
    no cell committee, so position_assign refuses it on the way; the preview cannot know it."""
    admin = personas["admin"]
    Position.objects.create(
        organization=tree.cell_a, member=tree.member_a, title=Title.COMMITTEE_MEMBER,
        start=datetime.date(2020, 1, 1),
    )  # fmt: skip
    plan = services.reorg_draft(
        kind="merge",
        sources=[tree.cell_a, tree.cell_a2],
        parts=[{"code": "XA-09", "name": "Chi bộ bản Áng Đông"}],
        on=ON,
        actor=admin,
    )
    assert selectors.preview(plan, today=TODAY).ok
    events = AuditEvent.objects.count()
    reasons = services.reorg_trial(reorganization=plan, actor=admin)
    assert any("không có chi ủy viên" in r for r in reasons), reasons
    with pytest.raises(ValidationError, match="không có chi ủy viên"):
        services.reorg_schedule(reorganization=plan, actor=admin, today=TODAY)
    assert not Organization.objects.filter(code="XA-09").exists()
    assert AuditEvent.objects.count() == events
    plan.refresh_from_db()
    assert plan.status == "draft"


@pytest.mark.django_db
def test_cells_of_two_communes_merge_under_the_parent_the_plan_names(tree, personas):
    admin = personas["admin"]
    plan = services.reorg_draft(
        kind="merge",
        sources=[tree.cell_a2, tree.cell_b],
        parts=[{"code": "XB-09", "name": "Chi bộ bản Bó Đông"}],
        on=ON,
        actor=admin,
    )
    assert any("cấp trên khác nhau" in c for c in selectors.preview(plan, today=TODAY).conflicts)
    plan = services.reorg_draft(
        kind="merge",
        sources=[tree.cell_a2, tree.cell_b],
        parts=[{"code": "XB-09", "name": "Chi bộ bản Bó Đông"}],
        parent=tree.commune_b,
        on=ON,
        actor=admin,
    )
    assert plan.owner == tree.district
    services.reorg_apply(reorganization=plan, actor=admin, today=ON)
    new = Organization.objects.get(code="XB-09")
    assert new.parent == tree.commune_b
    assert members_count(tree.commune_b, BEFORE) == 1 and members_count(tree.commune_b, ON) == 1
    assert members_count(tree.commune_a, ON) == 2  # cell A2 had no member


@pytest.mark.django_db
def test_merging_into_a_cell_that_goes_on_settles_its_seats_and_its_followers(tree, personas):
    """The secretary chosen comes from the merged cell: the receiving cell's secretary steps
    down that day. An official who follows both cells keeps the one assignment he had."""
    admin = personas["admin"]
    other = make_member(tree.cell_a2, "Quàng Văn Hai", card="01000003")
    staying = Position.objects.create(
        organization=tree.cell_a, member=tree.secretary_member_a, title=Title.SECRETARY,
        start=datetime.date(2020, 1, 1),
    )  # fmt: skip
    chosen = Position.objects.create(
        organization=tree.cell_a2, member=other, title=Title.SECRETARY,
        start=datetime.date(2020, 1, 1),
    )  # fmt: skip
    official = personas["official"]
    for cell in (tree.cell_a, tree.cell_a2):
        FollowAssignment.objects.create(
            official=official, cell=cell, kind="commune_cadre", start=datetime.date(2020, 1, 1)
        )
    plan = services.reorg_draft(
        kind="merge",
        sources=[tree.cell_a2],
        into=tree.cell_a,
        on=ON,
        actor=admin,
        choices={"seats": {"position:secretary": chosen.pk}},
    )
    p = selectors.preview(plan, today=TODAY)
    assert p.ok, p.conflicts
    services.reorg_apply(reorganization=plan, actor=admin, today=ON)
    staying.refresh_from_db()
    assert staying.end == ON
    assert list(
        Position.objects.filter(organization=tree.cell_a, start=ON).values_list("member_id")
    ) == [(other.pk,)]
    follows = FollowAssignment.objects.filter(official=official).order_by("cell_id")
    assert [(f.cell_id, f.end) for f in follows] == [(tree.cell_a.pk, None), (tree.cell_a2.pk, ON)]


@pytest.mark.django_db
def test_on_one_date_cells_merge_then_their_communes_and_each_undoes_in_turn(tree, personas):
    """The 2025 shape: on 1/7 two cells become a new one, then the communes holding it merge.
    The new cell's period, begun that day, is amended (it never held a day under commune A)."""
    admin = personas["admin"]
    cells = services.reorganize(
        kind="merge",
        sources=[tree.cell_a, tree.cell_a2],
        parts=[{"code": "XA-09", "name": "Chi bộ bản Áng Đông"}],
        on=ON,
        actor=admin,
        today=ON,
    )
    communes = services.reorganize(
        kind="merge",
        sources=[tree.commune_a, tree.commune_b],
        parts=[{"code": "XN", "name": "Đảng bộ xã An Bình"}],
        on=ON,
        actor=admin,
        today=ON,
    )
    cell, commune = Organization.objects.get(code="XA-09"), Organization.objects.get(code="XN")
    assert cell.parent == commune
    assert list(cell.periods.values_list("parent_id", "valid_from", "valid_to")) == [
        (commune.pk, ON, None)
    ]
    assert members_count(commune, ON) == 3 and members_count(tree.commune_a, BEFORE) == 2
    # The members-per-cell counters moved with the members (chibo.members.counts).
    assert member_counts.differences() == []
    # The cells' plan came first: it cannot be undone while the communes' plan stands on it.
    assert services.dependents(cells)
    services.reorg_undo(reorganization=communes, actor=admin)
    cell.refresh_from_db()
    assert cell.parent == tree.commune_a
    assert list(cell.periods.values_list("parent_id", "valid_from", "valid_to")) == [
        (tree.commune_a.pk, ON, None)
    ]
    assert services.dependents(cells) == []
    services.reorg_undo(reorganization=cells, actor=admin)
    assert not Organization.objects.filter(code__in=["XA-09", "XN"]).exists()
    assert members_count(tree.commune_a, ON) == 2
    assert member_counts.differences() == []  # and back with them


@pytest.mark.django_db
def test_a_district_ends_and_what_it_holds_passes_to_the_province(tree, personas):
    admin = personas["admin"]
    province = org_services.org_create(
        code="TI", name="Đảng bộ tỉnh Thử", kind="province_committee", parent=None,
        valid_from=datetime.date(2015, 1, 1), actor=None,
    )  # fmt: skip
    org_services.org_reparent(
        org=tree.district, new_parent=province, on=datetime.date(2016, 1, 1), actor=None
    )
    seat = Position.objects.create(
        organization=tree.district, member=tree.member_b, title=Title.SECRETARY,
        start=datetime.date(2020, 1, 1),
    )  # fmt: skip
    plan = services.reorganize(
        kind="merge", sources=[tree.district], into=province, on=ON, actor=admin, today=ON
    )
    assert plan.status == "applied"
    tree.district.refresh_from_db()
    tree.commune_a.refresh_from_db()
    assert tree.district.valid_to == ON and tree.commune_a.parent == province
    assert tree.district.events.get(on=ON).kind == OrganizationEvent.Kind.DISSOLVED
    seat.refresh_from_db()
    assert seat.end == ON and not Position.objects.filter(organization=province).exists()
    role = RoleAssignment.objects.get(user=admin, valid_to=None)
    assert role.organization == province and role.valid_from == ON
    assert members_count(tree.district, BEFORE) == members_count(province, ON) == 3
    notice = Template("{% load org_ended %}{% ended_notice org %}").render(
        Context({"org": tree.district})
    )
    assert f"Đã kết thúc từ {day_text(ON)}" in notice
    assert "giải thể; các tổ chức trực thuộc chuyển về" in notice
    assert f'href="/org/{province.pk}/">Đảng bộ tỉnh Thử</a>' in notice
    # Cells cannot be absorbed by their commune committee: they merge into a cell.
    plan = services.reorg_draft(kind="merge", sources=[tree.cell_b], into=tree.commune_b, on=ON,
                                actor=admin)  # fmt: skip
    assert any("không vào cấp trên" in c for c in selectors.preview(plan, today=ON).conflicts)


@pytest.mark.django_db
def test_no_indicator_of_the_day_before_moves_and_the_undo_gives_the_day_after_back(tree, personas):
    """Every registered indicator, for the district and each commune, as of the day before a
    merger of communes and of cells, is the same after it; after the undo, as of the day itself
    too."""
    admin = personas["admin"]

    def figures(day):
        return {
            (org.code, code): (value.value, value.of)
            for org in (tree.district, tree.commune_a, tree.commune_b)
            for code, value in indicators.compute_values(org, day).items()
        }

    before, on_day = figures(BEFORE), figures(ON)
    cells = services.reorganize(
        kind="merge", sources=[tree.cell_a2], into=tree.cell_a, on=ON, actor=admin, today=ON
    )
    communes = services.reorganize(
        kind="merge",
        sources=[tree.commune_a, tree.commune_b],
        parts=[{"code": "XN", "name": "Đảng bộ xã An Bình"}],
        on=ON,
        actor=admin,
        today=ON,
    )
    assert figures(BEFORE) == before
    assert figures(ON) != on_day  # the communes have ended
    services.reorg_undo(reorganization=communes, actor=admin)
    services.reorg_undo(reorganization=cells, actor=admin)
    assert figures(BEFORE) == before and figures(ON) == on_day


@pytest.mark.django_db
def test_applying_and_undoing_take_as_many_queries_for_three_cells_as_for_six(tree, personas):
    # Expected queries of one apply: the plan and its sources locked, the preview's reads (one
    # a kind of row), the new commune (org_create), then a few a kind of row moved: the
    # children re-parented together (subtrees, periods, parents; periods ended, amended,
    # opened; organizations repathed; events and their related rows; audit events), the role,
    # the communes, the sources closed, the journal and the plan's audit event. The undo reads
    # and writes back each run of one kind of write at once (the cells' rows in a few runs).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = personas["admin"]

    def apply_and_undo():
        plan = merge_communes(tree, admin)
        with CaptureQueriesContext(connection) as applied:
            services.reorg_apply(reorganization=plan, actor=admin, today=ON)
        new = Organization.objects.get(code="XN")
        cells = Organization.objects.filter(parent=new)
        moved = cells.count()
        assert all(c.path.startswith(new.path) and c.depth == new.depth + 1 for c in cells)
        with CaptureQueriesContext(connection) as undone:
            services.reorg_undo(reorganization=plan, actor=admin)
        return moved, len(applied), len(undone)

    small = apply_and_undo()
    for i in range(3):
        org_services.org_create(
            code=f"XA-X{i}",
            name=f"Chi bộ bản Thêm {i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_a,
            valid_from=datetime.date(2020, 1, 1),
            actor=None,
        )
    large = apply_and_undo()
    assert (small[0], large[0]) == (3, 6)
    assert large[1:] == small[1:], (small, large)

"""Writes to committees: every rule a write enforces, every bad input refused with a message and
nothing saved, the audit row beside each change, and no lost update on the last seat."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from chibo.committees.models import (
    CommitteeRule,
    ConcurrentRole,
    Position,
    SuccessionPlan,
    Term,
    Title,
)
from chibo.committees.positions import services
from chibo.committees.succession import services as succession_services
from chibo.committees.villages import services as village_services
from chibo.core.models import AuditEvent
from chibo.members import services as member_services
from chibo.members.models import Status
from chibo.organizations.models import Organization, Village

from .conftest import DAY, START, fill, seat

pytestmark = pytest.mark.django_db
D = datetime.date


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def audits(model, pk=None):
    qs = AuditEvent.objects.filter(object_type=model._meta.label_lower)
    return qs.filter(object_id=str(pk)) if pk else qs


# --- terms ----------------------------------------------------------------------------------


def test_term_create_and_overlap(tree):
    term = services.term_create(
        organization=tree.cell_a, name="2020–2022", start=START, end=D(2022, 12, 31), actor=None
    )
    assert audits(Term, term.pk).filter(action="create").count() == 1
    with pytest.raises(ValidationError) as e:
        services.term_create(
            organization=tree.cell_a,
            name="2022–2025",
            start=D(2022, 6, 1),
            end=D(2025, 6, 1),
            actor=None,
        )
    assert "2020–2022" in messages(e.value)
    with pytest.raises(ValidationError) as e:
        services.term_create(
            organization=tree.cell_a, name="x", start=D(2025, 1, 1), end=D(2024, 1, 1), actor=None
        )
    assert "sau ngày bắt đầu" in messages(e.value)
    # Terms meeting on a day do not overlap.
    services.term_create(
        organization=tree.cell_a,
        name="2023–2025",
        start=D(2022, 12, 31),
        end=D(2025, 6, 30),
        actor=None,
    )
    assert Term.objects.filter(organization=tree.cell_a).count() == 2


# --- positions: bad input ---------------------------------------------------------------------


def test_secretary_is_seated_and_audited(tree):
    p = seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY, decision="QĐ 12")
    assert (p.organization, p.member, p.end) == (tree.cell_a, tree.secretary_member_a, None)
    event = audits(Position, p.pk).get()
    assert event.action == "create" and event.changes["title"] == "secretary"


def test_end_before_start_is_refused(tree):
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a, tree.member_a, Title.SECRETARY, end=START - datetime.timedelta(days=1))
    assert "sau ngày bắt đầu" in messages(e.value)
    with pytest.raises(ValidationError):
        seat(tree.cell_a, tree.member_a, Title.SECRETARY, end=START)
    assert not Position.objects.exists() and not audits(Position).exists()


def test_member_outside_the_cell_is_refused(tree):
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a, tree.member_b, Title.SECRETARY)
    assert "Cầm Văn Bình không sinh hoạt ở Chi bộ bản Áng ngày 01/06/2020" in messages(e.value)
    # Before joining the cell the member was not in it either.
    with pytest.raises(ValidationError):
        seat(tree.cell_a, tree.member_a, Title.SECRETARY, start=D(2009, 1, 1))
    # After a transfer out, not any more.
    member_services.member_transfer(
        member=tree.member_a, to_cell=tree.cell_a2, on=D(2021, 1, 1), actor=None
    )
    with pytest.raises(ValidationError):
        seat(tree.cell_a, tree.member_a, Title.SECRETARY, start=D(2022, 1, 1))
    assert not Position.objects.exists()


def test_probationary_member_is_refused(tree):
    (prob,) = fill(tree.cell_a, 1, official=False, prefix="Dự bị", admitted=D(2022, 9, 1))
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a, prob, Title.SECRETARY, start=D(2023, 1, 1))
    assert "dự bị" in messages(e.value)
    assert not Position.objects.exists()


def test_overlapping_secretary_is_refused_with_the_holder(tree):
    seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY, end=D(2022, 12, 31))
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a, tree.member_a, Title.SECRETARY, start=D(2022, 6, 1))
    text = messages(e.value)
    assert "đã có bí thư Lò Thị Ánh từ 01/06/2020 đến 31/12/2022" in text
    # The day the first one ends, the next may start.
    seat(tree.cell_a, tree.member_a, Title.SECRETARY, start=D(2022, 12, 31))
    # An open-ended secretary blocks every later start.
    with pytest.raises(ValidationError):
        seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY, start=D(2030, 1, 1))
    assert Position.objects.count() == 2


def test_one_seat_per_member_at_a_time(tree):
    seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY)
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a, tree.secretary_member_a, Title.DEPUTY_SECRETARY, start=D(2021, 1, 1))
    assert "đang giữ chức Bí thư" in messages(e.value)


def test_a_cell_has_no_standing_committee(tree):
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a, tree.member_a, Title.STANDING_MEMBER)
    assert "Chi bộ không có chức danh này" in messages(e.value)


def test_term_must_be_the_organizations_and_hold_the_start(tree):
    other = Term.objects.create(
        organization=tree.cell_b, name="2020–2022", start=START, end=D(2022, 12, 31)
    )
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a, tree.member_a, Title.SECRETARY, term=other)
    assert "không thuộc" in messages(e.value)
    own = Term.objects.create(
        organization=tree.cell_a, name="2020–2022", start=START, end=D(2022, 12, 31)
    )
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a, tree.member_a, Title.SECRETARY, start=D(2023, 3, 1), term=own)
    assert "ngoài nhiệm kỳ 2020–2022" in messages(e.value)


# --- positions: the committee rule --------------------------------------------------------------


def test_small_cell_gets_no_committee_member_seat_with_the_rules_numbers(tree):
    # Cell A has 2 official members: below the threshold of the rule in force.
    rule = CommitteeRule.in_force(START)
    seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY)
    seat(tree.cell_a, tree.member_a, Title.DEPUTY_SECRETARY)
    (extra,) = fill(tree.cell_a, 1)
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a, extra, Title.COMMITTEE_MEMBER)
    text = messages(e.value)
    assert f"3 đảng viên chính thức, dưới {rule.committee_threshold}" in text
    assert rule.source in text and f"tối đa {rule.max_deputies} phó bí thư" in text


def test_second_deputy_is_refused(committee):
    cell, official = committee
    with pytest.raises(ValidationError) as e:
        seat(cell, official[3], Title.DEPUTY_SECRETARY, start=D(2021, 1, 1))
    assert "Tối đa 1 phó bí thư" in messages(e.value)


def test_committee_size_limit(committee):
    cell, official = committee
    for m in official[3:7]:
        seat(cell, m, Title.COMMITTEE_MEMBER, start=D(2021, 1, 1))
    assert Position.objects.filter(organization=cell).count() == 7
    with pytest.raises(ValidationError) as e:
        seat(cell, official[7], Title.COMMITTEE_MEMBER, start=D(2021, 2, 1))
    assert "tối đa 7 người giữ chức danh" in messages(e.value) and "đã có 7" in messages(e.value)
    # A seat that ended before frees its place for a later start only.
    services.position_end(
        position=Position.objects.get(member=official[6]), end=D(2022, 1, 1), actor=None
    )
    with pytest.raises(ValidationError):
        seat(cell, official[7], Title.COMMITTEE_MEMBER, start=D(2021, 6, 1))
    seat(cell, official[7], Title.COMMITTEE_MEMBER, start=D(2022, 1, 1))


def test_a_rule_change_on_a_date_changes_what_is_allowed(tree):
    # Six official members in cell A2: under the 2011 rule (9) no committee member seat; under a
    # later rule with a threshold of 5 and committees of at most 4, one is allowed, not two.
    members = fill(tree.cell_a2, 6)
    CommitteeRule.objects.create(
        effective_from=D(2024, 1, 1),
        source="Quy định thử 2024",
        min_official_members=3,
        committee_threshold=5,
        max_committee_size=3,
        max_deputies=1,
        min_committee_size=3,
    )
    seat(tree.cell_a2, members[0], Title.SECRETARY)
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a2, members[1], Title.COMMITTEE_MEMBER, start=D(2023, 6, 1))
    assert "dưới 9" in messages(e.value)
    seat(tree.cell_a2, members[1], Title.COMMITTEE_MEMBER, start=D(2024, 1, 1))
    seat(tree.cell_a2, members[2], Title.DEPUTY_SECRETARY, start=D(2024, 2, 1))
    with pytest.raises(ValidationError) as e:
        seat(tree.cell_a2, members[3], Title.COMMITTEE_MEMBER, start=D(2024, 3, 1))
    assert "tối đa 3" in messages(e.value) and "Quy định thử 2024" in messages(e.value)


def test_commune_committee_members_come_from_its_cells(tree):
    pos = seat(tree.commune_a, tree.member_a, Title.STANDING_MEMBER)
    assert pos.organization == tree.commune_a
    seat(tree.commune_a, tree.secretary_member_a, Title.DEPUTY_SECRETARY)
    with pytest.raises(ValidationError) as e:
        seat(tree.commune_a, tree.member_b, Title.COMMITTEE_MEMBER)
    assert "không sinh hoạt ở chi bộ nào thuộc Đảng bộ xã An" in messages(e.value)


def test_position_end(committee):
    cell, official = committee
    pos = Position.objects.get(member=official[2])
    with pytest.raises(ValidationError) as e:
        services.position_end(position=pos, end=D(2020, 1, 1), actor=None)
    assert "sau ngày bắt đầu (01/06/2020)" in messages(e.value)
    services.position_end(position=pos, end=D(2022, 1, 1), actor=None)
    pos.refresh_from_db()
    assert pos.end == D(2022, 1, 1)
    assert audits(Position, pos.pk).filter(action="update").count() == 1
    with pytest.raises(ValidationError) as e:
        services.position_end(position=pos, end=D(2023, 1, 1), actor=None)
    assert "đã kết thúc ngày 01/01/2022" in messages(e.value)


# --- the committee elected at a congress -------------------------------------------------------


def test_record_committee_after_congress(committee, personas):
    cell, official = committee
    term = services.term_create(
        organization=cell, name="2023–2025", start=D(2023, 3, 1), end=D(2025, 9, 30), actor=None
    )
    on = D(2023, 3, 15)
    created = services.record_committee_after_congress(
        organization=cell,
        term=term,
        secretary=official[1],
        deputy=official[3],
        members=official[4:6],
        on=on,
        actor=personas["admin"],
    )
    assert [p.title for p in created] == ["secretary", "deputy_secretary"] + [
        "committee_member"
    ] * 2
    old = Position.objects.filter(organization=cell, start=START)
    assert old.count() == 3 and set(old.values_list("end", flat=True)) == {on}
    new = Position.objects.filter(organization=cell, start=on, end__isnull=True, term=term)
    assert new.count() == 4
    event = AuditEvent.objects.get(
        object_type="organizations.organization", object_id=cell.pk, action="update"
    )
    assert event.actor == personas["admin"] and "2023–2025" in event.note


def test_congress_is_all_or_nothing(committee, big_cell):
    cell, official = committee
    _c, _o, probationary = big_cell
    before = list(Position.objects.order_by("pk").values_list("pk", "end"))
    audit_count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as e:
        services.record_committee_after_congress(
            organization=cell,
            term=None,
            secretary=official[1],
            deputy=None,
            members=[official[4], probationary[0]],
            on=D(2023, 3, 15),
            actor=None,
        )
    assert "dự bị" in messages(e.value)
    assert list(Position.objects.order_by("pk").values_list("pk", "end")) == before
    assert AuditEvent.objects.count() == audit_count
    with pytest.raises(ValidationError) as e:
        services.record_committee_after_congress(
            organization=cell,
            term=None,
            secretary=official[1],
            deputy=official[1],
            members=[],
            on=D(2023, 3, 15),
            actor=None,
        )
    assert "một chức danh" in messages(e.value)
    # A committee too large for the rule is refused whole, with the rule's numbers.
    with pytest.raises(ValidationError) as e:
        services.record_committee_after_congress(
            organization=cell,
            term=None,
            secretary=official[0],
            deputy=official[1],
            members=official[2:8],
            on=D(2023, 3, 15),
            actor=None,
        )
    assert "tối đa 7" in messages(e.value)
    assert list(Position.objects.order_by("pk").values_list("pk", "end")) == before


def test_congress_before_a_running_seat_started_is_refused(committee):
    cell, official = committee
    with pytest.raises(ValidationError) as e:
        services.record_committee_after_congress(
            organization=cell,
            term=None,
            secretary=official[1],
            deputy=None,
            members=[],
            on=START,
            actor=None,
        )
    assert "không trước ngày đại hội" in messages(e.value)


# --- concurrency ------------------------------------------------------------------------------


def test_the_last_seat_cannot_be_taken_twice_from_a_stale_read(committee):
    """Two secretaries loaded the page when 6 of 7 seats were taken; both submit."""
    cell, official = committee
    for m in official[3:6]:
        seat(cell, m, Title.COMMITTEE_MEMBER, start=D(2021, 1, 1))
    stale = Organization.objects.get(pk=cell.pk)  # what both pages were built from
    first, second = official[6], official[7]
    taken_when_loaded = Position.objects.filter(organization=cell, end__isnull=True).count()
    assert taken_when_loaded == 6
    seat(stale, first, Title.COMMITTEE_MEMBER, start=D(2022, 1, 1))
    audit_count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as e:
        seat(stale, second, Title.COMMITTEE_MEMBER, start=D(2022, 1, 1))
    assert "đã có 7" in messages(e.value)
    assert Position.objects.filter(organization=cell, end__isnull=True).count() == 7
    assert AuditEvent.objects.count() == audit_count


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_writers_fill_the_last_seat_once(monkeypatch):
    """On PostgreSQL, two threads past the form at the same time: the organization row lock
    makes the second wait for the first and then read its seat. Without the lock both would
    pass the size check (the sleep holds each one between check and insert)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes whole transactions")
    from conftest import Tree

    tree = Tree()
    official = fill(tree.cell_a2, 10)
    for m, title in zip(
        official[:6],
        [Title.SECRETARY, Title.DEPUTY_SECRETARY] + [Title.COMMITTEE_MEMBER] * 4,
        strict=True,
    ):
        seat(tree.cell_a2, m, title)
    original = services._check_seats
    barrier = threading.Barrier(2)

    def slow_check(*args, **kwargs):
        original(*args, **kwargs)
        import time

        time.sleep(0.5)

    monkeypatch.setattr(services, "_check_seats", slow_check)
    results = {}

    def run(i):
        barrier.wait()
        try:
            seat(tree.cell_a2, official[6 + i], Title.COMMITTEE_MEMBER, start=D(2022, 1, 1))
            results[i] = "ok"
        except ValidationError as e:
            results[i] = messages(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(v == "ok" for v in results.values()) == [False, True]
    assert "đã có 7" in next(v for v in results.values() if v != "ok")
    assert Position.objects.filter(organization=tree.cell_a2, end__isnull=True).count() == 7


# --- concurrent roles ---------------------------------------------------------------------------


@pytest.fixture
def village(tree):
    return Village.objects.get(code="V-A1")


def role(village, kind, start=START, **kw):
    return village_services.concurrent_role_assign(
        village=village, kind=kind, start=start, actor=None, **kw
    )


def test_village_posts_by_members_and_non_members(tree, village):
    head = role(village, ConcurrentRole.Kind.VILLAGE_HEAD, member=tree.secretary_member_a)
    front = role(village, ConcurrentRole.Kind.FRONT_HEAD, person_name="  Lò   Văn Xôm ")
    assert front.person_name == "Lò Văn Xôm" and front.holder_name == "Lò Văn Xôm"
    assert head.holder_name == "Lò Thị Ánh"
    assert audits(ConcurrentRole).filter(action="create").count() == 2


@pytest.mark.parametrize(
    "kw", [{}, {"person_name": "   "}, {"person_name": "X", "member": "member_a"}]
)
def test_a_village_post_has_exactly_one_holder(tree, village, kw):
    if kw.get("member"):
        kw["member"] = tree.member_a
    with pytest.raises(ValidationError) as e:
        role(village, ConcurrentRole.Kind.VILLAGE_HEAD, **kw)
    assert "một trong hai" in messages(e.value)
    assert not ConcurrentRole.objects.exists()


def test_overlapping_holder_of_the_same_post_is_refused(tree, village):
    role(village, ConcurrentRole.Kind.VILLAGE_HEAD, member=tree.secretary_member_a)
    with pytest.raises(ValidationError) as e:
        role(village, ConcurrentRole.Kind.VILLAGE_HEAD, person_name="Lường Văn Mới", start=DAY)
    assert "đã có trưởng thôn, bản, tiểu khu Lò Thị Ánh từ 01/06/2020 đến nay" in messages(e.value)
    # Another post is fine, and so is the same post after the first ends.
    role(village, ConcurrentRole.Kind.VILLAGE_POLICE, person_name="Lường Văn Mới", start=DAY)
    head = ConcurrentRole.objects.get(kind="village_head")
    village_services.concurrent_role_end(role=head, end=D(2023, 1, 1), actor=None)
    role(village, ConcurrentRole.Kind.VILLAGE_HEAD, person_name="Lường Văn Mới", start=DAY)
    with pytest.raises(ValidationError) as e:
        village_services.concurrent_role_end(role=head, end=D(2023, 2, 1), actor=None)
    assert "đã kết thúc" in messages(e.value)
    with pytest.raises(ValidationError) as e:
        role(village, ConcurrentRole.Kind.FRONT_HEAD, person_name="A", end=START)
    assert "sau ngày bắt đầu" in messages(e.value)


# --- succession planning ----------------------------------------------------------------------


def plan(tree, member, title=Title.SECRETARY, **kw):
    return succession_services.succession_plan_add(
        organization=tree.cell_a,
        term_name=kw.pop("term_name", "2025–2030"),
        title=title,
        member=member,
        approved_on=kw.pop("approved_on", D(2023, 1, 10)),
        actor=None,
        **kw,
    )


def test_succession_plan_add_and_remove_keeps_the_row(tree):
    p = plan(tree, tree.member_a, note="Trẻ, có năng lực")
    with pytest.raises(ValidationError) as e:
        plan(tree, tree.member_a)
    assert "đã có trong quy hoạch" in messages(e.value)
    with pytest.raises(ValidationError) as e:
        plan(tree, tree.member_a, title=Title.STANDING_MEMBER)
    with pytest.raises(ValidationError) as e:
        succession_services.succession_plan_remove(plan=p, on=D(2022, 1, 1), actor=None)
    assert "trước ngày phê duyệt" in messages(e.value)
    succession_services.succession_plan_remove(
        plan=p, on=D(2024, 1, 1), actor=None, note="Chuyển công tác"
    )
    p.refresh_from_db()
    assert p.removed_on == D(2024, 1, 1) and "Chuyển công tác" in p.note
    assert SuccessionPlan.objects.count() == 1
    with pytest.raises(ValidationError):
        succession_services.succession_plan_remove(plan=p, on=D(2024, 2, 1), actor=None)
    # Removed, the member may be planned again.
    plan(tree, tree.member_a, approved_on=D(2024, 6, 1))
    assert audits(SuccessionPlan).count() == 3


def test_a_member_who_left_cannot_be_planned(tree):
    member_services.member_change_status(
        member=tree.member_a, status=Status.DECEASED, on=D(2022, 1, 1), actor=None
    )
    tree.member_a.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        plan(tree, tree.member_a)
    assert "không còn sinh hoạt" in messages(e.value)

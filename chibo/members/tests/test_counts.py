"""The members-per-cell counters (chibo.members.counts): each service that admits, moves or ends
a member keeps them right in its own transaction; `manage.py member_counts` finds and fixes a
wrong one; the tree reads them."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from chibo.members import counts
from chibo.members import services as member_services
from chibo.members.models import CellMemberCount, Member
from chibo.members.movements import services as movements
from chibo.members.spreadsheets.checking import CleanRow
from chibo.organizations.models import subtree_q
from chibo.organizations.people import people
from conftest import make_member

D = datetime.date


def stored(*cells) -> list[int]:
    by_id = dict(CellMemberCount.objects.values_list("cell_id", "members"))
    return [by_id.get(c.pk, 0) for c in cells]


def counted(*cells) -> list[int]:
    return [Member.objects.in_cell().filter(cell=c).count() for c in cells]


def assert_right(tree, *expected):
    cells = (tree.cell_a, tree.cell_a2, tree.cell_b)
    assert stored(*cells) == counted(*cells) == list(expected)
    assert counts.differences() == []


@pytest.mark.django_db
def test_every_service_that_moves_a_member_keeps_the_counters(tree, personas):
    admin = personas["admin"]
    # conftest's members came through member_create: cell A 2, cell B 1.
    assert_right(tree, 2, 0, 1)
    new = make_member(tree.cell_a2, "Hoàng Văn Mới", admitted=D(2012, 1, 5))
    assert_right(tree, 2, 1, 1)
    member_services.member_transfer(member=new, to_cell=tree.cell_b, on=D(2020, 1, 1), actor=admin)
    assert_right(tree, 2, 0, 2)
    movements.member_transfer_within(
        member=new, to_cell=tree.cell_a2, on=D(2020, 2, 1), letter_number="GT-1", actor=admin
    )
    assert_right(tree, 2, 1, 1)
    # An exemption keeps the member on the roll; a return too.
    movements.member_exempt(member=new, on=D(2020, 3, 1), reason="Tuổi cao", actor=admin)
    assert_right(tree, 2, 1, 1)
    movements.member_end_exemption(member=new, on=D(2020, 4, 1), actor=admin)
    assert_right(tree, 2, 1, 1)
    movements.member_transfer_out(
        member=new, on=D(2020, 5, 1), letter_number="GT-2", place="Hà Nội", actor=admin
    )
    assert_right(tree, 2, 0, 1)
    movements.member_transfer_in(
        member=new, to_cell=tree.cell_b, on=D(2021, 1, 1), letter_number="GT-3", place="Hà Nội",
        actor=admin,
    )  # fmt: skip
    assert_right(tree, 2, 0, 2)
    movements.member_remove(
        member=new, on=D(2021, 2, 1), kind="removal", decided_by="Đảng ủy xã",
        decision_number="01-QĐ", actor=admin,
    )  # fmt: skip
    assert_right(tree, 2, 0, 1)
    movements.member_reinstate(
        member=new, on=D(2021, 3, 1), decided_by="Huyện ủy", decision_number="02-QĐ", actor=admin
    )
    assert_right(tree, 2, 0, 2)
    movements.member_record_death(member=new, on=D(2021, 4, 1), actor=admin)
    assert_right(tree, 2, 0, 1)
    member_services.members_change_status_many(
        members=[tree.member_a, tree.secretary_member_a], status="exempt", on=D(2022, 1, 1),
        actor=admin, note="Tuổi cao",
    )  # fmt: skip
    assert_right(tree, 2, 0, 1)
    member_services.member_change_status(
        member=tree.member_a, status="active", on=D(2022, 2, 1), actor=admin
    )
    assert_right(tree, 2, 0, 1)


@pytest.mark.django_db
def test_an_import_a_merge_and_a_split_keep_the_counters(tree, personas):
    admin = personas["admin"]
    fields = dict(
        sex="female", birth_date=D(1990, 1, 1), ethnicity="Thái", admission_date=D(2015, 1, 1),
        official_date=D(2016, 1, 1), theory_level="none",
    )  # fmt: skip
    rows = [
        CleanRow(1, {"full_name": "Lò Thị Một", **fields}, tree.cell_a2),
        CleanRow(2, {"full_name": "Lò Thị Hai", **fields}, tree.cell_a2),
        CleanRow(3, {"full_name": "Lò Thị Ba", **fields}, tree.cell_b),
    ]
    member_services.members_import(rows=rows, actor=admin)
    assert_right(tree, 2, 2, 2)
    member_services.cells_merge(
        source=tree.cell_a2, into=tree.cell_a, on=D(2020, 1, 1), actor=admin
    )
    assert_right(tree, 4, 0, 2)
    to_move = Member.objects.get(full_name="Lò Thị Một")
    (new_cell,) = member_services.cell_split(
        source=tree.cell_a,
        new_cells=[{"code": "XA-09", "name": "Chi bộ bản Mới"}],
        assignment={to_move.pk: 0},
        on=D(2021, 1, 1),
        actor=admin,
    )
    assert_right(tree, 3, 0, 2)
    assert stored(new_cell) == counted(new_cell) == [1]
    # The tree adds the counters up: the district has them all.
    by_prefix = people().counts_by_prefix(subtree_q(tree.district.path, "cell__path"), 9)
    assert by_prefix[tree.district.path] == 6 == Member.objects.in_cell().count()


@pytest.mark.django_db
def test_a_refused_change_leaves_the_counters_as_they_were(tree, personas):
    with pytest.raises(ValidationError):
        member_services.member_transfer(
            member=tree.member_a, to_cell=tree.cell_a, on=D(2020, 1, 1), actor=personas["admin"]
        )
    assert_right(tree, 2, 0, 1)


@pytest.mark.django_db
def test_the_command_finds_a_wrong_counter_and_fixes_it(tree):
    CellMemberCount.objects.filter(cell=tree.cell_a).update(members=7)
    CellMemberCount.objects.filter(cell=tree.cell_b).delete()
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 chi bộ"):
        call_command("member_counts", stdout=out)
    assert f"#{tree.cell_a.pk}: bộ đếm 7, đếm lại 2" in out.getvalue()
    assert f"#{tree.cell_b.pk}: bộ đếm 0, đếm lại 1" in out.getvalue()
    call_command("member_counts", "--fix", stdout=out)
    assert stored(tree.cell_a, tree.cell_b) == [2, 1]
    out = io.StringIO()
    call_command("member_counts", stdout=out)
    assert "đều đúng" in out.getvalue()


@pytest.mark.django_db
def test_a_batch_counts_its_cells_once_at_its_end(tree, personas):
    """counts.deferred: inside, the counters wait; at the end, one refresh of every cell the
    batch touched; after an error, none (the transaction rolls back the members too)."""
    admin = personas["admin"]
    with counts.deferred():
        member_services.member_transfer(
            member=tree.member_a, to_cell=tree.cell_b, on=D(2020, 1, 1), actor=admin
        )
        assert stored(tree.cell_a, tree.cell_b) == [2, 1]  # not yet
        with counts.deferred():  # nested: the outer batch counts
            member_services.member_transfer(
                member=tree.member_b, to_cell=tree.cell_a2, on=D(2020, 1, 1), actor=admin
            )
        assert stored(tree.cell_a2) == [0]
    assert_right(tree, 1, 1, 1)
    with pytest.raises(RuntimeError), counts.deferred():
        CellMemberCount.objects.filter(cell=tree.cell_a).update(members=9)
        member_services.member_change_status(
            member=tree.secretary_member_a, status="deceased", on=D(2021, 1, 1), actor=admin
        )
        raise RuntimeError("the batch fails after a change")
    assert stored(tree.cell_a) == [9]  # nothing refreshed (the test's own transaction stays)
